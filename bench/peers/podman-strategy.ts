import { kahnWalk } from '../kahn-walk.ts';
import { callNode } from '../removal-dag.ts';
import type { Strategy } from './strategy.ts';

/**
 * `podman pod rm -fa && podman rm -fa`: pods one after another, the containers of one pod in
 * parallel in dependency order (a work-conserving walk, ready items first come first served),
 * then the pod; then the containers outside pods, walked the same way.
 */
export const podmanStrategy: Strategy = {
  name: "podman's strategy",
  async remove(dag, runtime, concurrency) {
    const pending = dag.indegree.slice();
    const groups = new Map<number, number[]>(); // pod node (or -1: outside pods) -> its nodes
    for (const node of dag.nodes) {
      const group = dag.isPod[node] === 1 ? node : dag.podNode[node];
      let nodes = groups.get(group);
      if (nodes === undefined) groups.set(group, (nodes = []));
      nodes.push(node);
    }
    const call = (node: number) => callNode(dag, runtime, node);
    const order = [...groups.keys()].sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : a - b));
    for (const group of order) {
      const nodes = groups.get(group)!;
      await kahnWalk(
        dag,
        nodes.filter((node) => pending[node] === 0),
        nodes.length,
        pending,
        concurrency,
        call,
      );
    }
  },
};
