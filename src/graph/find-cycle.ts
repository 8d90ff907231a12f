/**
 * Cycle search over a graph in CSR form (`start[i]..start[i+1]` index `targets`), without recursion,
 * so that a chain of a million nodes cannot overflow the stack (graphlib's `findCycles` can).
 *
 * Returns one cycle as node indices, first node repeated at the end (`[a, b, a]`), or undefined.
 */
export function findCycle(
  size: number,
  depStart: Int32Array,
  deps: Int32Array,
  dependentStart: Int32Array,
  dependents: Int32Array,
): number[] | undefined {
  // Peel nodes whose dependencies are all peeled (Kahn). What is left is on a cycle or leads to one.
  const remaining = new Int32Array(size);
  const queue = new Int32Array(size);
  let tail = 0;
  for (let i = 0; i < size; i++) {
    remaining[i] = depStart[i + 1] - depStart[i];
    if (remaining[i] === 0) queue[tail++] = i;
  }
  for (let head = 0; head < tail; head++) {
    const node = queue[head];
    for (let k = dependentStart[node]; k < dependentStart[node + 1]; k++) {
      const dependent = dependents[k];
      if (--remaining[dependent] === 0) queue[tail++] = dependent;
    }
  }
  if (tail === size) return undefined;

  // Every node left has a dependency that is left too: follow those until one repeats.
  let node = remaining.findIndex((count) => count > 0);
  const position = new Int32Array(size).fill(-1);
  const path: number[] = [];
  while (position[node] === -1) {
    position[node] = path.length;
    path.push(node);
    let next = -1;
    for (let k = depStart[node]; k < depStart[node + 1] && next === -1; k++) {
      if (remaining[deps[k]] > 0) next = deps[k];
    }
    node = next;
  }
  const cycle = path.slice(position[node]);
  cycle.push(node);
  return cycle;
}
