import { describe, invalidArg, PodgraphError } from '../errors.js';
import { findCycle } from './find-cycle.js';
import {
  CONTAINER_STATES,
  type ContainerSpec,
  type ContainerState,
  createdNanos,
  type GraphSpec,
  type Labels,
  type PodSpec,
} from './spec.js';

const STATE_INDEX: ReadonlyMap<string, number> = new Map(CONTAINER_STATES.map((state, index) => [state, index]));
const CREATED = STATE_INDEX.get('created')!;

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

  readonly podCount: number;
  readonly podIds: readonly string[];
  readonly podNames: readonly (string | undefined)[];
  /** Container index of the pod's infra container, or -1. */
  readonly podInfra: Int32Array;
  readonly memberStart: Int32Array;
  readonly members: Int32Array;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A frozen copy of `value` if it is a string -> string record; undefined for none or an empty one. */
function checkLabels(value: unknown, where: string): Labels | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw invalidArg(`Expected ${where}.labels to be an object of strings, got ${describe(value)}`);
  const keys = Object.keys(value);
  if (keys.length === 0) return undefined;
  for (const key of keys) {
    if (typeof value[key] !== 'string') {
      throw invalidArg(`Expected ${where}.labels[${JSON.stringify(key)}] to be a string, got ${describe(value[key])}`);
    }
  }
  // fromEntries, not assignment: a label named `__proto__` stays a label.
  return Object.freeze(Object.fromEntries(keys.map((key) => [key, value[key] as string])));
}

function checkOptionalName(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw invalidArg(`Expected ${where}.name to be a non-empty string when given, got ${describe(value)}`, `${where}.name`);
  }
  return value;
}

/**
 * Registers `id` and `name` of entry `index` in `lookup`, refusing duplicates. Ids and names share
 * one namespace so that a reference (`dependsOn`, a removal target) can never mean two things.
 */
function register(lookup: Map<string, number>, list: string, kind: string, index: number, id: string, name?: string): void {
  const taken = lookup.get(id);
  if (taken !== undefined) {
    throw invalidArg(`duplicate ${kind} id ${JSON.stringify(id)} (${list}[${taken}] and ${list}[${index}])`, `${list}[${index}].id`);
  }
  lookup.set(id, index);
  if (name === undefined || name === id) return;
  const owner = lookup.get(name);
  if (owner !== undefined) {
    throw invalidArg(`duplicate ${kind} name ${JSON.stringify(name)} (${list}[${owner}] and ${list}[${index}])`, `${list}[${index}].name`);
  }
  lookup.set(name, index);
}

