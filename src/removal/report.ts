import type { PodgraphError } from '../errors.js';
import type { CompiledGraph } from '../graph/compiled-graph.js';
import type { Selection } from './selection.js';

/** Progress of a removal, passed to {@link RemoveOptions.onEvent}. */
export interface RemovalEvent {
  /**
   * `start`: a runtime call began; `retry`: an attempt of it failed for want of the service and
   * will be made again (the runtime says so); `removed`: the item is gone (or was already);
   * `failed`: it will not be removed in this call, which covers items blocked by a failed
   * dependent (DEPENDENCY_FAILED) and ABORTED ones too.
   */
  type: 'start' | 'retry' | 'removed' | 'failed';
  kind: 'container' | 'pod';
  /** The item's id (never its name). */
  id: string;
  /**
   * Why the item was not removed (with `failed`), or why the attempt failed (with `retry`).
   */
  error?: PodgraphError;
  /** With `retry`: the attempt that failed, from 1. */
  attempt?: number;
  /** Report entries settled so far (removed or failed). */
  done: number;
  /** Report entries in all: the selected containers and pods. */
  total: number;
  /** Runtime calls in flight when the event was emitted. */
  inFlight: number;
}

/** What {@link removeGraph} resolves with: an entry for every selected item. */
export interface RemovalReport {
  /** Every selected container id -> null if removed (or already gone), else why not. */
  containers: Map<string, PodgraphError | null>;
  /** Every selected pod id -> null if removed (or already gone), else why not. */
  pods: Map<string, PodgraphError | null>;
  /** True when every entry is null. */
  ok: boolean;
}

/** The report of a removal from each node's outcome (undefined counts as removed): every selected container, then every selected pod. */
export function reportOf(
  graph: CompiledGraph,
  selection: Selection,
  outcome: readonly (PodgraphError | null | undefined)[],
): RemovalReport {
  const containers = new Map<string, PodgraphError | null>();
  const pods = new Map<string, PodgraphError | null>();
  let ok = true;
  for (let i = 0; i < graph.size; i++) {
    if (selection.containers[i] === 0) continue;
    const entry = outcome[i] ?? null;
    containers.set(graph.ids[i], entry);
    ok &&= entry === null;
  }
  for (let p = 0; p < graph.podCount; p++) {
    if (selection.pods[p] === 0) continue;
    const entry = outcome[graph.size + p] ?? null;
    pods.set(graph.podIds[p], entry);
    ok &&= entry === null;
  }
  return { containers, pods, ok };
}
