import { PodgraphError } from '../../errors.js';
import { type CompiledGraph, compileGraph, specOf } from '../../graph/compiled-graph.js';
import { ContainerGraph, compiledOf } from '../../graph/container-graph.js';
import { CONTAINER_STATES, type ContainerState, type GraphSpec, isActiveState } from '../../graph/spec.js';
import { hasDependents, infraContainer, noSuchContainer, noSuchPod, podMembersLeft, stateInvalid } from '../../sentences.js';
import type { RemoveCallOptions, Runtime } from '../runtime.js';
import type { MemoryRuntimeOptions, OperationRecord, RuntimeCall } from './memory-runtime-options.js';

/**
 * The embedded default runtime: pods and containers held in memory, removed by podman's rules.
 * A call's effect happens at once when its latency has passed, so overlapping calls on one item
 * behave as podman's per-container lock makes them: the later one finds the item gone.
 */
export class MemoryRuntime implements Runtime {
  readonly #graph: CompiledGraph;
  readonly #options: MemoryRuntimeOptions;
  readonly #clock: () => number;
  readonly #states: Uint8Array;
  readonly #alive: Uint8Array;
  readonly #podAlive: Uint8Array;
  readonly #liveDependents: Int32Array;
  readonly #log: OperationRecord[] = [];
  /** True when no option asks to see or delay a call. */
  readonly #plain: boolean;
  #tick = 0;

