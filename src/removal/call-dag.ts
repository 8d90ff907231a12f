import type { PodgraphError } from '../errors.js';
import { type CompiledGraph, stateOf } from '../graph/compiled-graph.js';
import { isActiveState } from '../graph/spec.js';
import { type Csr, heightsOf, topologicalOrder } from '../graph/topological-order.js';
import { hasDependents, infraContainer, stateInvalid } from '../sentences.js';
import { block, blockedOutcome, infraOutcome } from './outcomes.js';
import type { Selection } from './selection.js';

/**
 * A removal compiled to a DAG of runtime calls over index arrays: the plan that removeGraph runs
 * and that planRemoval shows. Node i < graph.size is container i's `removeContainer`; node
 * graph.size + p is pod p's `removePod`, which also removes its infra container, so a selected
 * pod's infra container is no node of its own. An edge x -> y means y waits for x: y is a
 * dependency of x, or the pod x is a member of.
 */
export interface CallDag {
  readonly graph: CompiledGraph;
  readonly selection: Selection;
  readonly force: boolean;
  readonly csr: Csr;
  /** The call nodes (every selected item not refused), in a topological order. */
  readonly order: Int32Array;
  /** 1 for a call node. */
  readonly isCall: Uint8Array;
  /** Call nodes each call node waits for: the node is ready when this falls to 0. */
  readonly pending: Int32Array;
  /** Calls on the longest chain from the node to the end, itself included: the scheduling priority. */
  readonly level: Int32Array;
  /**
   * Selected items decided from the graph alone, without a runtime call: INFRA_CTR, CTR_EXISTS,
   * and what they block (DEPENDENCY_FAILED, REMOVING_CTRS, the infra container of such a pod).
   * Keyed by node; an absorbed infra container by its container index.
   */
  readonly refused: ReadonlyMap<number, PodgraphError>;
  /** Report entries: selected containers plus selected pods. */
  readonly entries: number;
}

/** The pod node's infra container when the pod's removal takes it along, else -1. */
export function absorbedInfra(graph: CompiledGraph, node: number): number {
  return node < graph.size ? -1 : graph.podInfra[node - graph.size];
}

/** What the call is expected to answer if the runtime's world is the graph's (podman's rules). */
export function expectedAnswer(dag: CallDag, node: number): PodgraphError | null {
  const { graph } = dag;
  if (node >= graph.size || dag.force) return null;
  const state = stateOf(graph, node);
  return isActiveState(state) ? stateInvalid(graph.ids[node], state) : null;
}

export function compileCalls(graph: CompiledGraph, selection: Selection, force: boolean): CallDag {
  const n = graph.size;
  const total = n + graph.podCount;
  const isNode = new Uint8Array(total);
  let entries = 0;
  for (let i = 0; i < n; i++) {
    if (selection.containers[i] === 0) continue;
    entries++;
    if (graph.isInfra[i] === 0 || selection.pods[graph.podOf[i]] === 0) isNode[i] = 1;
  }
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) if (isNode[i] === 1) nodes.push(i);
  for (let p = 0; p < graph.podCount; p++) {
    if (selection.pods[p] === 0) continue;
    entries++;
    isNode[n + p] = 1;
    nodes.push(n + p);
  }
  const csr = successors(graph, selection, isNode, total);

  // Refusals from the graph alone block what waits on them, as a failed call would.
  const refused = new Map<number, PodgraphError>();
  for (const x of nodes) {
    const refusal = x < n ? ruleRefusal(graph, selection, x) : undefined;
    if (refusal !== undefined) refused.set(x, refusal);
  }
  const topological = topologicalOrder(csr, nodes);
  const isCall = new Uint8Array(total);
  const order = new Int32Array(topological.length);
  let calls = 0;
  const blocker: (PodgraphError | undefined)[] = [];
  for (const x of topological) {
    let outcome = refused.get(x);
    const before = blocker[x];
    if (outcome === undefined && before !== undefined) {
      outcome = blockedOutcome(graph, x, before);
      refused.set(x, outcome);
      const infra = absorbedInfra(graph, x);
      if (infra !== -1) refused.set(infra, infraOutcome(graph, infra, x - n, outcome, before)!);
    }
    if (outcome === undefined) {
      isCall[x] = 1;
      order[calls++] = x;
      continue;
    }
    for (let e = csr.start[x]; e < csr.start[x + 1]; e++) block(blocker, csr.targets[e], outcome);
  }
  const callOrder = calls === order.length ? order : order.slice(0, calls);
  const pending = new Int32Array(total);
  for (const x of callOrder) {
    for (let e = csr.start[x]; e < csr.start[x + 1]; e++) if (isCall[csr.targets[e]] === 1) pending[csr.targets[e]]++;
  }
  return { graph, selection, force, csr, order: callOrder, isCall, pending, level: heightsOf(csr, callOrder), refused, entries };
}

/** INFRA_CTR for an infra container selected without its pod; CTR_EXISTS for a container with unselected dependents. */
function ruleRefusal(graph: CompiledGraph, selection: Selection, x: number): PodgraphError | undefined {
  if (graph.isInfra[x] === 1) return infraContainer(graph.ids[x], graph.podIds[graph.podOf[x]]);
  let unselected: string[] | undefined;
  for (let k = graph.dependentStart[x]; k < graph.dependentStart[x + 1]; k++) {
    const dependent = graph.dependents[k];
    if (selection.containers[dependent] === 0) (unselected ??= []).push(graph.ids[dependent]);
  }
  return unselected === undefined ? undefined : hasDependents(graph.ids[x], unselected);
}

/** The edges between nodes: a container to each dependency that is a node, a pod member to its selected pod. */
function successors(graph: CompiledGraph, selection: Selection, isNode: Uint8Array, total: number): Csr {
  const n = graph.size;
  const start = new Int32Array(total + 1);
  const podNodeOf = (x: number) => {
    const pod = graph.podOf[x];
    return pod !== -1 && selection.pods[pod] === 1 && graph.isInfra[x] === 0 ? n + pod : -1;
  };
  for (let x = 0; x < n; x++) {
    let count = 0;
    if (isNode[x] === 1) {
      for (let k = graph.depStart[x]; k < graph.depStart[x + 1]; k++) count += isNode[graph.deps[k]];
      // An absorbed infra dependency is covered here: its pod waits for every non-infra member.
      if (podNodeOf(x) !== -1) count++;
    }
    start[x + 1] = start[x] + count;
  }
  for (let x = n; x < total; x++) start[x + 1] = start[x];
  const targets = new Int32Array(start[total]);
  for (let x = 0; x < n; x++) {
    if (isNode[x] === 0) continue;
    let at = start[x];
    for (let k = graph.depStart[x]; k < graph.depStart[x + 1]; k++) if (isNode[graph.deps[k]] === 1) targets[at++] = graph.deps[k];
    const pod = podNodeOf(x);
    if (pod !== -1) targets[at++] = pod;
  }
  return { start, targets };
}