function readArray(spec: Record<string, unknown>, key: 'pods' | 'containers'): unknown[] {
  const value = spec[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArg(`Expected \`${key}\` to be an array, got ${describe(value)}`, key);
  return value;
}

/** Validates a spec (SPEC section 1) and compiles it. Throws a PodgraphError and builds nothing on bad input. */
export function compileGraph(spec: GraphSpec): CompiledGraph {
  if (!isRecord(spec)) {
    throw invalidArg(`Expected a graph spec object with \`pods\` and \`containers\` arrays, got ${describe(spec)}`);
  }
  const podSpecs = readArray(spec, 'pods');
  const containerSpecs = readArray(spec, 'containers');

  const podCount = podSpecs.length;
  const podIds: string[] = new Array(podCount);
  const podNames: (string | undefined)[] = new Array(podCount);
  const podLookup = new Map<string, number>();
  const podLabels: (Labels | undefined)[] = new Array(podCount);
  for (let p = 0; p < podCount; p++) {
    const pod = podSpecs[p];
    const where = `pods[${p}]`;
    if (!isRecord(pod)) throw invalidArg(`Expected ${where} to be an object, got ${describe(pod)}`, where);
    if (typeof pod.id !== 'string' || pod.id === '') {
      throw invalidArg(`Expected ${where}.id to be a non-empty string, got ${describe(pod.id)}`, `${where}.id`);
    }
    podIds[p] = pod.id;
    podNames[p] = checkOptionalName(pod.name, where);
    register(podLookup, 'pods', 'pod', p, pod.id, podNames[p]);
    podLabels[p] = checkLabels(pod.labels, where);
  }

  const size = containerSpecs.length;
  const ids: string[] = new Array(size);
  const names: (string | undefined)[] = new Array(size);
  const states = new Uint8Array(size);
  const podOf = new Int32Array(size).fill(-1);
  const isInfra = new Uint8Array(size);
  const podInfra = new Int32Array(podCount).fill(-1);
  const lookup = new Map<string, number>();
  // Sparse: most graphs have no labels, times or exit codes, and a million undefined slots are not free.
  const labels: (Labels | undefined)[] = [];
  const created: (string | undefined)[] = [];
  const exitCodes: (number | undefined)[] = [];
  const memberCount = new Int32Array(podCount + 1);
  let maxDeps = 0;

  for (let i = 0; i < size; i++) {
    const ctr = containerSpecs[i];
    const where = `containers[${i}]`;
    if (!isRecord(ctr)) throw invalidArg(`Expected ${where} to be an object, got ${describe(ctr)}`, where);
    if (typeof ctr.id !== 'string' || ctr.id === '') {
      throw invalidArg(`Expected ${where}.id to be a non-empty string, got ${describe(ctr.id)}`, `${where}.id`);
    }
    const id = ctr.id;
    ids[i] = id;
    names[i] = checkOptionalName(ctr.name, where);
    register(lookup, 'containers', 'container', i, id, names[i]);
    const ctrLabels = checkLabels(ctr.labels, where);
    if (ctrLabels !== undefined) labels[i] = ctrLabels;
    if (ctr.created !== undefined) {
      if (typeof ctr.created !== 'string' || createdNanos(ctr.created) === undefined) {
        throw invalidArg(`Expected ${where}.created to be an RFC 3339 time such as podman's Created, got ${describe(ctr.created)}`);
      }
      created[i] = ctr.created;
    }
    if (ctr.exitCode !== undefined) {
      if (!Number.isInteger(ctr.exitCode) || (ctr.exitCode as number) < -(2 ** 31) || (ctr.exitCode as number) >= 2 ** 31) {
        throw invalidArg(`Expected ${where}.exitCode to be a 32-bit integer, got ${describe(ctr.exitCode)}`);
      }
      exitCodes[i] = ctr.exitCode as number;
    }

    const state = ctr.state ?? 'created';
    const stateIndex = STATE_INDEX.get(state as string);
    if (stateIndex === undefined) {
      throw invalidArg(`Expected ${where}.state to be one of ${CONTAINER_STATES.join(', ')}, got ${describe(state)}`, `${where}.state`);
    }
    states[i] = stateIndex;

    if (ctr.infra !== undefined && typeof ctr.infra !== 'boolean') {
      throw invalidArg(`Expected ${where}.infra to be a boolean when given, got ${describe(ctr.infra)}`, `${where}.infra`);
    }
    if (ctr.pod !== undefined) {
      if (typeof ctr.pod !== 'string' || ctr.pod === '') {
        throw invalidArg(`Expected ${where}.pod to be a non-empty string when given, got ${describe(ctr.pod)}`, `${where}.pod`);
      }
      const pod = podLookup.get(ctr.pod);
      if (pod === undefined) {
        throw new PodgraphError('NO_SUCH_POD', `container ${id} belongs to pod ${ctr.pod}, which is not in the input list: no such pod`, {
          path: `${where}.pod`,
        });
      }
      podOf[i] = pod;
      memberCount[pod + 1]++;
    }
    if (ctr.infra === true) {
      const pod = podOf[i];
      if (pod === -1) throw invalidArg(`container ${id} is marked infra but belongs to no pod (infra needs \`pod\`)`, `${where}.infra`);
      if (podInfra[pod] !== -1) {
        throw invalidArg(`pod ${podIds[pod]} has two infra containers: ${ids[podInfra[pod]]} and ${id}`, `${where}.infra`);
      }
      podInfra[pod] = i;
      isInfra[i] = 1;
    }

    const dependsOn = ctr.dependsOn;
    if (dependsOn !== undefined) {
      if (!Array.isArray(dependsOn)) {
        throw invalidArg(`Expected ${where}.dependsOn to be an array of ids or names, got ${describe(dependsOn)}`, `${where}.dependsOn`);
      }
      maxDeps += dependsOn.length;
    }
    if (podOf[i] !== -1) maxDeps++; // room for the implicit infra edge
  }

  // Dependencies: resolve, check pod rules, de-duplicate, add the implicit infra edge.
  const depStart = new Int32Array(size + 1);
  let deps = new Int32Array(maxDeps);
  const implicitInfra = new Uint8Array(size);
  const seenBy = new Int32Array(size); // seenBy[j] === i + 1: j is already a dependency of i
  let edges = 0;
  for (let i = 0; i < size; i++) {
    const dependsOn = (containerSpecs[i] as { dependsOn?: unknown[] }).dependsOn;
    const pod = podOf[i];
    if (dependsOn !== undefined) {
      for (let k = 0; k < dependsOn.length; k++) {
        const ref = dependsOn[k];
        if (typeof ref !== 'string') {
          throw invalidArg(
            `Expected containers[${i}].dependsOn[${k}] to be a container id or name, got ${describe(ref)}`,
            `containers[${i}].dependsOn[${k}]`,
          );
        }
        const dep = lookup.get(ref);
        if (dep === undefined) {
          throw new PodgraphError(
            'NO_SUCH_CTR',
            `container ${ids[i]} depends on container ${ref} not found in input list: no such container`,
            { path: `containers[${i}].dependsOn[${k}]` },
          );
        }
        if (pod !== -1 && podOf[dep] !== pod) {
          throw invalidArg(
            `container has joined pod ${podIds[pod]} and dependency container ${ids[dep]} is not a member of the pod`,
            `containers[${i}].dependsOn[${k}]`,
          );
        }
        if (pod === -1 && podOf[dep] !== -1) {
          throw invalidArg(
            `container ${ids[i]} depends on container ${ids[dep]} which is in a pod - containers not in pods cannot depend on containers in pods`,
            `containers[${i}].dependsOn[${k}]`,
          );
        }
        if (seenBy[dep] === i + 1) continue;
        seenBy[dep] = i + 1;
        deps[edges++] = dep;
      }
    }
    // Members join the infra container's namespaces, so they depend on it (podman lists it too).
    const infra = pod === -1 ? -1 : podInfra[pod];
    if (infra !== -1 && infra !== i && seenBy[infra] !== i + 1) {
      deps[edges++] = infra;
      implicitInfra[i] = 1;
    }
    depStart[i + 1] = edges;
  }
  if (edges < deps.length) deps = deps.slice(0, edges);

  const dependentStart = new Int32Array(size + 1);
  for (let k = 0; k < edges; k++) dependentStart[deps[k] + 1]++;
  for (let i = 0; i < size; i++) dependentStart[i + 1] += dependentStart[i];
  const dependents = new Int32Array(edges);
  const fill = dependentStart.slice(0, size);
  for (let i = 0; i < size; i++) {
    for (let k = depStart[i]; k < depStart[i + 1]; k++) dependents[fill[deps[k]]++] = i;
  }

  const cycle = findCycle(size, depStart, deps, dependentStart, dependents);
  if (cycle !== undefined) {
    // The path names the reference that closes the cycle's first step: cycle[0]'s dependency on cycle[1].
    const refs = (containerSpecs[cycle[0]] as { dependsOn?: string[] }).dependsOn ?? [];
    const k = refs.findIndex((ref) => lookup.get(ref) === cycle[1]);
    throw new PodgraphError('CYCLE', `cycle found in container dependency graph: ${cycle.map((index) => ids[index]).join(' -> ')}`, {
      path: `containers[${cycle[0]}].dependsOn[${k}]`,
    });
  }

  const memberStart = memberCount;
  for (let p = 0; p < podCount; p++) memberStart[p + 1] += memberStart[p];
  const members = new Int32Array(memberStart[podCount]);
  const memberFill = memberStart.slice(0, podCount);
  for (let i = 0; i < size; i++) if (podOf[i] !== -1) members[memberFill[podOf[i]]++] = i;

  return {
    size,
    ids,
    names,
    states,
    podOf,
    isInfra,
    depStart,
    deps,
    implicitInfra,
    dependentStart,
    dependents,
    lookup,
    labels,
    created,
    exitCodes,
    podCount,
    podIds,
    podNames,
    podInfra,
    memberStart,
    members,
    podLookup,
    podLabels,
  };
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
