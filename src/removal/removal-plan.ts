import type { PodgraphError } from '../errors.js';
import { type ContainerGraph, compiledOf } from '../graph/container-graph.js';
import type { ItemKind } from '../graph/spec.js';
import { depthsOf } from '../graph/topological-order.js';
import { compileCalls } from './call-dag.js';
import { type CallDag, expectedAnswer, idOf, isUnlisted, kindOf, takenAlong } from './call-nodes.js';
import { graphRuntime, type RemoveOptions, resolveOptions } from './options.js';
import { OutcomeWalk } from './outcome-walk.js';
import { classifyFailure, reportOf } from './outcomes.js';
import type { RemovalReport } from './report.js';
import { select } from './selection.js';

/** One runtime call of a {@link RemovalPlan}. */
export interface PlannedCall {
  /** Position in `plan.calls`. */
  readonly index: number;
  /** `container`: `runtime.removeContainer(id)`; `pod`: `runtime.removePod(id)`. */
  readonly kind: ItemKind;
  readonly id: string;
  /** For a pod: its infra container, which the pod's removal takes along. */
  readonly infra?: string;
  /**
   * For a whole-pod call: the pod's other containers, which the call removes itself (the runtime
   * removes them in dependency order), listed dependents first; absent when each has its own call.
   */
  readonly members?: readonly string[];
  /**
   * A target the graph does not list, which the runtime is asked to remove by the name given
   * (podman's storage-only containers): resolved by the runtime at run time; unless unknown
   * targets are ignored, the graph's calls wait for it, and an unknown one refuses the removal.
   */
  readonly unlisted?: true;
  /** Positions in `plan.calls` of the calls that must finish before this one starts. */
  readonly after: readonly number[];
  /** 1 for a call that waits for nothing, else one more than the latest wave it waits for. */
  readonly wave: number;
  /**
   * What the runtime is expected to answer when its world is the graph's, by podman's rules:
   * null (removed), or the refusal (CTR_STATE_INVALID for a running container without `force`).
   */
  readonly expected: PodgraphError | null;
  /** False when a call it waits for is expected to fail, so that this one would not be made. */
  readonly expectedToRun: boolean;
}

/**
 * A removal as data, before any runtime call (`planRemoval`): what removeGraph runs. It makes
 * exactly these calls, in an order that respects `after`, less those for items it finds already
 * gone and those a failed call blocks.
 */
export interface RemovalPlan {
  /** Ids of the selected containers and pods: the report's entries. */
  readonly selection: { readonly containers: readonly string[]; readonly pods: readonly string[] };
  /** Every runtime call, in a topological order (each after the calls it waits for). */
  readonly calls: readonly PlannedCall[];
  /**
   * Selected containers and pods decided from the graph alone, with no call: INFRA_CTR,
   * CTR_EXISTS, and what they block (DEPENDENCY_FAILED, REMOVING_CTRS). Keyed by id.
   */
  readonly refused: ReadonlyMap<string, PodgraphError>;
  /** The calls by dependency depth: `waves[0]` waits for nothing, `waves[k]` for calls in earlier waves only. */
  readonly waves: readonly (readonly PlannedCall[])[];
  /** The report removeGraph gives when every call answers as `expected`: the dry run. */
  readonly expected: RemovalReport;
}

/**
 * Plans the removal that `removeGraph(graph, options)` would make, without any runtime call.
 * Throws as removeGraph rejects (bad options, unknown targets), except that an empty selection
 * is an empty plan.
 */
export function planRemoval(graph: ContainerGraph, options: RemoveOptions): RemovalPlan {
  const compiled = compiledOf(graph);
  const resolved = resolveOptions(options, true);
  const runtime = resolved.runtime ?? graphRuntime(graph);
  const selection = select(compiled, resolved, runtime);
  return planOf(
    compileCalls(compiled, selection, {
      force: resolved.force,
      timeout: resolved.timeout,
      volumes: resolved.volumes,
      ignore: resolved.ignore,
      runtime: runtime ?? MEMORY_RULES,
    }),
  );
}

