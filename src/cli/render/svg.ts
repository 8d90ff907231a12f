/**
 * A standalone SVG of the graph, laid out by `@dagrejs/dagre` (the layout half of the graphlib
 * family): pods are compound nodes, drawn as boxes around their containers; dependents above
 * their dependencies, so removal goes from the top down. Text widths are estimated (an SVG file
 * cannot measure its font), generously, so labels stay inside their boxes.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { CliError } from '../cli-error.js';
import { captionOf, type Drawing, depthOf, legendOf, type Swatch, swatchOf } from './drawing.js';

/**
 * dagre's layout recurses once per level of the graph and overflows the stack at about 1,500
 * levels (pods lower that); a picture of hundreds of levels is not read anyway.
 */
export const MAX_SVG_DEPTH = 500;

const NAME_CHAR = 7.4;
const CAPTION_CHAR = 6.2;
const NODE_HEIGHT = 40;
const POD_HEADER = 18;
const LEGEND_HEIGHT = 36;
const FONT = 'Helvetica, Arial, sans-serif';
const IMPLICIT_NOTE = 'member of the pod: needs its infra container';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Point {
  x: number;
  y: number;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** A smooth path through dagre's edge points (Catmull-Rom as cubic Béziers). */
function curve(points: Point[]): string {
  let d = `M${num(points[0].x)},${num(points[0].y)}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[i - 1] ?? points[i];
    const p1 = points[i];
    const p2 = points[i + 1];
    const p3 = points[i + 2] ?? p2;
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += ` C${num(c1.x)},${num(c1.y)} ${num(c2.x)},${num(c2.y)} ${num(p2.x)},${num(p2.y)}`;
  }
  return d;
}

interface SvgOptions {
  /** A line above the picture. */
  title?: string;
}

export function renderSvg(drawing: Drawing, options: SvgOptions = {}): string {
  const depth = depthOf(drawing);
  if (depth > MAX_SVG_DEPTH) {
    throw new CliError(
      `the graph is too deep to draw as SVG: its longest chain has ${depth} containers, and the layout (dagre) ` +
        `handles ${MAX_SVG_DEPTH}; draw it with --format dot and Graphviz instead`,
    );
  }
  const g = new Graph<Record<string, unknown>, Box, { points?: Point[] }>({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 44, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const podKey = (p: number) => `p${p}`;
  const containerKey = (i: number) => `c${i}`;
  drawing.pods.forEach((pod, p) => {
    // An empty pod is a plain node; one with members is sized by dagre around them.
    const width = Math.max(110, (pod.label.length + 4) * NAME_CHAR + 20);
    g.setNode(podKey(p), {
      x: 0,
      y: 0,
      width: drawing.members[p].length === 0 ? width : 0,
      height: drawing.members[p].length === 0 ? NODE_HEIGHT : 0,
    });
  });
  const captions = drawing.containers.map((container) => captionOf(drawing, container));
  drawing.containers.forEach((container, i) => {
    const width = Math.max(84, container.label.length * NAME_CHAR + 20, captions[i].length * CAPTION_CHAR + 20);
    g.setNode(containerKey(i), { x: 0, y: 0, width, height: NODE_HEIGHT });
    if (container.pod !== -1) g.setParent(containerKey(i), podKey(container.pod));
  });
  for (const edge of drawing.edges) g.setEdge(containerKey(edge.from), containerKey(edge.to));
  layout(g);

  const top = options.title === undefined ? POD_HEADER : POD_HEADER + 26;
  const graphBox = g.graph() as { width?: number; height?: number };
  const legend = legendOf(drawing);
  const implicit = drawing.edges.some((edge) => edge.implicit);
  const legendWidth =
    legend.reduce((sum, entry) => sum + 34 + entry.text.length * CAPTION_CHAR + 12, 16) +
    (implicit ? 40 + IMPLICIT_NOTE.length * CAPTION_CHAR : 0);
  const width = Math.ceil(
    Math.max(graphBox.width ?? 0, legendWidth, options.title === undefined ? 0 : options.title.length * NAME_CHAR + 32),
  );
  const height = Math.ceil(top + (graphBox.height ?? 0) + LEGEND_HEIGHT);
  const at = (box: Box) => ({ left: box.x - box.width / 2, top: box.y - box.height / 2 + top });

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12">`,
    `<title>${escapeXml(options.title ?? `podgraph: ${drawing.containers.length} containers in ${drawing.pods.length} pods`)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker>' +
      '<marker id="arrow-implicit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z" fill="#aaaaaa"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (options.title !== undefined)
    out.push(`<text x="16" y="24" font-size="14" font-weight="bold" fill="#222222">${escapeXml(options.title)}</text>`);

  out.push('<g class="pods">');
  drawing.pods.forEach((pod, p) => {
    const box = g.node(podKey(p));
    const { left, top: y } = at(box);
    const status = drawing.byOutcome
      ? ` (${pod.outcome ?? 'untouched'}${pod.code !== undefined && pod.outcome !== 'aborted' ? `: ${pod.code}` : ''})`
      : '';
    const empty = drawing.members[p].length === 0;
    out.push(
      `<g class="pod" data-id="${escapeXml(pod.id)}"><title>${escapeXml(`pod ${pod.id}${status}`)}</title>` +
        `<rect x="${num(left)}" y="${num(y - POD_HEADER)}" width="${num(box.width)}" height="${num(box.height + POD_HEADER)}" rx="8" fill="#f3effa" stroke="#7e57c2" stroke-dasharray="5,3"/>` +
        `<text x="${num(left + 8)}" y="${num(y - 5)}" font-size="11" font-weight="bold" fill="#5e35b1">${escapeXml(`pod ${pod.label}${status}`)}</text>` +
        (empty
          ? `<text x="${num(box.x)}" y="${num(y + box.height / 2 + 4)}" font-size="10" fill="#777777" text-anchor="middle">(no containers)</text>`
          : '') +
        '</g>',
    );
  });
  out.push('</g>', '<g class="edges" fill="none">');
  for (const edge of drawing.edges) {
    const points = g.edge(containerKey(edge.from), containerKey(edge.to))?.points;
    if (points === undefined || points.length < 2) continue;
    const shifted = points.map((point: Point) => ({ x: point.x, y: point.y + top }));
    const style = edge.implicit
      ? 'stroke="#aaaaaa" stroke-dasharray="4,3" marker-end="url(#arrow-implicit)"'
      : 'stroke="#555555" marker-end="url(#arrow)"';
    out.push(`<path d="${curve(shifted)}" stroke-width="1.3" ${style}/>`);
  }
  out.push('</g>', '<g class="containers">');
  drawing.containers.forEach((container, i) => {
    const box = g.node(containerKey(i));
    const { left, top: y } = at(box);
    const { fill, stroke } = swatchOf(drawing, container);
    const tooltip = [container.id, captions[i], container.pod === -1 ? '' : `pod ${drawing.pods[container.pod].id}`]
      .filter(Boolean)
      .join('\n');
    out.push(
      `<g class="container" data-id="${escapeXml(container.id)}" data-state="${container.state}"${container.outcome ? ` data-outcome="${container.outcome}"` : ''}>` +
        `<title>${escapeXml(tooltip)}</title>` +
        `<rect x="${num(left)}" y="${num(y)}" width="${num(box.width)}" height="${num(box.height)}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="1.5"${container.infra ? ' stroke-dasharray="3,2"' : ''}/>` +
        `<text x="${num(box.x)}" y="${num(y + 17)}" text-anchor="middle" font-weight="bold" fill="#222222">${escapeXml(container.label)}</text>` +
        `<text x="${num(box.x)}" y="${num(y + 31)}" text-anchor="middle" font-size="10" fill="#444444">${escapeXml(captions[i])}</text>` +
        '</g>',
    );
  });
  out.push('</g>', legendSvg(legend, height - LEGEND_HEIGHT + 10, implicit), '</svg>');
  return `${out.join('\n')}\n`;
}

function legendSvg(entries: { text: string; swatch: Swatch }[], y: number, implicit: boolean): string {
  let x = 16;
  const parts = ['<g class="legend" font-size="10" fill="#444444">'];
  for (const { text, swatch } of entries) {
    parts.push(
      `<rect x="${x}" y="${y}" width="16" height="12" rx="3" fill="${swatch.fill}" stroke="${swatch.stroke}"/>` +
        `<text x="${x + 22}" y="${y + 10}">${escapeXml(text)}</text>`,
    );
    x += 34 + text.length * CAPTION_CHAR + 12;
  }
  if (implicit) {
    parts.push(
      `<path d="M${x},${y + 6} L${x + 24},${y + 6}" stroke="#aaaaaa" stroke-dasharray="4,3" marker-end="url(#arrow-implicit)"/>` +
        `<text x="${x + 32}" y="${y + 10}">${IMPLICIT_NOTE}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}
