/** `podgraph graph`: the dependency graph as DOT, Mermaid, SVG or a GraphSpec (JSON, which `--spec` reads back). */
import { writeFileSync } from 'node:fs';
import type { ContainerGraph } from '../../graph/container-graph.ts';
import { renderDot } from '../render/dot.ts';
import { drawingOf } from '../render/drawing.ts';
import { renderMermaid } from '../render/mermaid.ts';
import { renderSvg } from '../render/svg.ts';
import { openSource, type SourceFlags } from '../source.ts';
import type { Io } from './io.ts';

export const GRAPH_FORMATS = ['dot', 'mermaid', 'svg', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphFlags extends SourceFlags {
  format: GraphFormat;
  output?: string;
}

export function renderGraph(graph: ContainerGraph, format: GraphFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph.toSpec(), null, 2)}\n`;
    case 'dot':
      return renderDot(drawingOf(graph));
    case 'mermaid':
      return renderMermaid(drawingOf(graph));
    case 'svg':
      return renderSvg(drawingOf(graph));
  }
}

export async function runGraph(flags: GraphFlags, io: Io): Promise<number> {
  const source = await openSource(flags);
  try {
    const text = renderGraph(source.graph, flags.format);
    if (flags.output === undefined) io.stdout.write(text);
    else writeFileSync(flags.output, text);
    return 0;
  } finally {
    source.close();
  }
}
