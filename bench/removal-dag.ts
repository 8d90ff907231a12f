/**
 * The removal of a whole graph (all, force) as a DAG of runtime calls, derived from the spec on
 * its own, without podgraph's engine, so that the peers, the floor and the lower bound do not
 * lean on the code they are compared with. Node i < containers is the `removeContainer` of
 * spec.containers[i]; node containers + p is the `removePod` of spec.pods[p]. A pod's infra
 * container is no node: `removePod` removes it (as podgraph's plan and podman do). An edge
 * x -> y means y waits for x: y is a dependency of x, or x's pod.
 */
import type { GraphSpec, Runtime } from 'podgraph';

export interface RemovalDag {
  /** Node slots: containers, then pods (absorbed infra slots are unused). */
  readonly slots: number;
  /** The nodes taking part, in slot order. */
  readonly nodes: Int32Array;
  readonly isPod: Uint8Array;
  /** Per container node, the node of its pod's removePod; -1 outside pods (and for pod nodes). */
  readonly podNode: Int32Array;
  readonly ids: readonly string[];
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  /** Predecessors per node. */
  readonly indegree: Int32Array;
}

export function removalDag(spec: GraphSpec): RemovalDag {
  const containers = spec.containers ?? [];
  const pods = spec.pods ?? [];
  const n = containers.length;
  const slots = n + pods.length;
  const podIndex = new Map<string, number>();
  pods.forEach((pod, p) => {
    podIndex.set(pod.id, p);
    if (pod.name !== undefined) podIndex.set(pod.name, p);
  });
  const index = new Map<string, number>();
  containers.forEach((ctr, i) => {
    index.set(ctr.id, i);
    if (ctr.name !== undefined) index.set(ctr.name, i);
  });

  const podOf = new Int32Array(n).fill(-1);
  const absorbed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const pod = containers[i].pod;
    if (pod === undefined) continue;
    podOf[i] = podIndex.get(pod)!;
    if (containers[i].infra === true) absorbed[i] = 1;
  }

  const ids: string[] = new Array(slots);
  const isPod = new Uint8Array(slots);
  const podNode = new Int32Array(slots).fill(-1);
  const nodeList: number[] = [];
  for (let i = 0; i < n; i++) {
    ids[i] = containers[i].id;
    if (podOf[i] !== -1) podNode[i] = n + podOf[i];
    if (absorbed[i] === 0) nodeList.push(i);
  }
  for (let p = 0; p < pods.length; p++) {
    ids[n + p] = pods[p].id;
    isPod[n + p] = 1;
    nodeList.push(n + p);
  }

  // Successors: each non-absorbed dependency, and the pod for a member; an absorbed infra dependency is the pod edge.
  const succStart = new Int32Array(slots + 1);
  const out: number[] = [];
  const seenBy = new Int32Array(slots);
  for (let x = 0; x < slots; x++) {
    if (x < n && absorbed[x] === 0) {
      const add = (y: number) => {
        if (seenBy[y] === x + 1) return;
        seenBy[y] = x + 1;
        out.push(y);
      };
      for (const ref of containers[x].dependsOn ?? []) {
        const dep = index.get(ref);
        if (dep === undefined) throw new Error(`bench: ${ids[x]} depends on unknown ${ref}`);
        add(absorbed[dep] === 1 ? n + podOf[dep] : dep);
      }
      if (podOf[x] !== -1) add(n + podOf[x]);
    }
    succStart[x + 1] = out.length;
  }
  const succ = Int32Array.from(out);
  const indegree = new Int32Array(slots);
  for (const y of succ) indegree[y]++;
  return { slots, nodes: Int32Array.from(nodeList), isPod, podNode, ids, succStart, succ, indegree };
}

/** Nodes in an order where every node comes after all its predecessors (Kahn, FIFO). */
export function topologicalOrder(dag: RemovalDag): Int32Array {
  const pending = dag.indegree.slice();
  const order = new Int32Array(dag.nodes.length);
  let tail = 0;
  for (const x of dag.nodes) if (pending[x] === 0) order[tail++] = x;
  for (let head = 0; head < tail; head++) {
    const x = order[head];
    for (let k = dag.succStart[x]; k < dag.succStart[x + 1]; k++) if (--pending[dag.succ[k]] === 0) order[tail++] = dag.succ[k];
  }
  if (tail !== dag.nodes.length) throw new Error('bench: the removal DAG has a cycle');
  return order;
}

/** Calls on the longest chain of the DAG (iterative: no recursion on depth). */
export function longestChain(dag: RemovalDag): number {
  const order = topologicalOrder(dag);
  const depth = new Int32Array(dag.slots);
  let longest = 0;
  for (const x of order) {
    depth[x] = Math.max(depth[x], 1);
    longest = Math.max(longest, depth[x]);
    for (let k = dag.succStart[x]; k < dag.succStart[x + 1]; k++) depth[dag.succ[k]] = Math.max(depth[dag.succ[k]], depth[x] + 1);
  }
  return longest;
}

/** The runtime call of one node, as podgraph makes it for `all, force`. */
export function callNode(dag: RemovalDag, runtime: Runtime, node: number): Promise<void> {
  return dag.isPod[node] === 1
    ? runtime.removePod(dag.ids[node], { force: true })
    : runtime.removeContainer(dag.ids[node], { force: true });
}
