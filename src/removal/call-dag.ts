import type { PodgraphError } from '../errors.js';
import { type CompiledGraph, stateOf } from '../graph/compiled-graph.js';
import { isActiveState } from '../graph/spec.js';
import { type Csr, heightsOf } from '../graph/topological-order.js';
import { hasDependents, infraContainer } from '../messages.js';
import type { Runtime } from '../runtime/runtime.js';
import { alongOf, type CallDag } from './call-nodes.js';
import { OutcomeWalk } from './outcome-walk.js';
import type { Selection } from './selection.js';

interface CompileOptions {
  force: boolean;
  /** Seconds a running container gets to stop; undefined: its own. */
  timeout?: number | undefined;
  /** The containers' anonymous volumes go too. */
  volumes?: boolean;
  /** Unknown targets are skipped: the graph's calls need not wait to learn whether the runtime knows them. */
  ignore: boolean;
  /** The runtime, asked which pods to remove with one call each (`removesWholePod`). */
  runtime?: Runtime | Required<Pick<Runtime, 'removesWholePod'>> | undefined;
}

export function compileCalls(graph: CompiledGraph, selection: Selection, options: CompileOptions): CallDag {
  const n = graph.size;
  const unlistedStart = n + graph.podCount;
  const total = unlistedStart + selection.unlisted.length;
  const wholePod = wholePods(graph, selection, options);
  const isNode = new Uint8Array(total);
  let items = selection.unlisted.length;
  for (let i = 0; i < n; i++) {
    if (selection.containers[i] === 0) continue;
    items++;
    const pod = graph.podOf[i];
    const absorbed = pod !== -1 && selection.pods[pod] === 1 && (graph.isInfra[i] === 1 || wholePod[pod] === 1);
    if (!absorbed) isNode[i] = 1;
  }
  for (let p = 0; p < graph.podCount; p++) {
    if (selection.pods[p] === 0) continue;
    items++;
    isNode[n + p] = 1;
  }
  isNode.fill(1, unlistedStart);
  const csr = successors(graph, selection, isNode, options.ignore);

  // The walk with every call answering "removed": what the graph's refusals block is all it settles.
  const pending = new Int32Array(total);
  for (let x = 0; x < total; x++) {
    if (isNode[x] === 0) continue;
    for (let e = csr.start[x]; e < csr.start[x + 1]; e++) pending[csr.targets[e]]++;
  }
  const dag = {
    graph,
    selection,
    force: options.force,
    csr,
    wholePod,
    along: alongOf(graph, wholePod),
    isCall: new Uint8Array(total),
    refused: new Map<number, PodgraphError>(),
    items,
  };
  const refusals = new Map<number, PodgraphError>();
  for (let x = 0; x < n; x++) {
    const refusal = isNode[x] === 1 ? ruleRefusal(graph, selection, x) : undefined;
    if (refusal !== undefined) refusals.set(x, refusal);
  }
  const order: number[] = [];
  const walk = new OutcomeWalk(
    dag,
    pending,
    isNode,
    {
      ready: (node) => order.push(node),
      settled: (item, outcome) => {
        if (outcome !== null) dag.refused.set(item, outcome);
      },
    },
    undefined,
    // An item's own refusal wins over what blocks it: it is decided from the graph alone.
    (node) => refusals.get(node),
  );
  for (let x = 0; x < total; x++) if (isNode[x] === 1 && pending[x] === 0) order.push(x);
  const calls: number[] = [];
  for (let head = 0; head < order.length; head++) {
    const x = order[head];
    const refusal = refusals.get(x);
    if (refusal === undefined) {
      dag.isCall[x] = 1;
      calls.push(x);
    }
    walk.settle(x, refusal ?? null);
  }
  const callOrder = Int32Array.from(calls);
  const callPending = new Int32Array(total);
  for (const x of callOrder) {
    for (let e = csr.start[x]; e < csr.start[x + 1]; e++) if (dag.isCall[csr.targets[e]] === 1) callPending[csr.targets[e]]++;
  }
  return { ...dag, order: callOrder, pending: callPending, height: heightsOf(csr, callOrder) };
}

/**
 * The pods to remove with one call each: selected, every container able to go (the removal is
 * forced, or no member but the infra container is running: podman stops that one itself), and
 * the runtime says so for this pod.
 */
