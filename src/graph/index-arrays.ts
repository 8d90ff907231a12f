/**
 * The index arrays of a {@link CompiledGraph}, built from a spec whose shape `checkSpec` has
 * checked: pods and containers here, their edges in `dependency-arrays.ts`. What only the index
 * can tell is refused, with the path of the value at fault: duplicate ids and names, unknown pods,
 * infra rules here; unknown dependencies, pod rules and cycles there.
 */
import { invalidArg, PodgraphError } from '../errors.js';
import type { CheckedSpec } from './check-spec.js';
import type { CompiledGraph } from './compiled-graph.js';
import { cycleError, resolveDependencies, reverse } from './dependency-arrays.js';
import { findCycle } from './find-cycle.js';
import { CONTAINER_STATES, type ContainerSpec, type Labels, type PodSpec } from './spec.js';
import { fieldPath, itemPath } from './spec-path.js';

type PodIndex = Pick<CompiledGraph, 'podCount' | 'podIds' | 'podNames' | 'podLookup' | 'podLabels'>;
type ContainerIndex = Pick<
  CompiledGraph,
  'size' | 'ids' | 'names' | 'states' | 'podOf' | 'isInfra' | 'podInfra' | 'lookup' | 'labels' | 'created' | 'exitCodes'
>;
type Members = Pick<CompiledGraph, 'memberStart' | 'members'>;

const STATE_INDEX: ReadonlyMap<string, number> = new Map(CONTAINER_STATES.map((state, index) => [state, index]));
const CREATED = STATE_INDEX.get('created')!;

/** Indexes a checked spec; throws a PodgraphError and builds nothing when the graph breaks a rule of the model (unknown references, pods, infra containers, cycles). */
export function buildIndexArrays(spec: CheckedSpec): CompiledGraph {
  const pods = indexPods(spec.pods);
  const containers = indexContainers(spec.containers, pods);
  const { depStart, deps, implicitInfra } = resolveDependencies(spec.containers, { ...containers, podIds: pods.podIds });
  const { dependentStart, dependents } = reverse(depStart, deps);
  const cycle = findCycle(containers.size, depStart, deps, dependentStart, dependents);
  if (cycle !== undefined) throw cycleError(spec.containers, containers, cycle);
  const { memberStart, members } = groupMembers(containers.podOf, pods.podCount);
  return {
    size: containers.size,
    ids: containers.ids,
    names: containers.names,
    states: containers.states,
    podOf: containers.podOf,
    isInfra: containers.isInfra,
    depStart,
    deps,
    implicitInfra,
    dependentStart,
    dependents,
    lookup: containers.lookup,
    labels: containers.labels,
    created: containers.created,
    exitCodes: containers.exitCodes,
    podCount: pods.podCount,
    podIds: pods.podIds,
    podNames: pods.podNames,
    podInfra: containers.podInfra,
    memberStart,
    members,
    podLookup: pods.podLookup,
    podLabels: pods.podLabels,
  };
}

function indexPods(pods: readonly PodSpec[]): PodIndex {
  const podCount = pods.length;
  const podIds: string[] = new Array(podCount);
  const podNames: (string | undefined)[] = new Array(podCount);
  const podLookup = new Map<string, number>();
  const podLabels: (Labels | undefined)[] = new Array(podCount);
  for (let p = 0; p < podCount; p++) {
    const pod = pods[p];
    podIds[p] = pod.id;
    podNames[p] = pod.name;
    register(podLookup, 'pods', p, pod.id, pod.name);
    podLabels[p] = pod.labels === undefined ? undefined : copyLabels(pod.labels);
  }
  return { podCount, podIds, podNames, podLookup, podLabels };
}

