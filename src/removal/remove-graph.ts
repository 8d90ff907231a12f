import { type ContainerGraph, compiledOf } from '../graph/container-graph.js';
import { MemoryRuntime } from '../runtime/memory/memory-runtime.js';
import { type RemoveOptions, resolveOptions } from './options.js';
import { planRemoval } from './plan.js';
import { RemovalRun } from './removal-run.js';
import type { RemovalReport } from './report.js';
import { select } from './selection.js';
import { removeUnlisted, withUnlisted } from './unlisted.js';

/**
 * Removes the selected pods and containers of `graph`: dependents before dependencies, each
 * container at most once, as many runtime calls in flight as `concurrency` allows. Rejects with a
 * PodgraphError, before any runtime call, on bad options or unknown targets; otherwise resolves
 * with a report entry for every selected item, failures included.
 */
export async function removeGraph(graph: ContainerGraph, options: RemoveOptions): Promise<RemovalReport> {
  const compiled = compiledOf(graph);
  const resolved = resolveOptions(options);
  const selection = select(compiled, resolved);
  const plan = planRemoval(compiled, selection);
  // Nobody can read the default runtime's log, so it keeps none.
  const runtime = resolved.runtime ?? new MemoryRuntime(graph, { log: false });
  // Targets the graph does not know go first: the runtime's NO_SUCH_CTR rejects before any graph call.
  const unlisted = await removeUnlisted(selection.unlisted, runtime, resolved);
  return withUnlisted(await new RemovalRun(plan, resolved, runtime).run(), unlisted);
}