  /** `spec` is validated as `ContainerGraph.fromSpec` does; a ContainerGraph is taken as it is. */
  constructor(spec: GraphSpec | ContainerGraph, options: MemoryRuntimeOptions = {}) {
    this.#graph = spec instanceof ContainerGraph ? compiledOf(spec) : compileGraph(spec);
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now());
    this.#plain =
      options.log === false &&
      options.latency === undefined &&
      options.fail === undefined &&
      options.vanish === undefined &&
      options.hang === undefined;
    const graph = this.#graph;
    this.#states = graph.states.slice();
    this.#alive = new Uint8Array(graph.size).fill(1);
    this.#podAlive = new Uint8Array(graph.podCount).fill(1);
    this.#liveDependents = new Int32Array(graph.size);
    for (let i = 0; i < graph.size; i++) this.#liveDependents[i] = graph.dependentStart[i + 1] - graph.dependentStart[i];
  }

  /** The bound on calls in flight that every removal on this runtime shares, when set in the options. */
  get concurrency(): number | undefined {
    return this.#options.concurrency;
  }

  /** Every call so far, in start order (empty when `options.log` is false). */
  get log(): readonly OperationRecord[] {
    return this.#log;
  }

  /** Whether a container with this id or name still exists. */
  has(idOrName: string): boolean {
    const index = this.#graph.lookup.get(idOrName);
    return index !== undefined && this.#alive[index] === 1;
  }

  /** Whether a pod with this id or name still exists. */
  hasPod(idOrName: string): boolean {
    const pod = this.#graph.podLookup.get(idOrName);
    return pod !== undefined && this.#podAlive[pod] === 1;
  }

  /** Someone else changed a container's state (started, paused or stopped it). */
  setState(idOrName: string, state: ContainerState): void {
    const index = this.#graph.lookup.get(idOrName);
    const code = CONTAINER_STATES.indexOf(state);
    if (index === undefined || this.#alive[index] === 0) throw noSuchContainer(idOrName);
    if (code === -1) throw new PodgraphError('INVALID_ARG', `Expected a container state, got ${JSON.stringify(state)}`);
    this.#states[index] = code;
  }

  async inspect(): Promise<GraphSpec> {
    return specOf(
      this.#graph,
      this.#states,
      (i) => this.#alive[i] === 1,
      (p) => this.#podAlive[p] === 1,
    );
  }

  async removeContainer(id: string, options: RemoveCallOptions): Promise<void> {
    // No hook, no log, no latency: nothing needs the call described, so answer at once.
    if (this.#plain && !options.signal?.aborted) return this.#removeContainerNow(id, options.force);
    const index = this.#graph.lookup.get(id);
    const state = index !== undefined && this.#alive[index] === 1 ? this.#stateOf(index) : undefined;
    const call: RuntimeCall = {
      op: 'removeContainer',
      id,
      force: options.force,
      timeout: options.timeout,
      volumes: options.volumes === true,
      state,
    };
    await this.#perform(call, options.signal, () => {
      if (this.#options.vanish?.(call)) this.vanishContainer(id);
      this.#removeContainerNow(id, options.force);
    });
  }

  async removePod(id: string, options: RemoveCallOptions): Promise<void> {
    if (this.#plain && !options.signal?.aborted) return this.#removePodNow(id, options.force);
    const call: RuntimeCall = { op: 'removePod', id, force: options.force, timeout: options.timeout };
    await this.#perform(call, options.signal, () => {
      if (this.#options.vanish?.(call)) this.vanishPod(id);
      this.#removePodNow(id, options.force);
    });
  }

  /** Someone else removed this container, with everything that depends on it (its whole pod if it is an infra container). */
  vanishContainer(idOrName: string): void {
    const graph = this.#graph;
    const index = graph.lookup.get(idOrName);
    if (index === undefined || this.#alive[index] === 0) return;
    if (graph.isInfra[index] === 1) {
      this.vanishPod(graph.podIds[graph.podOf[index]]);
      return;
    }
    const stack = [index];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (this.#alive[node] === 0) continue;
      this.#kill(node);
      for (let k = graph.dependentStart[node]; k < graph.dependentStart[node + 1]; k++) {
        if (this.#alive[graph.dependents[k]] === 1) stack.push(graph.dependents[k]);
      }
    }
  }

  /** Someone else removed this pod and all its containers. */
  vanishPod(idOrName: string): void {
    const graph = this.#graph;
    const pod = graph.podLookup.get(idOrName);
    if (pod === undefined || this.#podAlive[pod] === 0) return;
    for (let k = graph.memberStart[pod]; k < graph.memberStart[pod + 1]; k++) {
      if (this.#alive[graph.members[k]] === 1) this.#kill(graph.members[k]);
    }
    this.#podAlive[pod] = 0;
  }

  async #perform(call: RuntimeCall, signal: AbortSignal | undefined, effect: () => void): Promise<void> {
    const record = this.#begin(call);
    try {
      const wait = this.#travel(call, signal);
      if (wait !== undefined) await wait;
      const injected = this.#options.fail?.(call);
      if (injected !== undefined) throw injected;
      effect();
      this.#end(record, 'removed');
    } catch (error) {
      this.#end(record, (error as { code?: unknown })?.code?.toString() ?? 'ERROR');
      throw error;
    }
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
    const what = `${call.op === 'removePod' ? 'pod' : 'container'} ${call.id}`;
    const aborted = () => new PodgraphError('ABORTED', `removal of ${what} was aborted`, { cause: signal?.reason });
    if (signal?.aborted) return Promise.reject(aborted());
    const hang = this.#options.hang?.(call) === true;
    const latency = typeof this.#options.latency === 'function' ? this.#options.latency(call) : (this.#options.latency ?? 0);
    if (!hang && !(latency > 0)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(aborted());
      };
      const timer = hang
        ? undefined
        : setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, latency);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #removeContainerNow(id: string, force: boolean): void {
    const graph = this.#graph;
    const index = graph.lookup.get(id);
    if (index === undefined || this.#alive[index] === 0) throw noSuchContainer(id);
    const ctrId = graph.ids[index];
    if (graph.isInfra[index] === 1 && this.#podAlive[graph.podOf[index]] === 1) {
      throw infraContainer(ctrId, graph.podIds[graph.podOf[index]]);
    }
    const state = this.#stateOf(index);
    if (isActiveState(state) && !force) throw stateInvalid(ctrId, state);
    if (this.#liveDependents[index] > 0) {
      const alive: string[] = [];
      for (let k = graph.dependentStart[index]; k < graph.dependentStart[index + 1]; k++) {
        if (this.#alive[graph.dependents[k]] === 1) alive.push(graph.ids[graph.dependents[k]]);
      }
      throw hasDependents(ctrId, alive);
    }
    this.#kill(index);
  }

  #removePodNow(id: string, force: boolean): void {
    const graph = this.#graph;
    const pod = graph.podLookup.get(id);
    if (pod === undefined || this.#podAlive[pod] === 0) throw noSuchPod(id);
    const from = graph.memberStart[pod];
    const to = graph.memberStart[pod + 1];

    // Without force, an active member stays, and so do the members it depends on (dependents go first).
    const kept = new Set<number>();
    let refused: PodgraphError | undefined;
    if (!force) {
      const stack: number[] = [];
      for (let k = from; k < to; k++) {
        const member = graph.members[k];
        const state = this.#stateOf(member);
        if (this.#alive[member] === 1 && graph.isInfra[member] === 0 && isActiveState(state)) {
          refused ??= stateInvalid(graph.ids[member], state);
          stack.push(member);
        }
      }
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (kept.has(node)) continue;
        kept.add(node);
        for (let k = graph.depStart[node]; k < graph.depStart[node + 1]; k++) {
          const dep = graph.deps[k];
          if (this.#alive[dep] === 1 && graph.isInfra[dep] === 0) stack.push(dep);
        }
      }
    }
    for (let k = from; k < to; k++) {
      const member = graph.members[k];
      if (this.#alive[member] === 1 && graph.isInfra[member] === 0 && !kept.has(member)) this.#kill(member);
    }
    if (refused !== undefined) {
      throw podMembersLeft(graph.podIds[pod], refused);
    }
    const infra = graph.podInfra[pod];
    if (infra !== -1 && this.#alive[infra] === 1) this.#kill(infra);
    this.#podAlive[pod] = 0;
  }

  #stateOf(index: number): ContainerState {
    return CONTAINER_STATES[this.#states[index]];
  }

  #kill(index: number): void {
    const graph = this.#graph;
    this.#alive[index] = 0;
    for (let k = graph.depStart[index]; k < graph.depStart[index + 1]; k++) this.#liveDependents[graph.deps[k]]--;
  }
}
