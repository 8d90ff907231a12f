import { callNode, topologicalOrder } from '../removal-dag.ts';
import type { Strategy } from './strategy.ts';

/** One call at a time, in reverse topological order of the dependencies (dependents first). */
export const serial: Strategy = {
  name: 'serial',
  serial: true,
  async remove(dag, runtime) {
    for (const node of topologicalOrder(dag)) await callNode(dag, runtime, node);
  },
};
