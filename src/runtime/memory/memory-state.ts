import { describe, invalidArg, isErrorCode, PodgraphError } from '../../errors.js';
import { compileGraph } from '../../graph/compile-graph.js';
import { type CompiledGraph, podMembersDependentsFirst, specOf } from '../../graph/compiled-graph.js';
import { ContainerGraph, compiledOf } from '../../graph/container-graph.js';
import {
  CONTAINER_STATES,
  type ContainerSpec,
  type ContainerState,
  type GraphSpec,
  isActiveState,
  type PodSpec,
} from '../../graph/spec.js';
import { hasDependents, infraContainer, noSuchContainer, noSuchPod, podMembersLeft, stateInvalid } from '../../messages.js';
import { PodMembersLeftError } from '../pod-members-left.js';
import type { BrokenDependent, MemoryRuntimeRules } from './memory-runtime-options.js';

/** Where podman's and Docker's rules differ: the one switch, read by the constructor, removeContainer and vanishContainer. */
interface Rules {
  /** Pods (and infra containers) exist; without them a spec with any is INVALID_ARG. */
  readonly pods: boolean;
  /**
   * A container that others still depend on is refused (CTR_EXISTS), so whoever removes it
   * removes them first; otherwise it goes alone and they are left broken (`docker rm`).
   */
  readonly refusesDependents: boolean;
}

const RULES: Readonly<Record<MemoryRuntimeRules, Rules>> = {
  podman: { pods: true, refusesDependents: true },
  docker: { pods: false, refusesDependents: false },
};

const noPods = (what: string) => invalidArg(`Docker has no pods (MemoryRuntime rules 'docker'): ${what}`);
const quoted = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : describe(value));

/** Refuses a spec that mentions a pod, before it is compiled (so an unknown pod is this error, not NO_SUCH_POD). */
function refusePods(spec: GraphSpec): void {
  if (typeof spec !== 'object' || spec === null) return; // compileGraph says what is wrong with it
  const { pods, containers } = spec as { pods?: unknown; containers?: unknown };
  if (Array.isArray(pods) && pods.length > 0) {
    const first = quoted((pods[0] as PodSpec | null)?.id);
    throw noPods(pods.length === 1 ? `the spec has pod ${first}` : `the spec has ${pods.length} pods, ${first} first`);
  }
  if (!Array.isArray(containers)) return;
  for (const ctr of containers as (ContainerSpec | null)[]) {
    if (ctr?.pod !== undefined) throw noPods(`container ${quoted(ctr.id)} is in pod ${quoted(ctr.pod)}`);
    if (ctr?.infra === true) throw noPods(`container ${quoted(ctr.id)} is marked infra`);
  }
}

/** podman's words for a member its pod's removal keeps because a member that depends on it stayed. */
function dependentLeft(id: string): PodgraphError {
  return new PodgraphError(
    'CTR_STATE_INVALID',
    `a container that depends on container ${id} could not be removed: container state improper`,
  );
}

/**
 * The simulated engine's world and its rules: which pods and containers exist, in which state,
 * how many live dependents each has, and which were left broken. A removal happens at once or
 * throws the engine's refusal; how long a call takes is not its business.
 */
export class MemoryState {
  readonly #graph: CompiledGraph;
  readonly #rules: Rules;
  readonly #states: Uint8Array;
  readonly #alive: Uint8Array;
  readonly #podAlive: Uint8Array;
  readonly #liveDependents: Int32Array;
  readonly #broken: BrokenDependent[] = [];

