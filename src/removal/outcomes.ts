/** What each item's report entry says, in podgraph's error codes: blocked, taken along by its pod's call, or the runtime's answer. */
import { isErrorCode, PodgraphError, safeString } from '../errors.js';
import type { ItemKind } from '../graph/spec.js';
import { dependencyFailed, infraNotRemoved, memberNotRemoved, notAttempted, podBlocked } from '../messages.js';
import { type CallDag, idOf, isUnlisted, kindOf, nameOf } from './call-nodes.js';
import type { RemovalReport } from './report.js';

/** Items that wait on an aborted one did not fail: they are ABORTED, not DEPENDENCY_FAILED. */
export function isAbort(error: PodgraphError): boolean {
  return error.code === 'ABORTED';
}

/**
 * The outcome of an item that is not attempted because `blocker`, the first failure among what it
 * waits on, failed; when that was an abort, the item is ABORTED with the signal's `reason`.
 */
export function blockedOutcome(dag: CallDag, item: number, blocker: PodgraphError, reason?: unknown): PodgraphError {
  const kind = kindOf(dag, item);
  const id = idOf(dag, item);
  if (isAbort(blocker)) return notAttempted(kind, id, reason);
  return kind === 'pod' ? podBlocked(id, blocker) : dependencyFailed(id, blocker);
}

/**
 * The entries of the containers a pod's call takes along (`along`: its members dependents first
 * for a whole-pod call, then its infra container), and the pod's own, from the call's outcome:
 * - removed: all removed;
 * - not attempted (`blocker`: what kept the call from being made, an abort included): all blocked by it;
 * - failed: a whole-pod call's runtime names the members it `left` (the rest went); each of those
 *   failed with its own error, unless a member that depends on it failed first (then it is
 *   DEPENDENCY_FAILED, as podman's own walk leaves it); the infra container and the pod are
 *   blocked by the first member that failed. Without `left`, what happened to each member is
 *   unknown: each says the pod's call failed. An infra container the failed call took along alone
 *   was not removed with its pod.
 */
export function settledAlong(
  dag: CallDag,
  node: number,
  along: readonly number[],
  outcome: PodgraphError | null,
  blocker: PodgraphError | undefined,
  reason: unknown,
  left: ReadonlyMap<string, Error> | undefined,
): { own: PodgraphError | null; along: [number, PodgraphError | null][] } {
  const { graph } = dag;
  const pod = node - graph.size;
  const podId = graph.podIds[pod];
  if (outcome === null) return { own: null, along: along.map((item) => [item, null]) };
  if (blocker !== undefined) return { own: outcome, along: along.map((item) => [item, blockedOutcome(dag, item, blocker, reason)]) };
  const infra = graph.podInfra[pod];
  if (dag.wholePod[pod] === 0 || left === undefined) {
    const entries = along.map((item): [number, PodgraphError] => [
      item,
      item === infra ? infraNotRemoved(graph.ids[item], podId, outcome) : memberNotRemoved(graph.ids[item], podId, outcome),
    ]);
    return { own: outcome, along: entries };
  }
  const failed = new Map<number, PodgraphError>();
  let firstFailure: PodgraphError | undefined;
  const entries: [number, PodgraphError | null][] = [];
  for (const item of along) {
    if (item === infra) continue;
    let entry: PodgraphError | null = null;
    for (let k = graph.dependentStart[item]; k < graph.dependentStart[item + 1] && entry === null; k++) {
      const dependentFailure = failed.get(graph.dependents[k]);
      if (dependentFailure !== undefined) entry = blockedOutcome(dag, item, dependentFailure, reason);
    }
    const own = left.get(graph.ids[item]);
    if (entry === null && own !== undefined) entry = classifyFailure('container', graph.ids[item], own, undefined);
    if (entry !== null) {
      failed.set(item, entry);
      firstFailure ??= entry;
    }
    entries.push([item, entry]);
  }
  if (infra !== -1)
    entries.push([
      infra,
      firstFailure === undefined ? infraNotRemoved(graph.ids[infra], podId, outcome) : blockedOutcome(dag, infra, firstFailure, reason),
    ]);
  return { own: firstFailure === undefined ? outcome : podBlocked(podId, firstFailure), along: entries };
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

/** The members a whole-pod call's rejection says it left behind, by id, when it says (a {@link PodMembersLeft}). */
export function membersLeft(error: unknown): ReadonlyMap<string, Error> | undefined {
  const containers = (error as { containers?: unknown } | null)?.containers;
  return containers instanceof Map ? (containers as ReadonlyMap<string, Error>) : undefined;
}

/**
 * The report of a removal from each item's outcome (undefined counts as removed, unless it is an
 * ignored unknown target, which has no entry): every selected container, every selected pod,
 * then the targets the runtime was asked about, by the name given.
 */
export function reportOf(dag: CallDag, outcome: readonly (PodgraphError | null | undefined)[]): RemovalReport {
  const { graph, selection } = dag;
  const containers = new Map<string, PodgraphError | null>();
  const pods = new Map<string, PodgraphError | null>();
  const names = new Map<string, string>();
  let ok = true;
  const add = (entries: Map<string, PodgraphError | null>, item: number, entry: PodgraphError | null) => {
    const id = idOf(dag, item);
    entries.set(id, entry);
    const name = nameOf(dag, item);
    if (name !== undefined) names.set(id, name);
    ok &&= entry === null;
  };
  for (let i = 0; i < graph.size; i++) if (selection.containers[i] === 1) add(containers, i, outcome[i] ?? null);
  for (let p = 0; p < graph.podCount; p++) if (selection.pods[p] === 1) add(pods, graph.size + p, outcome[graph.size + p] ?? null);
  for (let node = graph.size + graph.podCount; node < outcome.length; node++) {
    if (isUnlisted(dag, node) && outcome[node] !== undefined) add(containers, node, outcome[node]!);
  }
  return { containers, pods, names, ok };
}
