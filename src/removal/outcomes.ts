import { isErrorCode, PodgraphError, safeString } from '../errors.js';
import type { CompiledGraph } from '../graph/compiled-graph.js';
import { dependencyFailed, type ItemKind, infraNotRemoved, notAttempted, podBlocked } from '../sentences.js';

/** Items that wait on an aborted one did not fail: they are ABORTED, not DEPENDENCY_FAILED. */
export function isAbort(error: PodgraphError): boolean {
  return error.code === 'ABORTED';
}

export function kindOf(graph: CompiledGraph, node: number): ItemKind {
  return node < graph.size ? 'container' : 'pod';
}

export function idOf(graph: CompiledGraph, node: number): string {
  return node < graph.size ? graph.ids[node] : graph.podIds[node - graph.size];
}

/** Keeps in `blocker[node]` the first failure among what the node waits on; a real failure wins over an abort. */
export function block(blocker: (PodgraphError | undefined)[], node: number, failure: PodgraphError): void {
  const known = blocker[node];
  if (known === undefined || (isAbort(known) && !isAbort(failure))) blocker[node] = failure;
}

/**
 * The outcome of a node that is not attempted because `blocker`, the first failure among what it
 * waits on, failed; when that was an abort, the node is ABORTED with the signal's `reason`.
 */
export function blockedOutcome(graph: CompiledGraph, node: number, blocker: PodgraphError, reason?: unknown): PodgraphError {
  if (isAbort(blocker)) return notAttempted(kindOf(graph, node), idOf(graph, node), reason);
  return node < graph.size ? dependencyFailed(graph.ids[node], blocker) : podBlocked(graph.podIds[node - graph.size], blocker);
}

/**
 * The entry of the infra container that a selected pod's removal takes along, from the pod's
 * outcome: removed with it, blocked with it (`blocker`: what kept the pod's call from being made,
 * an abort included), or not removed by the pod's failed call.
 */
export function infraOutcome(
  graph: CompiledGraph,
  infra: number,
  pod: number,
  outcome: PodgraphError | null,
  blocker: PodgraphError | undefined,
  reason?: unknown,
): PodgraphError | null {
  if (outcome === null) return null;
  if (blocker !== undefined) return blockedOutcome(graph, infra, blocker, reason);
  return infraNotRemoved(graph.ids[infra], graph.podIds[pod], outcome);
}

/**
 * What a runtime rejection means for the report: null when the item is already gone (someone
 * else removed it), ABORTED when our signal cut the call short, else a new PodgraphError with the
 * runtime's code when it is one of ours (RUNTIME otherwise) and the runtime's error as cause.
 */
export function classifyFailure(kind: ItemKind, id: string, error: unknown, signal: AbortSignal | undefined): PodgraphError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === (kind === 'pod' ? 'NO_SUCH_POD' : 'NO_SUCH_CTR')) return null;
  const message =
    error instanceof Error && error.message !== '' ? error.message : `the runtime failed to remove ${kind} ${id}: ${safeString(error)}`;
  const aborted = signal?.aborted === true && (code === 'ABORT_ERR' || (error as Error | null)?.name === 'AbortError');
  return new PodgraphError(aborted ? 'ABORTED' : isErrorCode(code) ? code : 'RUNTIME', message, { cause: error });
}
