import { checkSpec } from './check-spec.js';
import type { CompiledGraph } from './compiled-graph.js';
import { buildIndexArrays } from './index-arrays.js';
import type { GraphSpec } from './spec.js';

/** Checks the shape of `spec`, then indexes it. Throws a PodgraphError and builds nothing on bad input. */
export function compileGraph(spec: GraphSpec): CompiledGraph {
  return buildIndexArrays(checkSpec(spec));
}
