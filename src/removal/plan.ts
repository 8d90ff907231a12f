import { PodgraphError } from '../errors.js';
import type { CompiledGraph } from '../graph/compiled-graph.js';
import type { Selection } from './selection.js';

/**
 * The removal as a DAG of runtime calls, in index arrays. Node i < graph.size is container i's
 * `removeContainer`; node graph.size + p is pod p's `removePod`, which also removes its infra
 * container, so a selected pod's infra container is not a node of its own ("absorbed").
 * An edge x -> y means y waits for x: y is a dependency of x, or the pod x is a member of.
 */
export interface RemovalPlan {
  readonly graph: CompiledGraph;
  readonly selection: Selection;
  /** Node indices taking part, in index order. */
  readonly nodes: Int32Array;
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  /** Predecessors not settled yet, per node: the node is ready at 0. */
  readonly pending: Int32Array;
  /** Calls on the longest chain from the node to the end, itself included: the scheduling priority. */
  readonly level: Int32Array;
  /** Nodes refused from the graph alone, without a runtime call (INFRA_CTR, CTR_EXISTS). */
  readonly refused: ReadonlyMap<number, PodgraphError>;
  /** Report entries: selected containers plus selected pods. */
  readonly entries: number;
}

function isAbsorbedInfra(graph: CompiledGraph, selection: Selection, index: number): boolean {
  return graph.isInfra[index] === 1 && selection.pods[graph.podOf[index]] === 1;
}

export function planRemoval(graph: CompiledGraph, selection: Selection): RemovalPlan {
  const n = graph.size;
  const total = n + graph.podCount;
  const isNode = new Uint8Array(total);
  let nodeCount = 0;
  let entries = 0;
  for (let i = 0; i < n; i++) {
    if (selection.containers[i] === 0) continue;
    entries++;
    if (!isAbsorbedInfra(graph, selection, i)) {
      isNode[i] = 1;
      nodeCount++;
    }
  }
  for (let p = 0; p < graph.podCount; p++) {
    if (selection.pods[p] === 0) continue;
    entries++;
    isNode[n + p] = 1;
    nodeCount++;
  }

  const nodes = new Int32Array(nodeCount);
  const succStart = new Int32Array(total + 1);
  let edgeCount = 0;
  for (let x = 0, next = 0; x < total; x++) {
    if (isNode[x] === 1) {
      nodes[next++] = x;
      if (x < n) edgeCount += successorsOf(graph, selection, isNode, x, undefined, 0);
    }
    succStart[x + 1] = edgeCount;
  }
  const succ = new Int32Array(edgeCount);
  const pending = new Int32Array(total);
  for (const x of nodes) {
    if (x >= n) continue;
    successorsOf(graph, selection, isNode, x, succ, succStart[x]);
    for (let k = succStart[x]; k < succStart[x + 1]; k++) pending[succ[k]]++;
  }

  return {
    graph,
    selection,
    nodes,
    succStart,
    succ,
    pending,
    level: levels(nodes, succStart, succ, pending, total),
    refused: refusals(graph, selection, nodes),
    entries,
  };
}

/** Writes container x's successors into `out` from `at` (or only counts them); returns the count. */
function successorsOf(
  graph: CompiledGraph,
  selection: Selection,
  isNode: Uint8Array,
  x: number,
  out: Int32Array | undefined,
  at: number,
): number {
  let count = 0;
  for (let k = graph.depStart[x]; k < graph.depStart[x + 1]; k++) {
    const dep = graph.deps[k];
    if (isNode[dep] === 1) {
      if (out !== undefined) out[at + count] = dep;
      count++;
    }
  }
  // An absorbed infra dependency is covered here: its pod waits for every non-infra member.
  const pod = graph.podOf[x];
  if (pod !== -1 && selection.pods[pod] === 1 && graph.isInfra[x] === 0) {
    if (out !== undefined) out[at + count] = graph.size + pod;
    count++;
  }
  return count;
}

/** Longest chain of calls from each node to the end, by Kahn's order walked backwards. */
function levels(nodes: Int32Array, succStart: Int32Array, succ: Int32Array, pending: Int32Array, total: number): Int32Array {
  const waiting = pending.slice();
  const order = new Int32Array(nodes.length);
  let tail = 0;
  for (const x of nodes) if (waiting[x] === 0) order[tail++] = x;
  for (let head = 0; head < tail; head++) {
    const x = order[head];
    for (let k = succStart[x]; k < succStart[x + 1]; k++) if (--waiting[succ[k]] === 0) order[tail++] = succ[k];
  }
  const level = new Int32Array(total);
  for (let j = tail - 1; j >= 0; j--) {
    const x = order[j];
    let longest = 0;
    for (let k = succStart[x]; k < succStart[x + 1]; k++) if (level[succ[k]] > longest) longest = level[succ[k]];
    level[x] = longest + 1;
  }
  return level;
}

/** INFRA_CTR for an infra container selected without its pod; CTR_EXISTS for one with unselected dependents. */
function refusals(graph: CompiledGraph, selection: Selection, nodes: Int32Array): Map<number, PodgraphError> {
  const refused = new Map<number, PodgraphError>();
  for (const x of nodes) {
    if (x >= graph.size) break;
    if (graph.isInfra[x] === 1) {
      refused.set(
        x,
        new PodgraphError(
          'INFRA_CTR',
          `container ${graph.ids[x]} is the infra container of pod ${graph.podIds[graph.podOf[x]]} and cannot be removed without removing the pod`,
        ),
      );
      continue;
    }
    let unselected: string[] | undefined;
    for (let k = graph.dependentStart[x]; k < graph.dependentStart[x + 1]; k++) {
      const dependent = graph.dependents[k];
      if (selection.containers[dependent] === 0) (unselected ??= []).push(graph.ids[dependent]);
    }
    if (unselected !== undefined) {
      refused.set(
        x,
        new PodgraphError(
          'CTR_EXISTS',
          `container ${graph.ids[x]} has dependent containers which must be removed before it: ${unselected.join(', ')}`,
        ),
      );
    }
  }
  return refused;
}
