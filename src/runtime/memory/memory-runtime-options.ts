import type { ContainerState } from '../../graph/spec.js';

export type RuntimeOperation = 'removeContainer' | 'removePod';

/** One call as the in-memory runtime's hooks and log see it. */
export interface RuntimeCall {
  op: RuntimeOperation;
  /** The id or name the caller passed. */
  id: string;
  force: boolean;
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

export interface MemoryRuntimeOptions {
  /** Milliseconds each call takes, fixed or per call. Default 0: answers without a timer. */
  latency?: number | ((call: RuntimeCall) => number);
  /** Injected failure: when it returns an error, the call rejects with it and changes nothing. */
  fail?: (call: RuntimeCall) => Error | undefined;
  /** When true, the item is removed by someone else while the call is in flight (the call then finds it gone). */
  vanish?: (call: RuntimeCall) => boolean;
  /** When true, the call never answers until its signal aborts. */
  hang?: (call: RuntimeCall) => boolean;
  /** Time source of the log. Default `performance.now`. */
  clock?: () => number;
  /** Record every call in `log`. Default true; turn off for million-container benchmarks. */
  log?: boolean;
}
