/**
 * podman's output for a removal (checked side by side with podman 4.3.1 and 5.8 in sandboxes):
 * stdout gets one line per removed item, stderr one `Error: ...` per item that was not, and the
 * exit code says what kind of failure there was. What podgraph words itself is worded by the
 * service's podman version (`dialect.ts`); podman's own messages are printed as they came.
 *
 * - `rm` prints each removed container as the user typed it when it was named (a leading `/`
 *   dropped, as podman 5), else its full id (`-a`, `--filter`, what `--depend` adds), as podman 5
 *   does (4.3 printed full ids for every container under `--depend`, even a named one).
 * - `pod rm` prints each removed pod's full id, named or not, as podman does.
 * - podman's messages end with the error kind (`: container state improper`); the in-memory
 *   runtime's do not, so the kind is added where missing. A container blocked by a failed
 *   dependent says which failure blocked it, as podman does (`...could not be stopped: container
 *   state improper`); a pod lists its failed members in its podman's layout.
 * - Exit codes, podman's rules (the same in 4.3 and 5.x): `rm` gives 1 for no such container,
 *   else 2 when any failure comes down to a container state improper (podman matches that text
 *   anywhere, whatever else failed), else 125. `pod rm` gives 1 for no such pod and 125 for any
 *   other failure, a running member included: podman's `pod rm` maps no other error.
 */
import { type ErrorCode, isErrorCode, type PodgraphError } from '../errors.js';
import type { ContainerGraph, ItemKind, RemovalEvent, RemovalReport, RemoveOptions } from '../index.js';
import { EXIT } from './cli-error.js';
import type { Dialect } from './dialect.js';
import { outcomeOf } from './render/drawing.js';

/** podman's name for each kind of error, the text its messages end with. */
const PODMAN_KIND: Partial<Record<ErrorCode, string>> = {
  NO_SUCH_CTR: 'no such container',
  NO_SUCH_POD: 'no such pod',
  CTR_STATE_INVALID: 'container state improper',
  CTR_EXISTS: 'container already exists',
};

function isPodgraphError(value: unknown): value is PodgraphError {
  return value instanceof Error && isErrorCode((value as { code?: unknown }).code);
}

const roots = new WeakMap<PodgraphError, PodgraphError>();

/**
 * The first failure at the end of an error's cause chain (blocked -> ... -> what failed). A chain
 * is as long as a dependency chain, and every item of one is printed: each error's root is
 * remembered, so a report of n items costs O(n), not O(n^2).
 */
export function rootCause(error: PodgraphError): PodgraphError {
  const walked = new Set<PodgraphError>();
  let current = error;
  let root = roots.get(current);
  while (root === undefined) {
    walked.add(current);
    const cause = current.cause;
    if (!isPodgraphError(cause) || walked.has(cause)) root = current;
    else root = roots.get((current = cause));
  }
  for (const item of walked) roots.set(item, root);
  return root;
}

function withKind(error: PodgraphError): string {
  const kind = PODMAN_KIND[error.code];
  return kind === undefined || error.message.endsWith(kind) ? error.message : `${error.message}: ${kind}`;
}

/** The error of item `id` in podman's words: its message, the kind podman appends, and for a blocked item what blocked it. */
function podmanText(error: PodgraphError, id: string, dialect: Dialect): string {
  if (error.code !== 'DEPENDENCY_FAILED' && error.code !== 'REMOVING_CTRS') return withKind(error);
  const root = rootCause(error);
  const message = error.code === 'DEPENDENCY_FAILED' ? dialect.blocked(id) : error.message;
  return root === error ? message : `${message}: ${PODMAN_KIND[root.code] ?? root.message}`;
}

/**
 * A removal refused before it started, in podman's words: a name the user gave that is unknown
 * (the error's `path` says which target: `containers[2]`) is worded by the dialect; anything else
 * as it came.
 */
