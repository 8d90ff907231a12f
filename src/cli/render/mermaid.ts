/** Mermaid flowchart, for Markdown that renders it (GitHub does, in a ```mermaid block). */
import { captionOf, type Drawing, swatchOf } from './drawing.js';

/** A quoted Mermaid label of `lines`: quotes and angle brackets as entities, lines joined with `<br/>`. */
function label(...lines: string[]): string {
  return `"${lines.map((text) => text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

export function renderMermaid(drawing: Drawing): string {
  const out = ['flowchart TB'];
  const classes = new Map<string, string>();
  const node = (i: number, indent: string) => {
    const container = drawing.containers[i];
    const { fill, stroke } = swatchOf(drawing, container);
    const name = `s${fill.slice(1)}${stroke.slice(1)}`;
    classes.set(name, `fill:${fill},stroke:${stroke}`);
    out.push(`${indent}c${i}[${label(container.label, captionOf(drawing, container))}]:::${name}`);
  };
  drawing.pods.forEach((pod, p) => {
    const state = drawing.byOutcome ? ` (${pod.outcome ?? 'untouched'})` : '';
    out.push(`  subgraph p${p}[${label(`pod ${pod.label}${state}`)}]`);
    for (const i of drawing.members[p]) node(i, '    ');
    out.push('  end');
  });
  for (const i of drawing.outside) node(i, '  ');
  for (const edge of drawing.edges) out.push(`  c${edge.from} ${edge.implicit ? '-.->' : '-->'} c${edge.to}`);
  for (const [name, style] of classes) out.push(`  classDef ${name} ${style}`);
  return `${out.join('\n')}\n`;
}