function indexContainers(containers: readonly ContainerSpec[], pods: PodIndex): ContainerIndex {
  const size = containers.length;
  const ids: string[] = new Array(size);
  const names: (string | undefined)[] = new Array(size);
  const states = new Uint8Array(size);
  const podOf = new Int32Array(size).fill(-1);
  const isInfra = new Uint8Array(size);
  const podInfra = new Int32Array(pods.podCount).fill(-1);
  const lookup = new Map<string, number>();
  // Sparse: most graphs have no labels, times or exit codes, and a million undefined slots are not free.
  const labels: (Labels | undefined)[] = [];
  const created: (string | undefined)[] = [];
  const exitCodes: (number | undefined)[] = [];
  for (let i = 0; i < size; i++) {
    const ctr = containers[i];
    ids[i] = ctr.id;
    names[i] = ctr.name;
    register(lookup, 'containers', i, ctr.id, ctr.name);
    states[i] = ctr.state === undefined ? CREATED : STATE_INDEX.get(ctr.state)!;
    if (ctr.labels !== undefined) {
      const copy = copyLabels(ctr.labels);
      if (copy !== undefined) labels[i] = copy;
    }
    if (ctr.created !== undefined) created[i] = ctr.created;
    if (ctr.exitCode !== undefined) exitCodes[i] = ctr.exitCode;
    if (ctr.pod !== undefined) podOf[i] = podOfContainer(pods, ctr.id, ctr.pod, i);
    if (ctr.infra === true) {
      const pod = podOf[i];
      if (pod === -1)
        throw invalidArg(
          `container ${ctr.id} is marked infra but belongs to no pod (infra needs \`pod\`)`,
          fieldPath('containers', i, 'infra'),
        );
      if (podInfra[pod] !== -1) {
        throw invalidArg(
          `pod ${pods.podIds[pod]} has two infra containers: ${ids[podInfra[pod]]} and ${ctr.id}`,
          fieldPath('containers', i, 'infra'),
        );
      }
      podInfra[pod] = i;
      isInfra[i] = 1;
    }
  }
  return { size, ids, names, states, podOf, isInfra, podInfra, lookup, labels, created, exitCodes };
}

/**
 * Registers `id` and `name` of entry `index` in `lookup`, refusing duplicates. Ids and names share
 * one namespace so that a reference (`dependsOn`, a removal target) can never mean two things.
 */
function register(lookup: Map<string, number>, list: 'pods' | 'containers', index: number, id: string, name: string | undefined): void {
  const kind = list === 'pods' ? 'pod' : 'container';
  const taken = lookup.get(id);
  if (taken !== undefined) {
    const message = `duplicate ${kind} id ${JSON.stringify(id)} (${itemPath(list, taken)} and ${itemPath(list, index)})`;
    throw invalidArg(message, fieldPath(list, index, 'id'));
  }
  lookup.set(id, index);
  if (name === undefined || name === id) return;
  const owner = lookup.get(name);
  if (owner !== undefined) {
    const message = `duplicate ${kind} name ${JSON.stringify(name)} (${itemPath(list, owner)} and ${itemPath(list, index)})`;
    throw invalidArg(message, fieldPath(list, index, 'name'));
  }
  lookup.set(name, index);
}

/** A frozen copy; undefined for an empty object. */
function copyLabels(labels: Readonly<Record<string, string>>): Labels | undefined {
  const keys = Object.keys(labels);
  if (keys.length === 0) return undefined;
  // fromEntries, not assignment: a label named `__proto__` stays a label.
  return Object.freeze(Object.fromEntries(keys.map((key) => [key, labels[key]])));
}

function podOfContainer(pods: PodIndex, id: string, pod: string, i: number): number {
  const index = pods.podLookup.get(pod);
  if (index !== undefined) return index;
  throw new PodgraphError('NO_SUCH_POD', `container ${id} belongs to pod ${pod}, which is not in the input list: no such pod`, {
    path: fieldPath('containers', i, 'pod'),
  });
}

/** The CSR of each pod's members, in input order. */
function groupMembers(podOf: Int32Array, podCount: number): Members {
  const memberStart = new Int32Array(podCount + 1);
  for (let i = 0; i < podOf.length; i++) if (podOf[i] !== -1) memberStart[podOf[i] + 1]++;
  for (let p = 0; p < podCount; p++) memberStart[p + 1] += memberStart[p];
  const members = new Int32Array(memberStart[podCount]);
  const fill = memberStart.slice(0, podCount);
  for (let i = 0; i < podOf.length; i++) if (podOf[i] !== -1) members[fill[podOf[i]]++] = i;
  return { memberStart, members };
}
