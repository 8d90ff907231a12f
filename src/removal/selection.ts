import type { CompiledGraph } from '../graph/compiled-graph.js';
import { noSuchContainer, noSuchPod } from '../messages.js';
import type { Runtime } from '../runtime/runtime.js';
import { matchFilters } from './filters.js';
import type { ResolvedOptions } from './options.js';

export interface Selection {
  /** 1 for every selected container index. */
  readonly containers: Uint8Array;
  /** 1 for every selected pod index. */
  readonly pods: Uint8Array;
  /**
   * Container targets the graph does not know, to ask the runtime about (its
   * `removeUnlistedContainer`) instead of refusing them; empty for a runtime without that method.
   */
  readonly unlisted: readonly string[];
}

/**
 * What a call removes: `all`, or the targets plus (with `depend`) everything that depends on a
 * targeted container, transitively; a pod brings all its containers, and an infra container
 * selected with `depend` brings its pod. The containers `filters` match are targets too.
 * Unknown targets throw unless `ignore` (or `force`).
 */
export function select(graph: CompiledGraph, options: ResolvedOptions, runtime?: Runtime): Selection {
  const containers = new Uint8Array(graph.size);
  const pods = new Uint8Array(graph.podCount);
  if (options.all) {
    containers.fill(1);
    pods.fill(1);
    return { containers, pods, unlisted: [] };
  }

  // Resolve every target before selecting anything, so that an unknown one rejects the whole call.
  const podTargets: number[] = [];
  for (const [k, ref] of options.pods.entries()) {
    const pod = graph.podLookup.get(ref);
    if (pod !== undefined) podTargets.push(pod);
    else if (!options.ignore) throw noSuchPod(ref, `pods[${k}]`);
  }
  const unlisted: string[] = [];
  const containerTargets =
    options.filters === undefined ? namedTargets(graph, options, runtime, unlisted) : filteredTargets(graph, options);

  const selectPod = (pod: number) => {
    if (pods[pod] === 1) return;
    pods[pod] = 1;
    for (let k = graph.memberStart[pod]; k < graph.memberStart[pod + 1]; k++) containers[graph.members[k]] = 1;
  };
  for (const pod of podTargets) selectPod(pod);

  const stack: number[] = [];
  for (const index of containerTargets) {
    if (containers[index] === 1) continue;
    containers[index] = 1;
    if (options.depend) stack.push(index);
  }
  while (stack.length > 0) {
    const index = stack.pop()!;
    if (graph.isInfra[index] === 1) selectPod(graph.podOf[index]);
    for (let k = graph.dependentStart[index]; k < graph.dependentStart[index + 1]; k++) {
      const dependent = graph.dependents[k];
      if (containers[dependent] === 1) continue;
      containers[dependent] = 1;
      stack.push(dependent);
    }
  }
  return { containers, pods, unlisted };
}

/** The named containers; names the graph does not know go to `unlisted` when the runtime can be asked, else throw unless ignored. */
function namedTargets(graph: CompiledGraph, options: ResolvedOptions, runtime: Runtime | undefined, unlisted: string[]): number[] {
  const askRuntime = typeof runtime?.removeUnlistedContainer === 'function';
  const targets: number[] = [];
  for (const [k, ref] of options.containers.entries()) {
    const index = graph.lookup.get(ref);
    if (index !== undefined) targets.push(index);
    else if (askRuntime) {
      if (!unlisted.includes(ref)) unlisted.push(ref);
    } else if (!options.ignore) throw noSuchContainer(ref, `containers[${k}]`);
  }
  return targets;
}

/** The containers the filters match; with `containers` too, only those named there (by exact id or name, as libpod). */
function filteredTargets(graph: CompiledGraph, options: ResolvedOptions): number[] {
  const matched = matchFilters(graph, options.filters!);
  if (options.containers.length === 0) return matched;
  const wanted = new Set(options.containers);
  return matched.filter((i) => wanted.has(graph.ids[i]) || (graph.names[i] !== undefined && wanted.has(graph.names[i]!)));
}
