import type { ContainerState } from '../../graph/spec.js';

export type RuntimeOperation = 'removeContainer' | 'removePod';

/**
 * Whose removal rules a MemoryRuntime follows. `'podman'`: SPEC section 2 (a container that
 * others depend on is refused with CTR_EXISTS, pods and infra containers exist). `'docker'`:
 * Docker Engine's (there are no pods; a container is removed even while others depend on it,
 * and those are left broken: see {@link MemoryRuntime.brokenDependents}).
 */
export type MemoryRuntimeRules = 'podman' | 'docker';

/** A container left depending on one that was removed before it (Docker rules only). */
export interface BrokenDependent {
  /** Id of the container that depended on `lost`. */
  container: string;
  /** Id of the container it depended on, removed while it still existed. */
  lost: string;
}

/** One call as the in-memory runtime's hooks and log see it. */
export interface RuntimeCall {
  op: RuntimeOperation;
  /** The id or name the caller passed. */
  id: string;
  force: boolean;
  /** Seconds before a stop turns into a kill, as the caller passed it. */
  timeout?: number;
  /** For `removeContainer`: whether its anonymous volumes go too (`RemoveCallOptions.volumes`). */
  volumes?: boolean;
  /** For `removeContainer`: the container's state when the call started (undefined if absent). */
  state?: ContainerState;
}

/** What a call did, as recorded in {@link MemoryRuntime.log}. */
export interface OperationRecord extends RuntimeCall {
  /** Position among all starts and ends: `startTick < endTick`, and ticks of different calls never tie. */
  startTick: number;
  endTick?: number;
  /** Clock readings (ms, `options.clock`). */
  start: number;
  end?: number;
  /** `'removed'`, or the code of the error the call rejected with (`'ERROR'` when it had none). */
  result?: string;
  /**
   * Ids of the containers this removal left depending on a container that is gone (Docker rules
   * only; absent when it left none). The same pairs are in {@link MemoryRuntime.brokenDependents}.
   */
  broken?: string[];
}

/** What tests, examples and benchmarks need from the in-memory runtime. */
export interface MemoryRuntimeOptions {
  /**
   * Whose rules the runtime follows: podman's (SPEC section 2), or Docker Engine's, which has no
   * pods (a spec with any is INVALID_ARG) and never refuses a removal because of dependents (the
   * container goes and its dependents are left broken, as `docker rm` does). State and absence
   * are refused alike (CTR_STATE_INVALID, NO_SUCH_CTR), in the same words.
   *
   * @default 'podman'
   */
  rules?: MemoryRuntimeRules;
  /**
   * Runtime calls in flight at most over every removeGraph call on this runtime (an integer >= 1
   * or Infinity): the runtime's own bound, shared by the calls.
   * @default the larger of 3 x CPUs + 1 and the largest `concurrency` of a removal in flight
   */
  concurrency?: number;
  /**
   * Milliseconds each call takes, fixed or per call. `0` answers without a timer.
   *
   * @default 0
   */
  latency?: number | ((call: RuntimeCall) => number);
  /**
   * Injected failure: when it returns an error, the call rejects with it and changes nothing.
   *
   * @default undefined
   */
  fail?: (call: RuntimeCall) => Error | undefined;
  /**
   * When it returns true, the item is removed by someone else while the call is in flight (the
   * call then finds it gone); see {@link MemoryRuntime.vanishContainer} for what goes with it.
   *
   * @default undefined
   */
  vanish?: (call: RuntimeCall) => boolean;
  /**
   * When it returns true, the call never answers until its signal aborts (then it rejects with ABORTED).
   *
   * @default undefined
   */
  hang?: (call: RuntimeCall) => boolean;
  /**
   * Time source of the log, in milliseconds (pass `Date.now` under fake timers).
   *
   * @default performance.now
   */
  clock?: () => number;
  /**
   * Record every call in {@link MemoryRuntime.log}; turn it off for million-container benchmarks.
   *
   * @default true
   */
  log?: boolean;
}
