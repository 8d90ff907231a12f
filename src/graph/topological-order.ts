/**
 * The one topological walk of podgraph (Kahn's algorithm over typed arrays, no recursion): the
 * validator's cycle search, the removal plan's priorities and waves, and the drawing's depth are
 * all derived from it, so they cannot disagree about what comes first.
 */

/** A directed graph in CSR form: the edges out of node x go to `targets[start[x]] .. targets[start[x + 1] - 1]`. */
export interface Csr {
  readonly start: Int32Array;
  readonly targets: Int32Array;
}

/**
 * `nodes` (default: every node 0..start.length-2) in an order where each node comes after every
 * node with an edge to it; edges to nodes outside `nodes` are not followed. A node on a cycle, or
 * reachable from one, is left out, so a result shorter than `nodes` means the graph has a cycle.
 */
export function topologicalOrder(csr: Csr, nodes?: ArrayLike<number>): Int32Array {
  const { start, targets } = csr;
  const size = start.length - 1;
  const count = nodes === undefined ? size : nodes.length;
  const member = nodes === undefined ? undefined : new Uint8Array(size);
  if (member !== undefined) for (let k = 0; k < count; k++) member[nodes![k]] = 1;
  const nodeAt = (k: number) => (nodes === undefined ? k : nodes[k]);

  const waiting = new Int32Array(size);
  for (let k = 0; k < count; k++) {
    const x = nodeAt(k);
    for (let e = start[x]; e < start[x + 1]; e++) if (member === undefined || member[targets[e]] === 1) waiting[targets[e]]++;
  }
  const order = new Int32Array(count);
  let tail = 0;
  for (let k = 0; k < count; k++) if (waiting[nodeAt(k)] === 0) order[tail++] = nodeAt(k);
  for (let head = 0; head < tail; head++) {
    const x = order[head];
    for (let e = start[x]; e < start[x + 1]; e++) {
      const y = targets[e];
      if ((member === undefined || member[y] === 1) && --waiting[y] === 0) order[tail++] = y;
    }
  }
  return tail === count ? order : order.slice(0, tail);
}

/** Per node of `order`: 1 when no edge reaches it, else one more than the deepest node with an edge to it (0 off `order`). */
export function depthsOf(csr: Csr, order: Int32Array): Int32Array {
  const { start, targets } = csr;
  const depth = new Int32Array(start.length - 1);
  for (const x of order) {
    if (depth[x] === 0) depth[x] = 1;
    for (let e = start[x]; e < start[x + 1]; e++) if (depth[targets[e]] <= depth[x]) depth[targets[e]] = depth[x] + 1;
  }
  return depth;
}

/** Per node of `order`: the nodes on the longest path from it to the end, itself included (0 off `order`). */
export function heightsOf(csr: Csr, order: Int32Array): Int32Array {
  const { start, targets } = csr;
  const height = new Int32Array(start.length - 1);
  for (let k = order.length - 1; k >= 0; k--) {
    const x = order[k];
    let highest = 0;
    for (let e = start[x]; e < start[x + 1]; e++) if (height[targets[e]] > highest) highest = height[targets[e]];
    height[x] = highest + 1;
  }
  return height;
}
