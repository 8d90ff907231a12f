import { PGraph, type PGraphNode } from 'p-graph';
import { callNode, type RemovalDag } from '../removal-dag.ts';
import type { Strategy } from './strategy.ts';

/** The p-graph task graph of a removal: one task per call, keyed by container id or `pod/<id>`; an edge [a, b]: a before b. */
export function pGraphOf(dag: RemovalDag, priority?: number): { graph: PGraph; nodeOf: Map<string, number> } {
  const keys: string[] = new Array(dag.slots);
  const nodeMap = new Map<string, PGraphNode>();
  const nodeOf = new Map<string, number>();
  for (const node of dag.nodes) {
    const key = dag.isPod[node] === 1 ? `pod/${dag.ids[node]}` : dag.ids[node];
    keys[node] = key;
    nodeMap.set(key, priority === undefined ? {} : { priority });
    nodeOf.set(key, node);
  }
  const dependencies: [string, string][] = [];
  for (const node of dag.nodes) {
    for (let k = dag.succStart[node]; k < dag.succStart[node + 1]; k++) dependencies.push([keys[node], keys[dag.succ[k]]]);
  }
  return { graph: new PGraph(nodeMap, dependencies), nodeOf };
}

/** p-graph 2.0.0 as documented: the removal's edges reversed (dependents first), the same concurrency. */
export function pGraphStrategy(name: string, priority?: number): Strategy {
  return {
    name,
    async remove(dag, runtime, concurrency) {
      const { graph, nodeOf } = pGraphOf(dag, priority);
      await graph.run({ concurrency, run: (key) => callNode(dag, runtime, nodeOf.get(key)!) });
    },
  };
}

/** p-graph with every priority 0 (its default): ready tasks in no particular order. */
export const pGraph = pGraphStrategy('p-graph');
/** p-graph with priority 1 per task, so its cumulative priority is the longest chain ahead: critical path first, as podgraph. */
export const pGraphCriticalPath = pGraphStrategy('p-graph, priority 1 each', 1);
