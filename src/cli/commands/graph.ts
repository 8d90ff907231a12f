/** `podgraph graph`: the dependency graph as DOT, Mermaid, SVG or a GraphSpec (JSON, which `--spec` reads back). */
import { writeFileSync } from 'node:fs';
import { PodgraphError } from '../../errors.js';
import { ContainerGraph, planRemoval } from '../../index.js';
import { CliError } from '../cli-error.js';
import type { GraphFormat } from '../flag-values.js';
import { refusalExitCode } from '../output.js';
import type { Io } from '../progress.js';
import { renderDot } from '../render/dot.js';
import { drawingOf } from '../render/drawing.js';
import { renderMermaid } from '../render/mermaid.js';
import { openSource, type SourceFlags } from '../source.js';

export interface GraphFlags extends SourceFlags {
  format: GraphFormat;
  output?: string;
  filter?: string[];
}

/**
 * The part of the graph `--filter` selects: the matching containers, everything they depend on
 * (so the part is a valid graph, a spec file too) and the pods of those.
 */
function filteredGraph(graph: ContainerGraph, filters: readonly string[]): ContainerGraph {
  let matched: readonly string[];
  try {
    // The plan's selection is what the filters match (it removes nothing).
    matched = planRemoval(graph, { filters }).selection.containers;
  } catch (error) {
    throw error instanceof PodgraphError ? new CliError(error.message, refusalExitCode(error)) : error;
  }
  const keep = new Set<string>();
  const stack = [...matched];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...graph.dependenciesOf(id));
  }
  const spec = graph.toSpec();
  const containers = (spec.containers ?? []).filter((c) => keep.has(c.id));
  const pods = new Set(containers.flatMap((c) => (c.pod === undefined ? [] : [c.pod])));
  return ContainerGraph.fromSpec({ pods: (spec.pods ?? []).filter((p) => pods.has(p.id)), containers });
}

/** The SVG layout (dagre) is loaded only when asked for: every other command starts without it. */
async function renderGraph(graph: ContainerGraph, format: GraphFormat): Promise<string> {
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
    const graph = flags.filter === undefined || flags.filter.length === 0 ? source.graph : filteredGraph(source.graph, flags.filter);
    const text = await renderGraph(graph, flags.format);
    if (flags.output === undefined) io.stdout.write(text);
    else writeFileSync(flags.output, text);
    return 0;
  } finally {
    await source.close();
  }
}
