import type { ContainerGraph } from '../../graph/container-graph.js';
import type { ContainerState, GraphSpec } from '../../graph/spec.js';
import type { PodToRemove, RemoveCallOptions, Runtime } from '../runtime.js';
import { MemoryInstruments } from './memory-instruments.js';
import {
  type BrokenDependent,
  checkOptions,
  type MemoryRuntimeOptions,
  type OperationRecord,
  type RuntimeCall,
} from './memory-runtime-options.js';
import { MemoryState } from './memory-state.js';

/**
 * The embedded default runtime: pods and containers held in memory, removed by podman's rules
 * or, with `rules: 'docker'`, by Docker Engine's.
 * A call's effect happens at once when its latency has passed, so overlapping calls on one item
 * behave as podman's per-container lock makes them: the later one finds the item gone.
 */
export class MemoryRuntime implements Runtime {
  readonly #concurrency: number | undefined;
  readonly #wholePods: boolean;
  readonly #state: MemoryState;
  readonly #instruments: MemoryInstruments;

  /**
   * `spec` is validated as `ContainerGraph.fromSpec` does; a ContainerGraph is taken as it is.
   * The options are checked first: INVALID_ARG names the first one of the wrong type.
   */
  constructor(spec: GraphSpec | ContainerGraph, options: MemoryRuntimeOptions = {}) {
    checkOptions(options);
    this.#concurrency = options.concurrency;
    this.#wholePods = options.wholePods ?? true;
    this.#state = new MemoryState(spec, options.rules ?? 'podman');
    this.#instruments = new MemoryInstruments(options);
  }

  /** The bound on calls in flight that every removal on this runtime shares, when set in the options. */
  get concurrency(): number | undefined {
    return this.#concurrency;
  }

  /** Every call so far, in start order (empty when `options.log` is false). */
  get log(): readonly OperationRecord[] {
    return this.#instruments.log;
  }

  /**
   * Each container that depended on one removed before it, with the one it lost (ids), in the
   * order the removals happened; it stays listed once removed itself. Always empty under podman's
   * rules, which refuse such removals.
   */
  brokenDependents(): BrokenDependent[] {
    return this.#state.brokenDependents();
  }

  /** Whether a container with this id or name still exists. */
  has(idOrName: string): boolean {
    return this.#state.has(idOrName);
  }

  /** Whether a pod with this id or name still exists. */
  hasPod(idOrName: string): boolean {
    return this.#state.hasPod(idOrName);
  }

  /** Someone else changed a container's state (started, paused or stopped it). */
  setState(idOrName: string, state: ContainerState): void {
    this.#state.setState(idOrName, state);
  }

  /** The current state; a broken dependent's `dependsOn` leaves out what it lost, so the spec stays valid. */
  async inspect(): Promise<GraphSpec> {
    return this.#state.spec();
  }

  async removeContainer(id: string, options: RemoveCallOptions): Promise<void> {
    const state = this.#state;
    // Nothing needs the call described: answer at once, without a record or a timer.
    if (this.#instruments.plain && !options.signal?.aborted) {
      state.removeContainer(id, options.force);
      return;
    }
    const call: RuntimeCall = {
      op: 'removeContainer',
      id,
      force: options.force,
      timeout: options.timeout,
      volumes: options.volumes === true,
      state: state.stateOf(id),
    };
    await this.#instruments.perform(call, options.signal, (vanished) => {
      if (vanished) state.vanishContainer(id);
      return state.removeContainer(id, options.force);
    });
  }

  /**
   * Removes the members still there as podman does (dependents first; without force a running
   * one stays with what it depends on), then the infra container and the pod. The `fail` hook is
   * asked about each member too (`RuntimeCall.pod` says which pod's removal it is), so a test can
   * fail a member inside a whole-pod call; those member removals are not calls of their own and
   * have no record in the log.
   */
  async removePod(id: string, options: RemoveCallOptions): Promise<void> {
    const state = this.#state;
    if (this.#instruments.plain && !options.signal?.aborted) return state.removePod(id, options.force);
    const call: RuntimeCall = { op: 'removePod', id, force: options.force, timeout: options.timeout };
    const memberFails = (member: string, memberState: ContainerState) =>
      this.#instruments.memberFails({
        op: 'removeContainer',
        id: member,
        force: options.force,
        timeout: options.timeout,
        state: memberState,
        pod: id,
      });
    await this.#instruments.perform(call, options.signal, (vanished) => {
      if (vanished) state.vanishPod(id);
      state.removePod(id, options.force, memberFails);
      return undefined;
    });
  }

  /**
   * podman's rule: a pod whose every container is selected and can go is removed in one call,
   * which removes its members in dependency order (`wholePods: false` asks for a call per member).
   */
  removesWholePod(_pod: PodToRemove): boolean {
    return this.#wholePods;
  }

  /**
   * Someone else removed this container, by the same rules: under podman's with everything that
   * depends on it (its whole pod if it is an infra container), as `podman rm -f --depend` does;
   * under Docker's alone, as `docker rm -f` does, leaving its dependents broken.
   */
  vanishContainer(idOrName: string): void {
    this.#state.vanishContainer(idOrName);
  }

  /** Someone else removed this pod and all its containers. */
  vanishPod(idOrName: string): void {
    this.#state.vanishPod(idOrName);
  }
}
