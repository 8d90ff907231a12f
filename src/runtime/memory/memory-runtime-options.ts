import { describe, invalidArg } from '../../errors.js';
import type { ContainerState } from '../../graph/spec.js';
import { checkConcurrency } from '../concurrency.js';

export type RuntimeOperation = 'removeContainer' | 'removePod';

/**
 * Whose removal rules a MemoryRuntime follows. `'podman'`: podman's (a container that
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
  /**
   * Set when the container is removed by its pod's `removePod` (a whole-pod call), not by a call
   * of its own: the pod's id as the caller passed it. Only the `fail` hook sees such removals.
   */
  pod?: string;
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
   * Whose rules the runtime follows: podman's (the `Runtime` interface's), or Docker Engine's, which has no
   * pods (a spec with any is INVALID_ARG) and never refuses a removal because of dependents (the
   * container goes and its dependents are left broken, as `docker rm` does). State and absence
   * are refused alike (CTR_STATE_INVALID, NO_SUCH_CTR), in the same words.
   *
   * @default 'podman'
   */
  rules?: MemoryRuntimeRules;
  /**
   * Runtime calls in flight at most over every removeGraph call on this runtime (an integer >= 1
   * or Infinity): the runtime's own bound, shared by the calls. Like every option, checked when
   * the runtime is built (INVALID_ARG).
   * @default the larger of 3 x CPUs + 1 and the largest `concurrency` of a removal in flight
   */
  concurrency?: number;
  /**
   * Whether a pod whose every container is selected and can go is removed with one `removePod`
   * call that removes its members itself, as podman's is (see `Runtime.removesWholePod`); false:
   * a call per member first, then the pod's.
   *
   * @default true
   */
  wholePods?: boolean;
  /**
   * Milliseconds each call takes, fixed (from 0 to 2147483647, setTimeout's limit: `hang` is for
   * longer) or per call. `0` answers without a timer.
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
   * Off, with no latency and no hook, a call answers at once: no record, no timer.
   *
   * @default true
   */
  log?: boolean;
}

/** setTimeout's longest delay: a longer one fires after 1 ms. */
const LATENCY_MAX = 2 ** 31 - 1;

/**
 * Checks each option's type when the runtime is built (INVALID_ARG naming the option and the
 * value it got), so a bad one fails there rather than at the first call.
 */
export function checkOptions(options: MemoryRuntimeOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidArg(`Expected \`options\` to be an object, got ${describe(options)}`);
  const { rules, concurrency, latency, log } = options;
  if (rules !== undefined && rules !== 'podman' && rules !== 'docker') {
    throw invalidArg(`Expected \`rules\` to be 'podman' or 'docker', got ${describe(rules)}`);
  }
  if (concurrency !== undefined) checkConcurrency(concurrency);
  if (latency !== undefined && typeof latency !== 'function' && !(typeof latency === 'number' && latency >= 0 && latency <= LATENCY_MAX)) {
    throw invalidArg(
      `Expected \`latency\` to be a number of milliseconds from 0 to ${LATENCY_MAX} or a function, got ${describe(latency)}`,
    );
  }
  for (const key of ['fail', 'vanish', 'hang', 'clock'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw invalidArg(`Expected \`${key}\` to be a function, got ${describe(options[key])}`);
    }
  }
  if (log !== undefined && typeof log !== 'boolean') throw invalidArg(`Expected \`log\` to be a boolean, got ${describe(log)}`);
  const { wholePods } = options;
  if (wholePods !== undefined && typeof wholePods !== 'boolean') {
    throw invalidArg(`Expected \`wholePods\` to be a boolean, got ${describe(wholePods)}`);
  }
}
