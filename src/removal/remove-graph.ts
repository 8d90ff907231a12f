import { type ContainerGraph, compiledOf } from '../graph/container-graph.js';
import { MemoryRuntime } from '../runtime/memory/memory-runtime.js';
import { compileCalls } from './call-dag.js';
import { graphRuntime, type RemoveOptions, resolveOptions } from './options.js';
import { RemovalRun } from './removal-run.js';
import type { RemovalReport } from './report.js';
import { shareOf } from './runtime-share.js';
import { select } from './selection.js';

/**
 * Removes the selected pods and containers of `graph`: dependents before dependencies, each
 * container at most once, as many runtime calls in flight as `concurrency` allows. Rejects with a
 * PodgraphError, before any runtime call, on bad options or unknown targets (an unknown target
 * the runtime is asked about, after those calls only); otherwise resolves with a report entry for
 * every selected item, failures included.
 *
 * The runtime is `options.runtime`, else the one the graph was read from (`fromRuntime`), else an
 * in-memory copy of the graph: a simulation that changes nothing outside this process.
 */
export async function removeGraph(graph: ContainerGraph, options: RemoveOptions): Promise<RemovalReport> {
  const compiled = compiledOf(graph);
  const resolved = resolveOptions(options);
  // Nobody can read the simulation's log, so it keeps none.
  const runtime = resolved.runtime ?? graphRuntime(graph) ?? new MemoryRuntime(graph, { log: false });
  const selection = select(compiled, resolved, runtime);
  const dag = compileCalls(compiled, selection, {
    force: resolved.force,
    timeout: resolved.timeout,
    volumes: resolved.volumes,
    ignore: resolved.ignore,
    runtime,
  });
  return new RemovalRun(dag, resolved, runtime, shareOf(runtime)).run();
}
