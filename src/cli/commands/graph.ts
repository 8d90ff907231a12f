/** `podgraph graph`: the dependency graph as DOT, Mermaid, SVG or a GraphSpec (JSON, which `--spec` reads back). */
import { writeFileSync } from 'node:fs';
import type { ContainerGraph } from '../../graph/container-graph.js';
import { renderDot } from '../render/dot.js';
import { drawingOf } from '../render/drawing.js';
import { renderMermaid } from '../render/mermaid.js';
import { openSource, type SourceFlags } from '../source.js';
import type { Io } from './io.js';

export const GRAPH_FORMATS = ['dot', 'mermaid', 'svg', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphFlags extends SourceFlags {
  format: GraphFormat;
  output?: string;
}

/** The SVG layout (dagre) is loaded only when asked for: every other command starts without it. */
export async function renderGraph(graph: ContainerGraph, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph.toSpec(), null, 2)}\n`;
    case 'dot':
      return renderDot(drawingOf(graph));
    case 'mermaid':
      return renderMermaid(drawingOf(graph));
    case 'svg':
      return (await import('../render/svg.js')).renderSvg(drawingOf(graph));
  }
}

export async function runGraph(flags: GraphFlags, io: Io): Promise<number> {
  const source = await openSource(flags);
  try {
    const text = await renderGraph(source.graph, flags.format);
    if (flags.output === undefined) io.stdout.write(text);
    else writeFileSync(flags.output, text);
    return 0;
  } finally {
    source.close();
  }
}