function wholePods(graph: CompiledGraph, selection: Selection, options: CompileOptions): Uint8Array {
  const whole = new Uint8Array(graph.podCount);
  const ask = options.runtime?.removesWholePod;
  if (typeof ask !== 'function') return whole;
  for (let p = 0; p < graph.podCount; p++) {
    if (selection.pods[p] === 0) continue;
    const members: string[] = [];
    let active = 0;
    for (let k = graph.memberStart[p]; k < graph.memberStart[p + 1]; k++) {
      const m = graph.members[k];
      if (graph.isInfra[m] === 1) continue;
      members.push(graph.ids[m]);
      if (isActiveState(stateOf(graph, m))) active++;
    }
    if (members.length === 0 || (active > 0 && !options.force)) continue;
    const pod = { id: graph.podIds[p], members, active, timeout: options.timeout, volumes: options.volumes === true };
    if (ask.call(options.runtime, pod) === true) whole[p] = 1;
  }
  return whole;
}

/** INFRA_CTR for an infra container selected without its pod; CTR_EXISTS for a container with unselected dependents. */
function ruleRefusal(graph: CompiledGraph, selection: Selection, x: number): PodgraphError | undefined {
  if (graph.isInfra[x] === 1) return infraContainer(graph.ids[x], graph.podIds[graph.podOf[x]]);
  let unselected: string[] | undefined;
  for (let k = graph.dependentStart[x]; k < graph.dependentStart[x + 1]; k++) {
    const dependent = graph.dependents[k];
    if (selection.containers[dependent] === 0) (unselected ??= []).push(graph.ids[dependent]);
  }
  return unselected === undefined ? undefined : hasDependents(graph.ids[x], unselected);
}

/**
 * The edges between nodes: a container to each dependency that is a node, a pod member to its
 * selected pod; and, unless unknown targets are ignored, each unlisted target to every graph node
 * that waits for nothing else, so that an unknown one refuses the call before the graph is touched.
 */
function successors(graph: CompiledGraph, selection: Selection, isNode: Uint8Array, ignore: boolean): Csr {
  const n = graph.size;
  const unlistedStart = n + graph.podCount;
  const total = isNode.length;
  const podNodeOf = (x: number) => {
    const pod = graph.podOf[x];
    return pod !== -1 && selection.pods[pod] === 1 && graph.isInfra[x] === 0 ? n + pod : -1;
  };
  // Two passes over typed arrays (count, then fill): graphs of a million containers compile here.
  const start = new Int32Array(total + 1);
  const hasPredecessor = new Uint8Array(unlistedStart);
  for (let x = 0; x < n; x++) {
    let count = 0;
    if (isNode[x] === 1) {
      for (let k = graph.depStart[x]; k < graph.depStart[x + 1]; k++) {
        const dep = graph.deps[k];
        if (isNode[dep] === 0) continue;
        count++;
        hasPredecessor[dep] = 1;
      }
      // An absorbed infra dependency is covered here: its pod waits for every non-infra member.
      const pod = podNodeOf(x);
      if (pod !== -1) {
        count++;
        hasPredecessor[pod] = 1;
      }
    }
    start[x + 1] = start[x] + count;
  }
  for (let x = n; x < unlistedStart; x++) start[x + 1] = start[x];
  let roots = 0;
  if (!ignore && total > unlistedStart) for (let x = 0; x < unlistedStart; x++) roots += isNode[x] & (hasPredecessor[x] ^ 1);
  for (let x = unlistedStart; x < total; x++) start[x + 1] = start[x] + roots;
  const targets = new Int32Array(start[total]);
  for (let x = 0; x < n; x++) {
    if (isNode[x] === 0) continue;
    let at = start[x];
    for (let k = graph.depStart[x]; k < graph.depStart[x + 1]; k++) if (isNode[graph.deps[k]] === 1) targets[at++] = graph.deps[k];
    const pod = podNodeOf(x);
    if (pod !== -1) targets[at++] = pod;
  }
  for (let x = unlistedStart; x < total; x++) {
    let at = start[x];
    for (let y = 0; roots > 0 && y < unlistedStart; y++) if (isNode[y] === 1 && hasPredecessor[y] === 0) targets[at++] = y;
  }
  return { start, targets };
}