export function refusalText(error: PodgraphError, dialect: Dialect, graph: ContainerGraph, options: RemoveOptions): string {
  const name = unknownTarget(error, options);
  if (name !== undefined && error.code === 'NO_SUCH_CTR') return dialect.noSuchContainer(name, graph.pod(name)?.name === name);
  if (name !== undefined && error.code === 'NO_SUCH_POD') return dialect.noSuchPod(name, graph.container(name)?.name === name);
  return withKind(error);
}

/** The target an unknown-target refusal is about, by its `path` into the removal's options. */
export function unknownTarget(error: PodgraphError, options: RemoveOptions): string | undefined {
  const at = /^(containers|pods)\[(\d+)\]$/.exec(error.path ?? '');
  if (at === null) return undefined;
  return (at[1] === 'pods' ? options.pods : options.containers)?.[Number(at[2])];
}

/** Exit code of a removal that ran; `interrupted` wins. */
export function removalExitCode(kind: ItemKind, report: RemovalReport, interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  if (report.ok) return EXIT.ok;
  if (kind === 'pod') return EXIT.other;
  for (const entries of [report.containers, report.pods]) {
    for (const error of entries.values()) {
      if (error !== null && rootCause(error).code === 'CTR_STATE_INVALID') return EXIT.stateImproper;
    }
  }
  return EXIT.other;
}

/** Exit code of a removal refused before it started (unknown target, bad option). */
export function refusalExitCode(error: PodgraphError): number {
  return error.code === 'NO_SUCH_CTR' || error.code === 'NO_SUCH_POD' ? EXIT.noSuch : EXIT.other;
}

/** The stdout line for an event, if it is one: `rm` prints removed containers, `pod rm` removed pods. */
export function removedLine(kind: ItemKind, event: RemovalEvent, typed: ReadonlyMap<string, string>): string | undefined {
  if (event.type !== 'removed' || event.kind !== kind) return undefined;
  return kind === 'container' ? (typed.get(event.id) ?? event.id) : event.id;
}

/**
 * The stderr text for the items that were not removed, one `Error:` block each, in the graph's
 * order (`pods`: only these pods' blocks). Items an interrupt kept from starting are not errors of
 * their own: the summary counts them.
 */
export function errorBlocks(
  kind: ItemKind,
  graph: ContainerGraph,
  report: RemovalReport,
  dialect: Dialect,
  pods: Iterable<string> = report.pods.keys(),
): string[] {
  const failed = (error: PodgraphError | null | undefined): error is PodgraphError =>
    error !== null && error !== undefined && error.code !== 'ABORTED';
  const blocks: string[] = [];
  if (kind === 'container') {
    for (const [id, error] of report.containers) if (failed(error)) blocks.push(`Error: ${podmanText(error, id, dialect)}`);
    return blocks;
  }
  for (const podId of pods) {
    const error = report.pods.get(podId);
    if (!failed(error)) continue;
    if (error.code !== 'REMOVING_CTRS') {
      blocks.push(`Error: ${podmanText(error, podId, dialect)}`);
      continue;
    }
    const members: [string, string][] = [];
    for (const id of graph.pod(podId)?.containers ?? []) {
      const failure = report.containers.get(id);
      if (failed(failure)) members.push([id, podmanText(failure, id, dialect)]);
    }
    blocks.push(...dialect.podNotEmptied(podId, members));
  }
  return blocks;
}

/** Counts of a report's entries. */
export function tally(report: RemovalReport): { total: number; removed: number; failed: number; aborted: number } {
  let removed = 0;
  let failed = 0;
  let aborted = 0;
  for (const entries of [report.containers, report.pods]) {
    for (const error of entries.values()) {
      const outcome = outcomeOf(error);
      if (outcome === 'removed') removed++;
      else if (outcome === 'aborted') aborted++;
      else failed++;
    }
  }
  return { total: removed + failed + aborted, removed, failed, aborted };
}

/** The last stderr line of an interrupted removal: what was done, and what was not. */
export function interruptedSummary(report: RemovalReport): string {
  const { total, removed, failed, aborted } = tally(report);
  return `Error: interrupted: ${removed} of ${total} items removed, ${failed} failed, ${aborted} not attempted`;
}