/** A graph's in-memory default runtime removes every pod it can in one call, as podman does. */
const MEMORY_RULES = { removesWholePod: () => true };

function planOf(dag: CallDag): RemovalPlan {
  const { graph, selection } = dag;
  const predicted = predict(dag);
  const position = new Int32Array(dag.isCall.length).fill(-1);
  dag.order.forEach((node, k) => {
    position[node] = k;
  });
  const after: number[][] = Array.from(dag.order, () => []);
  for (const x of dag.order) {
    for (let e = dag.csr.start[x]; e < dag.csr.start[x + 1]; e++) {
      const y = dag.csr.targets[e];
      if (position[y] !== -1) after[position[y]].push(position[x]);
    }
  }
  const depth = depthsOf(dag.csr, dag.order);
  const calls = Array.from(dag.order, (node, k): PlannedCall => {
    const along = takenAlong(dag, node);
    const infra = node < graph.size || isUnlisted(dag, node) ? -1 : graph.podInfra[node - graph.size];
    const members = along.filter((item) => item !== infra).map((item) => graph.ids[item]);
    const call: PlannedCall = {
      index: k,
      kind: kindOf(dag, node),
      id: idOf(dag, node),
      ...(infra === -1 ? {} : { infra: graph.ids[infra] }),
      ...(members.length === 0 ? {} : { members: Object.freeze(members) }),
      ...(isUnlisted(dag, node) ? { unlisted: true as const } : {}),
      after: Object.freeze(after[k].sort((a, b) => a - b)),
      wave: depth[node],
      expected: predicted.ran[node] === 1 ? expectedAnswer(dag, node) : predicted.outcome[node]!,
      expectedToRun: predicted.ran[node] === 1,
    };
    return Object.freeze(call);
  });
  // Within a wave, containers first, each kind in the graph's order.
  const waves: PlannedCall[][] = [];
  for (const k of position) if (k !== -1) (waves[calls[k].wave - 1] ??= []).push(calls[k]);

  const refused = new Map<string, PodgraphError>();
  for (const [node, error] of dag.refused) refused.set(idOf(dag, node), error);
  const containers: string[] = [];
  const pods: string[] = [];
  for (let i = 0; i < graph.size; i++) if (selection.containers[i] === 1) containers.push(graph.ids[i]);
  for (let p = 0; p < graph.podCount; p++) if (selection.pods[p] === 1) pods.push(graph.podIds[p]);
  return Object.freeze({
    selection: Object.freeze({ containers: Object.freeze(containers), pods: Object.freeze(pods) }),
    calls: Object.freeze(calls),
    refused,
    waves: Object.freeze(waves.map((wave) => Object.freeze(wave))),
    expected: predicted.report,
  });
}

/**
 * The removal walked with every call answering as expected (podman's rules on the graph's states;
 * an unlisted target as removed): which calls run, and the report.
 */
function predict(dag: CallDag): { ran: Uint8Array; outcome: (PodgraphError | null | undefined)[]; report: RemovalReport } {
  const outcome: (PodgraphError | null | undefined)[] = new Array(dag.isCall.length);
  for (const [node, error] of dag.refused) outcome[node] = error;
  const ran = new Uint8Array(dag.isCall.length);
  const due: number[] = [];
  const walk = new OutcomeWalk(dag, dag.pending.slice(), dag.isCall, {
    ready: (node) => due.push(node),
    settled: (item, settled) => {
      outcome[item] = settled;
    },
  });
  for (const node of dag.order) if (dag.pending[node] === 0) due.push(node);
  for (let head = 0; head < due.length; head++) {
    const node = due[head];
    ran[node] = 1;
    // The report holds the runtime's answer as its cause, as removeGraph's does.
    const answer = expectedAnswer(dag, node);
    walk.settle(node, answer === null ? null : classifyFailure(kindOf(dag, node), idOf(dag, node), answer, undefined));
  }
  return { ran, outcome, report: reportOf(dag, outcome) };
}
