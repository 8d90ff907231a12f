import { sleep } from '../abortable-sleep.js';
import type { MemoryRuntimeOptions, OperationRecord, RuntimeCall } from './memory-runtime-options.js';

/**
 * How a call travels through a MemoryRuntime, as tests and benchmarks arrange it: its latency, or
 * hanging until aborted; an injected failure; its item vanishing on the way; its record in the
 * log, read on the clock. What the call then does to the world is the state's business.
 */
export class MemoryInstruments {
  /**
   * True when no option asks to see or delay a call (`log: false`, no latency, no hook): the
   * runtime then answers at once, without a record, a call object or a timer.
   */
  readonly plain: boolean;
  readonly #options: MemoryRuntimeOptions;
  readonly #clock: () => number;
  readonly #log: OperationRecord[] = [];
  #tick = 0;

  /** `options` as checked by `checkOptions`. */
  constructor(options: MemoryRuntimeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now());
    this.plain =
      options.log === false &&
      (options.latency === undefined || options.latency === 0) &&
      options.fail === undefined &&
      options.vanish === undefined &&
      options.hang === undefined;
  }

  /** Every call so far, in start order (empty when `options.log` is false). */
  get log(): readonly OperationRecord[] {
    return this.#log;
  }

  /**
   * The call's journey: logged, delayed (or aborted), then failed if `fail` says so, else its
   * `effect`, told whether `vanish` removed the item first. `effect` returns the ids of the
   * dependents it left broken, if any.
   */
  async perform(call: RuntimeCall, signal: AbortSignal | undefined, effect: (vanished: boolean) => string[] | undefined): Promise<void> {
    const record = this.#begin(call);
    try {
      const wait = this.#travel(call, signal);
      if (wait !== undefined) await wait;
      const injected = this.#options.fail?.(call);
      if (injected !== undefined) throw injected;
      const broken = effect(this.#options.vanish?.(call) === true);
      if (record !== undefined && broken !== undefined) record.broken = broken;
      this.#end(record, 'removed');
    } catch (error) {
      this.#end(record, (error as { code?: unknown })?.code?.toString() ?? 'ERROR');
      throw error;
    }
  }

  /** The injected failure of a member that its pod's removal removes (no call of its own: no record, no latency). */
  memberFails(call: RuntimeCall): Error | undefined {
    return this.#options.fail?.(call);
  }

  #begin(call: RuntimeCall): OperationRecord | undefined {
    if (this.#options.log === false) return undefined;
    const record: OperationRecord = { ...call, startTick: this.#tick++, start: this.#clock() };
    this.#log.push(record);
    return record;
  }

  #end(record: OperationRecord | undefined, result: string): void {
    if (record === undefined) return;
    record.endTick = this.#tick++;
    record.end = this.#clock();
    record.result = result;
  }

  /** The call's time on the wire: latency, or hanging until aborted. Undefined when there is nothing to wait for. */
  #travel(call: RuntimeCall, signal: AbortSignal | undefined): Promise<void> | undefined {
    const what = `removal of ${call.op === 'removePod' ? 'pod' : 'container'} ${call.id}`;
    const hang = this.#options.hang?.(call) === true;
    const latency = typeof this.#options.latency === 'function' ? this.#options.latency(call) : (this.#options.latency ?? 0);
    if (!signal?.aborted && !hang && !(latency > 0)) return undefined;
    return sleep(hang ? Infinity : Math.max(latency, 0), signal, what);
  }
}
