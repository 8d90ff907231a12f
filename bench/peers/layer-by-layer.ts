import pLimit from 'p-limit';
import { callNode } from '../removal-dag.ts';
import type { Strategy } from './strategy.ts';

/**
 * The hand-written loop: start every ready item (through p-limit, so the bound holds), wait for
 * the whole layer with Promise.all, then compute the next layer.
 */
export const layerByLayer: Strategy = {
  name: 'layer by layer',
  async remove(dag, runtime, concurrency) {
    const limit = pLimit(concurrency);
    const pending = dag.indegree.slice();
    let layer = dag.nodes.filter((node) => pending[node] === 0);
    while (layer.length > 0) {
      await Promise.all(Array.from(layer, (node) => limit(() => callNode(dag, runtime, node))));
      const next: number[] = [];
      for (const node of layer) {
        for (let k = dag.succStart[node]; k < dag.succStart[node + 1]; k++) if (--pending[dag.succ[k]] === 0) next.push(dag.succ[k]);
      }
      layer = Int32Array.from(next);
    }
  },
};