  /** `spec` is validated as `ContainerGraph.fromSpec` does; a ContainerGraph is taken as it is. */
  constructor(spec: GraphSpec | ContainerGraph, rules: MemoryRuntimeRules) {
    this.#rules = RULES[rules];
    if (!this.#rules.pods && !(spec instanceof ContainerGraph)) refusePods(spec);
    const graph = spec instanceof ContainerGraph ? compiledOf(spec) : compileGraph(spec);
    if (!this.#rules.pods && graph.podCount > 0) throw noPods(`the graph has pod ${quoted(graph.podIds[0])}`);
    this.#graph = graph;
    this.#states = graph.states.slice();
    this.#alive = new Uint8Array(graph.size).fill(1);
    this.#podAlive = new Uint8Array(graph.podCount).fill(1);
    this.#liveDependents = new Int32Array(graph.size);
    for (let i = 0; i < graph.size; i++) this.#liveDependents[i] = graph.dependentStart[i + 1] - graph.dependentStart[i];
  }

  has(idOrName: string): boolean {
    const index = this.#graph.lookup.get(idOrName);
    return index !== undefined && this.#alive[index] === 1;
  }

  hasPod(idOrName: string): boolean {
    const pod = this.#graph.podLookup.get(idOrName);
    return pod !== undefined && this.#podAlive[pod] === 1;
  }

  /** The container's state, undefined when it does not exist. */
  stateOf(idOrName: string): ContainerState | undefined {
    const index = this.#graph.lookup.get(idOrName);
    return index !== undefined && this.#alive[index] === 1 ? this.#stateAt(index) : undefined;
  }

  setState(idOrName: string, state: ContainerState): void {
    const index = this.#graph.lookup.get(idOrName);
    const code = CONTAINER_STATES.indexOf(state);
    if (index === undefined || this.#alive[index] === 0) throw noSuchContainer(idOrName);
    if (code === -1) throw new PodgraphError('INVALID_ARG', `Expected a container state, got ${JSON.stringify(state)}`);
    this.#states[index] = code;
  }

  /** A copy of the broken pairs, in the order the removals happened. */
  brokenDependents(): BrokenDependent[] {
    return this.#broken.map((entry) => ({ ...entry }));
  }

  /** What exists now; a broken dependent's `dependsOn` leaves out what it lost, so the spec stays valid. */
  spec(): GraphSpec {
    const spec = specOf(
      this.#graph,
      this.#states,
      (i) => this.#alive[i] === 1,
      (p) => this.#podAlive[p] === 1,
    );
    if (this.#broken.length > 0) this.#dropLost(spec);
    return spec;
  }

  /** Removes it or throws podman's refusal; returns the ids of the dependents it left broken (Docker rules), if any. */
  removeContainer(id: string, force: boolean): string[] | undefined {
    const graph = this.#graph;
    const index = graph.lookup.get(id);
    if (index === undefined || this.#alive[index] === 0) throw noSuchContainer(id);
    const ctrId = graph.ids[index];
    if (graph.isInfra[index] === 1 && this.#podAlive[graph.podOf[index]] === 1) {
      throw infraContainer(ctrId, graph.podIds[graph.podOf[index]]);
    }
    const state = this.#stateAt(index);
    if (isActiveState(state) && !force) throw stateInvalid(ctrId, state);
    let broken: string[] | undefined;
    if (this.#liveDependents[index] > 0) {
      if (this.#rules.refusesDependents) throw hasDependents(ctrId, this.#liveDependentIds(index));
      broken = this.#breakDependents(index);
    }
    this.#kill(index);
    return broken;
  }

  /** Removes the pod as podman does (members, then infra, then the pod) or throws its refusal. */
  /**
   * Removes the pod's members still there as podman's pod removal does, dependents first: a
   * member that cannot go (running without force, or `memberFails` says so) stays, and so does
   * every member it depends on; if any stayed, the infra container and the pod stay and the
   * removal throws a PodMembersLeftError naming them. Then the infra container, then the pod.
   */
  removePod(id: string, force: boolean, memberFails?: (memberId: string, state: ContainerState) => Error | undefined): void {
    const graph = this.#graph;
    const pod = graph.podLookup.get(id);
    if (pod === undefined || this.#podAlive[pod] === 0) throw noSuchPod(id);
    const left = new Map<string, Error>();
    let firstRefusal: PodgraphError | undefined;
    for (const member of podMembersDependentsFirst(graph, pod, this.#alive)) {
      const memberId = graph.ids[member];
      let why: Error | undefined;
      for (let k = graph.dependentStart[member]; k < graph.dependentStart[member + 1] && why === undefined; k++) {
        const dependent = graph.ids[graph.dependents[k]];
        if (left.has(dependent)) why = dependentLeft(memberId);
      }
      const state = this.#stateAt(member);
      if (why === undefined && isActiveState(state) && !force) why = firstRefusal ??= stateInvalid(memberId, state);
      why ??= memberFails?.(memberId, state);
      if (why === undefined) this.#kill(member);
      else left.set(memberId, why);
    }
    if (left.size > 0) {
      const first = [...left.values()][0]!;
      const cause = firstRefusal ?? first;
      const code = isErrorCode((cause as { code?: unknown }).code) ? (cause as PodgraphError).code : 'RUNTIME';
      throw new PodMembersLeftError(code, podMembersLeft(graph.podIds[pod], new PodgraphError(code, cause.message)).message, left, {
        cause,
      });
    }
    const infra = graph.podInfra[pod];
    if (infra !== -1 && this.#alive[infra] === 1) this.#kill(infra);
    this.#podAlive[pod] = 0;
  }

  /** Someone else removed this container, with what goes with it by the rules: see `MemoryRuntime.vanishContainer`. */
  vanishContainer(idOrName: string): void {
    const graph = this.#graph;
    const index = graph.lookup.get(idOrName);
    if (index === undefined || this.#alive[index] === 0) return;
    if (!this.#rules.refusesDependents) {
      this.#breakDependents(index);
      this.#kill(index);
      return;
    }
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

  /** Ids of the containers that depend on `index` and still exist. */
  #liveDependentIds(index: number): string[] {
    const graph = this.#graph;
    const alive: string[] = [];
    for (let k = graph.dependentStart[index]; k < graph.dependentStart[index + 1]; k++) {
      if (this.#alive[graph.dependents[k]] === 1) alive.push(graph.ids[graph.dependents[k]]);
    }
    return alive;
  }

  /** `index` is about to go while others depend on it: records them as broken; returns their ids. */
  #breakDependents(index: number): string[] {
    const lost = this.#graph.ids[index];
    const broken = this.#liveDependentIds(index);
    for (const container of broken) this.#broken.push({ container, lost });
    return broken;
  }

  /** Leaves out of each broken dependent's `dependsOn` the containers it lost (a real Docker still names them). */
  #dropLost(spec: GraphSpec): void {
    const broken = new Set(this.#broken.map((entry) => entry.container));
    for (const ctr of spec.containers ?? []) {
      if (ctr.dependsOn === undefined || !broken.has(ctr.id)) continue;
      const kept = ctr.dependsOn.filter((dep) => this.has(dep));
      if (kept.length > 0) ctr.dependsOn = kept;
      else delete ctr.dependsOn;
    }
  }

  #stateAt(index: number): ContainerState {
    return CONTAINER_STATES[this.#states[index]];
  }

  #kill(index: number): void {
    const graph = this.#graph;
    this.#alive[index] = 0;
    for (let k = graph.depStart[index]; k < graph.depStart[index + 1]; k++) this.#liveDependents[graph.deps[k]]--;
  }
}
