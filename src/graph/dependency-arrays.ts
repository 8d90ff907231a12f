/**
 * The edges of a {@link CompiledGraph} in CSR form: each container's dependencies resolved to
 * indices (pod rules checked, duplicates dropped, the implicit infra edge added) and the reverse
 * lists of dependents. Refusals name the reference at fault: `containers[3].dependsOn[1]`.
 */
import { invalidArg, PodgraphError } from '../errors.js';
import type { CompiledGraph } from './compiled-graph.js';
import type { ContainerSpec } from './spec.js';
import { fieldPath } from './spec-path.js';

type Nodes = Pick<CompiledGraph, 'size' | 'ids' | 'lookup' | 'podOf' | 'podInfra' | 'podIds'>;
type Dependencies = Pick<CompiledGraph, 'depStart' | 'deps' | 'implicitInfra'>;
type Dependents = Pick<CompiledGraph, 'dependentStart' | 'dependents'>;

/** Resolves each `dependsOn` to indices, checks the pod rules, de-duplicates, adds the implicit infra edge. */
export function resolveDependencies(containers: readonly ContainerSpec[], nodes: Nodes): Dependencies {
  const { size, lookup, podOf, podInfra } = nodes;
  const depStart = new Int32Array(size + 1);
  // Grown as needed: counting the references first would be one more pass over a million objects.
  let deps: Int32Array = new Int32Array(2 * size);
  const implicitInfra = new Uint8Array(size);
  const seenBy = new Int32Array(size); // seenBy[j] === i + 1: j is already a dependency of i
  let edges = 0;
  for (let i = 0; i < size; i++) {
    const dependsOn = containers[i].dependsOn ?? NONE;
    const pod = podOf[i];
    // Room for every reference and the implicit infra edge.
    if (edges + dependsOn.length + 1 > deps.length) deps = grown(deps, edges + dependsOn.length + 1);
    for (let k = 0; k < dependsOn.length; k++) {
      const dep = lookup.get(dependsOn[k]);
      if (dep === undefined) throw unknownDependency(nodes, i, k, dependsOn[k]);
      if (podOf[dep] !== pod) throw podRuleError(nodes, i, k, dep);
      if (seenBy[dep] === i + 1) continue;
      seenBy[dep] = i + 1;
      deps[edges++] = dep;
    }
    // Members join the infra container's namespaces, so they depend on it (podman lists it too).
    const infra = pod === -1 ? -1 : podInfra[pod];
    if (infra !== -1 && infra !== i && seenBy[infra] !== i + 1) {
      deps[edges++] = infra;
      implicitInfra[i] = 1;
    }
    depStart[i + 1] = edges;
  }
  return { depStart, deps: edges < deps.length ? deps.slice(0, edges) : deps, implicitInfra };
}

const NONE: readonly string[] = [];

/** A copy of `list` with room for at least `needed` entries. */
function grown(list: Int32Array, needed: number): Int32Array {
  const bigger = new Int32Array(Math.max(needed, 2 * list.length));
  bigger.set(list);
  return bigger;
}

function dependencyPath(i: number, k: number): string {
  return `${fieldPath('containers', i, 'dependsOn')}[${k}]`;
}

function unknownDependency(nodes: Nodes, i: number, k: number, ref: string): PodgraphError {
  const message = `container ${nodes.ids[i]} depends on container ${ref} not found in input list: no such container`;
  return new PodgraphError('NO_SUCH_CTR', message, { path: dependencyPath(i, k) });
}

/** Container `i` and its dependency `dep` are not in the same pod (or both outside pods). */
function podRuleError(nodes: Nodes, i: number, k: number, dep: number): PodgraphError {
  const pod = nodes.podOf[i];
  if (pod === -1) {
    return invalidArg(
      `container ${nodes.ids[i]} depends on container ${nodes.ids[dep]} which is in a pod - containers not in pods cannot depend on containers in pods`,
      dependencyPath(i, k),
    );
  }
  return invalidArg(
    `container has joined pod ${nodes.podIds[pod]} and dependency container ${nodes.ids[dep]} is not a member of the pod`,
    dependencyPath(i, k),
  );
}

/** The CSR of the reversed edges: who depends on each container. */
export function reverse(depStart: Int32Array, deps: Int32Array): Dependents {
  const size = depStart.length - 1;
  const dependentStart = new Int32Array(size + 1);
  for (let k = 0; k < deps.length; k++) dependentStart[deps[k] + 1]++;
  for (let i = 0; i < size; i++) dependentStart[i + 1] += dependentStart[i];
  const dependents = new Int32Array(deps.length);
  const fill = dependentStart.slice(0, size);
  for (let i = 0; i < size; i++) {
    for (let k = depStart[i]; k < depStart[i + 1]; k++) dependents[fill[deps[k]]++] = i;
  }
  return { dependentStart, dependents };
}

/**
 * The path names the reference behind the cycle's first explicit step (usually cycle[0]'s
 * dependency on cycle[1]; a member's step to its infra container is implicit, the infra's next one is not).
 */
export function cycleError(containers: readonly ContainerSpec[], nodes: Pick<Nodes, 'ids' | 'lookup'>, cycle: number[]): PodgraphError {
  const message = `cycle found in container dependency graph: ${cycle.map((i) => nodes.ids[i]).join(' -> ')}`;
  for (let step = 0; step + 1 < cycle.length; step++) {
    const k = (containers[cycle[step]].dependsOn ?? []).findIndex((ref) => nodes.lookup.get(ref) === cycle[step + 1]);
    if (k !== -1) return new PodgraphError('CYCLE', message, { path: dependencyPath(cycle[step], k) });
  }
  return new PodgraphError('CYCLE', message);
}
