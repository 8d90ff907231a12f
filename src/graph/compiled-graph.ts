import { CONTAINER_STATES, type ContainerSpec, type ContainerState, type GraphSpec, type Labels, type PodSpec } from './spec.js';

const CREATED = CONTAINER_STATES.indexOf('created');

/**
 * A validated graph in compact index arrays: containers are 0..size-1 in input order, pods
 * 0..podCount-1. Adjacency is CSR: the dependencies of container i are
 * `deps[depStart[i]] .. deps[depStart[i + 1] - 1]`. Immutable once built; shared by the public
 * `ContainerGraph`, the remover and the in-memory runtime.
 */
export interface CompiledGraph {
  readonly size: number;
  readonly ids: readonly string[];
  readonly names: readonly (string | undefined)[];
  /** Index into CONTAINER_STATES. */
  readonly states: Uint8Array;
  /** Pod index, or -1 outside pods. */
  readonly podOf: Int32Array;
  readonly isInfra: Uint8Array;
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  /** 1 where the last dependency is the pod's infra container added implicitly (not in the input). */
  readonly implicitInfra: Uint8Array;
  readonly dependentStart: Int32Array;
  readonly dependents: Int32Array;
  /** Container id or name -> index. */
  readonly lookup: ReadonlyMap<string, number>;
  /** Each container's labels, undefined where it has none (the array is empty when none has any). */
  readonly labels: readonly (Labels | undefined)[];
  /** Each container's creation time as given (RFC 3339), undefined where unknown. */
  readonly created: readonly (string | undefined)[];
  /** Each container's exit code, undefined where unknown. */
  readonly exitCodes: readonly (number | undefined)[];

  /** Pods are 0..podCount-1; the members of pod p are `members[memberStart[p]] .. members[memberStart[p + 1] - 1]`. */
  readonly podIds: readonly string[];
  readonly podCount: number;
  readonly memberStart: Int32Array;
  readonly members: Int32Array;
  /** Container index of the pod's infra container, or -1. */
  readonly podInfra: Int32Array;
  readonly podNames: readonly (string | undefined)[];
  /** Pod id or name -> index. */
  readonly podLookup: ReadonlyMap<string, number>;
  /** Each pod's labels, undefined where it has none. */
  readonly podLabels: readonly (Labels | undefined)[];
}

export function stateOf(graph: CompiledGraph, index: number): ContainerState {
  return CONTAINER_STATES[graph.states[index]];
}

/** Container ids of `list[from] .. list[to - 1]` (a slice of `deps`, `dependents` or `members`). */
export function idsIn(graph: CompiledGraph, list: Int32Array, from: number, to: number): string[] {
  const out: string[] = new Array(to - from);
  for (let k = from; k < to; k++) out[k - from] = graph.ids[list[k]];
  return out;
}

/**
 * The spec of a compiled graph in its shortest form: explicit dependencies only, by id; defaults
 * (`state: 'created'`, no `infra`, no `dependsOn`) left out. `states` and the `keep` filters let
 * the in-memory runtime describe what is left of it.
 */
export function specOf(
  graph: CompiledGraph,
  states: Uint8Array = graph.states,
  keepContainer: (index: number) => boolean = () => true,
  keepPod: (pod: number) => boolean = () => true,
): GraphSpec {
  const pods: PodSpec[] = [];
  for (let p = 0; p < graph.podCount; p++) {
    if (!keepPod(p)) continue;
    const pod: PodSpec = { id: graph.podIds[p] };
    if (graph.podNames[p] !== undefined) pod.name = graph.podNames[p];
    if (graph.podLabels[p] !== undefined) pod.labels = { ...graph.podLabels[p] };
    pods.push(pod);
  }
  const containers: ContainerSpec[] = [];
  for (let i = 0; i < graph.size; i++) {
    if (!keepContainer(i)) continue;
    const ctr: ContainerSpec = { id: graph.ids[i] };
    if (graph.names[i] !== undefined) ctr.name = graph.names[i];
    if (graph.podOf[i] !== -1) ctr.pod = graph.podIds[graph.podOf[i]];
    if (graph.isInfra[i] === 1) ctr.infra = true;
    if (states[i] !== CREATED) ctr.state = CONTAINER_STATES[states[i]];
    const end = graph.depStart[i + 1] - graph.implicitInfra[i];
    if (end > graph.depStart[i]) ctr.dependsOn = idsIn(graph, graph.deps, graph.depStart[i], end);
    if (graph.labels[i] !== undefined) ctr.labels = { ...graph.labels[i] };
    if (graph.created[i] !== undefined) ctr.created = graph.created[i];
    if (graph.exitCodes[i] !== undefined) ctr.exitCode = graph.exitCodes[i];
    containers.push(ctr);
  }
  return { pods, containers };
}

/**
 * Pod `pod`'s members other than its infra container, each after every member that depends on it
 * (the order podman's pod removal takes them in). With `present`, only the members marked 1 there,
 * and only their dependents marked 1 hold them back.
 */
export function podMembersDependentsFirst(graph: CompiledGraph, pod: number, present?: Uint8Array): number[] {
  const here = (i: number) => present === undefined || present[i] === 1;
  const order: number[] = [];
  const waiting = new Map<number, number>();
  for (let k = graph.memberStart[pod]; k < graph.memberStart[pod + 1]; k++) {
    const m = graph.members[k];
    if (!here(m) || graph.isInfra[m] === 1) continue;
    let count = 0;
    for (let d = graph.dependentStart[m]; d < graph.dependentStart[m + 1]; d++) if (here(graph.dependents[d])) count++;
    waiting.set(m, count);
  }
  for (const [m, count] of waiting) if (count === 0) order.push(m);
  for (let head = 0; head < order.length; head++) {
    const m = order[head];
    for (let k = graph.depStart[m]; k < graph.depStart[m + 1]; k++) {
      const left = waiting.get(graph.deps[k]);
      if (left === undefined) continue;
      waiting.set(graph.deps[k], left - 1);
      if (left === 1) order.push(graph.deps[k]);
    }
  }
  return order;
}
