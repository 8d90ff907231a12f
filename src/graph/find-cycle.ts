import { topologicalOrder } from './topological-order.js';

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
  // Kahn's order from dependencies to dependents leaves out exactly the nodes on a cycle or behind one.
  const order = topologicalOrder({ start: dependentStart, targets: dependents });
  if (order.length === size) return undefined;
  const ordered = new Uint8Array(size);
  for (const node of order) ordered[node] = 1;

  // Every node left has a dependency that is left too: follow those until one repeats.
  let node = ordered.indexOf(0);
  const position = new Int32Array(size).fill(-1);
  const path: number[] = [];
  while (position[node] === -1) {
    position[node] = path.length;
    path.push(node);
    let next = -1;
    for (let k = depStart[node]; k < depStart[node + 1] && next === -1; k++) {
      if (ordered[deps[k]] === 0) next = deps[k];
    }
    node = next;
  }
  const cycle = path.slice(position[node]);
  cycle.push(node);
  return cycle;
}
