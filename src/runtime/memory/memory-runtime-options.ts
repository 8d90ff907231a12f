import type { ContainerState } from '../../graph/spec.js';

export type RuntimeOperation = 'removeContainer' | 'removePod';

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
}

/** What tests, examples and benchmarks need from the in-memory runtime. */
export interface MemoryRuntimeOptions {
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
   * call then finds it gone).
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
