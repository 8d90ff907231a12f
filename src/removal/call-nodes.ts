import type { PodgraphError } from '../errors.js';
import { type CompiledGraph, podMembersDependentsFirst, stateOf } from '../graph/compiled-graph.js';
import { type ItemKind, isActiveState } from '../graph/spec.js';
import type { Csr } from '../graph/topological-order.js';
import { stateInvalid } from '../messages.js';
import type { Selection } from './selection.js';

/**
 * A removal compiled to a DAG of runtime calls over index arrays: the plan that removeGraph runs
 * and that planRemoval shows. Nodes, by number:
 * - `i < graph.size`: container i's `removeContainer`;
 * - `graph.size + p`: pod p's `removePod`, which also removes its infra container (a selected
 *   pod's infra container is no node of its own) and, for a whole-pod call, every other member;
 * - `graph.size + graph.podCount + u`: the u-th target the graph does not list, asked of the
 *   runtime (`removeUnlistedContainer`: resolved by the runtime at run time).
 * An edge x -> y means y waits for x: y is a dependency of x, or the pod x is a member of, or (for
 * targets that must all be known first) a call of the graph after an unlisted target.
 */
export interface CallDag {
  readonly graph: CompiledGraph;
  readonly selection: Selection;
  readonly force: boolean;
  readonly csr: Csr;
  /** The call nodes (every selected item not refused), in a topological order. */
  readonly order: Int32Array;
  /** 1 for a call node. */
  readonly isCall: Uint8Array;
  /** Call nodes each call node waits for: the node is ready when this falls to 0. */
  readonly pending: Int32Array;
  /** Calls on the longest chain from the node to the end, itself included: the scheduling priority. */
  readonly height: Int32Array;
  /** 1 for a pod removed by one whole-pod call, which takes its members along. */
  readonly wholePod: Uint8Array;
  /** By pod: the containers its call takes along, in the order they go (see {@link takenAlong}). */
  readonly along: readonly (readonly number[])[];
  /**
   * Selected items decided from the graph alone, without a runtime call: INFRA_CTR, CTR_EXISTS,
   * and what they block (DEPENDENCY_FAILED, REMOVING_CTRS, the infra container of such a pod).
   * Keyed by node; an item a pod's call takes along by its container index.
   */
  readonly refused: ReadonlyMap<number, PodgraphError>;
  /** Items of the removal: selected containers, selected pods and unlisted targets. */
  readonly items: number;
}

/** What a node's call is on: its kind and its id (an unlisted target as given). */
export function kindOf(dag: CallDag, node: number): ItemKind {
  const { graph } = dag;
  return node < graph.size || node >= graph.size + graph.podCount ? 'container' : 'pod';
}

export function idOf(dag: CallDag, node: number): string {
  const { graph } = dag;
  if (node < graph.size) return graph.ids[node];
  const pod = node - graph.size;
  return pod < graph.podCount ? graph.podIds[pod] : dag.selection.unlisted[pod - graph.podCount];
}

/** The item's name, when it has one (unlisted targets are named as given). */
export function nameOf(dag: CallDag, node: number): string | undefined {
  const { graph } = dag;
  if (node < graph.size) return graph.names[node];
  const pod = node - graph.size;
  return pod < graph.podCount ? graph.podNames[pod] : undefined;
}

/** Whether the node is a target the graph does not list. */
export function isUnlisted(dag: CallDag, node: number): boolean {
  return node >= dag.graph.size + dag.graph.podCount;
}

/**
 * The containers a pod node's call takes along, in the order they go (its members dependents
 * first, then its infra container): the infra container only, or every member of a whole-pod call.
 * Empty for a container node.
 */
export function takenAlong(dag: Pick<CallDag, 'graph' | 'along'>, node: number): readonly number[] {
  const { graph } = dag;
  const pod = node - graph.size;
  return node < graph.size || pod >= graph.podCount ? NOTHING : dag.along[pod];
}

const NOTHING: readonly number[] = Object.freeze([]);

/** {@link CallDag.along}, computed once when the removal is compiled. */
export function alongOf(graph: CompiledGraph, wholePod: Uint8Array): (readonly number[])[] {
  return Array.from({ length: graph.podCount }, (_, pod) => {
    const along = wholePod[pod] === 1 ? podMembersDependentsFirst(graph, pod) : [];
    if (graph.podInfra[pod] !== -1) along.push(graph.podInfra[pod]);
    return along.length === 0 ? NOTHING : along;
  });
}

/** What the call is expected to answer if the runtime's world is the graph's (podman's rules). */
export function expectedAnswer(dag: CallDag, node: number): PodgraphError | null {
  const { graph } = dag;
  if (node >= graph.size || dag.force) return null;
  const state = stateOf(graph, node);
  return isActiveState(state) ? stateInvalid(graph.ids[node], state) : null;
}
