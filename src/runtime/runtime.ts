import type { PodgraphError } from '../errors.js';
import type { GraphSpec } from '../graph/spec.js';

/** What the engine passes to each {@link Runtime} call. */
export interface RemoveCallOptions {
  /** Remove even a running, paused or stopping container: the runtime stops it first. */
  force: boolean;
  /**
   * Seconds a running container gets to stop before it is killed; when absent, the runtime's own timeout.
   *
   * @default undefined
   */
  timeout?: number;
  /** Also remove the container's anonymous volumes (podman rm -v); named volumes stay. Containers only. */
  volumes?: boolean;
  /** Aborts the call; the runtime then rejects with ABORTED. */
  signal?: AbortSignal;
  /**
   * Told of each attempt that failed and will be made again (a runtime that retries lost
   * connections calls it before each back-off wait); the engine reports it as a `retry` event.
   *
   * @default undefined
   */
  onRetry?: (retry: RuntimeRetry) => void;
}

/** An attempt of a runtime call that failed and will be made again. */
export interface RuntimeRetry {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Why it failed (RUNTIME, naming where). */
  error: PodgraphError;
  /** Milliseconds until the next attempt. */
  delay: number;
}

/** A pod as the engine describes it when it asks a runtime whether to remove it in one call. */
export interface PodToRemove {
  readonly id: string;
  /** Ids of its containers other than the infra container, all of them selected. */
  readonly members: readonly string[];
  /** How many of those are running, paused or stopping (the removal is forced, so the runtime stops them). */
  readonly active: number;
  /** The removal's stop timeout in seconds; undefined: each container's own. */
  readonly timeout: number | undefined;
  /**
   * Whether the removal takes the containers' anonymous volumes too (`volumes`). podman's pod
   * removal always does, so without it a pod whose members have volumes needs calls per member.
   */
  readonly volumes: boolean;
}

/**
 * What a whole-pod `removePod` rejects with when some members stayed: the error, and each member
 * that was not removed with why. Members it does not list were removed.
 */
export interface PodMembersLeft extends Error {
  /** Member container id -> why it is still there. */
  readonly containers: ReadonlyMap<string, Error>;
}

/**
 * What podgraph needs from a container engine. Implementations enforce podman's rules and reject
 * with a PodgraphError (or any Error with a section-5 `code`):
 * - `removeContainer`: NO_SUCH_CTR if absent; INFRA_CTR for the infra container of a pod that
 *   still exists; CTR_STATE_INVALID if running, paused or stopping without `force`; CTR_EXISTS
 *   while containers that depend on it exist.
 * - `removePod`: NO_SUCH_POD if absent; removes the members still present (running or paused
 *   ones only with `force`), then the infra container, then the pod.
 */
export interface Runtime {
  /**
   * Runtime calls in flight at most over every removeGraph call on this runtime object: an
   * integer >= 1 or Infinity.
   * @default the larger of 3 x CPUs + 1 and the largest `concurrency` of a removal in flight
   */
  readonly concurrency?: number;
  inspect(): Promise<GraphSpec>;
  removeContainer(id: string, options: RemoveCallOptions): Promise<void>;
  removePod(id: string, options: RemoveCallOptions): Promise<void>;
  /**
   * Optional: whether to remove this pod with one `removePod` call that removes its containers
   * itself, instead of one `removeContainer` per member before it. The engine asks only for a pod
   * whose every container is selected and can go (the removal is forced, or none is running), and
   * only a runtime whose `removePod` removes the members in dependency order (dependents first, as
   * podman's does) may answer yes; a failed whole-pod call should reject with a
   * {@link PodMembersLeft} naming the members that stayed. Without this method every pod's members
   * get calls of their own.
   */
  removesWholePod?(pod: PodToRemove): boolean;
  /**
   * Optional: removes a container that `inspect()` does not list, by id or name (podman removes
   * containers only its storage knows, such as buildah's working containers). Rejects with
   * NO_SUCH_CTR when the runtime does not know it either. A runtime that has this method is
   * asked about every container target the graph does not know, instead of the engine refusing it.
   */
  removeUnlistedContainer?(idOrName: string, options: RemoveCallOptions): Promise<void>;
}
