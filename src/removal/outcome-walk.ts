/**
 * The one walk of outcomes (the removal's rules: a failure keeps what it depends on, a pod goes after its members, an abort starts nothing new): how a settled call releases what waits on it,
 * how a failure blocks it, and what a pod's call takes along. The plan's compiler (every call
 * "removed", the graph's refusals as answers), the plan's expected report (podman's rules as
 * answers) and the run (the runtime's answers) all settle their calls through it.
 */
import type { PodgraphError } from '../errors.js';
import { notAttempted } from '../messages.js';
import { type CallDag, idOf, kindOf, takenAlong } from './call-nodes.js';
import { blockedOutcome, isAbort, settledAlong } from './outcomes.js';

/** What a walk tells its owner. */
interface WalkSink {
  /** A node whose calls it waited for all settled, none failed, and no abort came: due for its call. */
  ready(node: number): void;
  /** An item settled: a node, or a container a pod's call took along (by its container index). */
  settled(item: number, outcome: PodgraphError | null): void;
}

export class OutcomeWalk {
  readonly #dag: Pick<CallDag, 'graph' | 'selection' | 'csr' | 'wholePod' | 'along'>;
  /** Calls each node still waits for (mutated as they settle). */
  readonly #pending: Int32Array;
  /** The nodes the walk follows (the others were settled before it began). */
  readonly #follows: Uint8Array;
  readonly #sink: WalkSink;
  /** The abort's reason once the removal is aborted, else undefined. */
  readonly #aborted: () => { reason: unknown } | undefined;
  /** An item's own refusal, which wins over being blocked (the plan's compiler: the graph's rules). */
  readonly #refusal: (node: number) => PodgraphError | undefined;
  /** The first failure among what a node waits on (an abort only until a real failure comes): it will not be attempted. */
  readonly #blocker: (PodgraphError | undefined)[] = [];
  /** Blocked nodes still to settle in a cascade (kept between settles: most settle no cascade at all). */
  readonly #cascade: number[] = [];
  readonly #cascadeOutcomes: PodgraphError[] = [];

  constructor(
    dag: Pick<CallDag, 'graph' | 'selection' | 'csr' | 'wholePod' | 'along'>,
    pending: Int32Array,
    follows: Uint8Array,
    sink: WalkSink,
    aborted: () => { reason: unknown } | undefined = () => undefined,
    refusal: (node: number) => PodgraphError | undefined = () => undefined,
  ) {
    this.#dag = dag;
    this.#pending = pending;
    this.#follows = follows;
    this.#sink = sink;
    this.#aborted = aborted;
    this.#refusal = refusal;
  }

  /**
   * Why a due node will not be attempted: blocked by what it waited on, or the removal aborted
   * (remembered as what blocks it, until a real failure comes); undefined when it goes.
   */
  unattempted(node: number): PodgraphError | undefined {
    const refusal = this.#refusal(node);
    if (refusal !== undefined) return refusal;
    const blocker = this.#blocker[node];
    const abort = this.#aborted();
    if (blocker !== undefined) return blockedOutcome(this.#dag as CallDag, node, blocker, abort?.reason);
    if (abort === undefined) return undefined;
    const aborted = notAttempted(kindOf(this.#dag as CallDag, node), idOf(this.#dag as CallDag, node), abort.reason);
    this.#blocker[node] = aborted;
    return aborted;
  }

  /**
   * Records a node's outcome, and what its call took along (`left`: the members a whole-pod call
   * left behind, by id, with why), then releases what waited on it: due nodes go to the sink's
   * `ready`, blocked ones settle in a cascade on an explicit stack.
   */
  settle(first: number, firstOutcome: PodgraphError | null, left?: ReadonlyMap<string, Error>): void {
    const { csr } = this.#dag;
    const stack = this.#cascade;
    const outcomes = this.#cascadeOutcomes;
    let node = first;
    let outcome = firstOutcome;
    let members = left;
    for (;;) {
      outcome = this.#record(node, outcome, members);
      for (let e = csr.start[node]; e < csr.start[node + 1]; e++) {
        const next = csr.targets[e];
        if (this.#follows[next] === 0) continue;
        if (outcome !== null) block(this.#blocker, next, outcome);
        if (--this.#pending[next] !== 0) continue;
        const unattempted = this.unattempted(next);
        if (unattempted === undefined) {
          this.#sink.ready(next);
        } else {
          stack.push(next);
          outcomes.push(unattempted);
        }
      }
      if (stack.length === 0) return;
      node = stack.pop()!;
      outcome = outcomes.pop()!;
      members = undefined;
    }
  }

  /** The node's own outcome once what its call took along is known (a pod whose members failed is REMOVING_CTRS). */
  #record(node: number, outcome: PodgraphError | null, left: ReadonlyMap<string, Error> | undefined): PodgraphError | null {
    const dag = this.#dag as CallDag;
    const along = takenAlong(dag, node);
    let own = outcome;
    if (along.length > 0) {
      const settled = settledAlong(dag, node, along, outcome, this.#blocker[node], this.#aborted()?.reason, left);
      own = settled.own;
      for (const [item, itemOutcome] of settled.along) this.#sink.settled(item, itemOutcome);
    }
    this.#sink.settled(node, own);
    return own;
  }
}

/** Keeps in `blocker[node]` the first failure among what the node waits on; a real failure wins over an abort. */
function block(blocker: (PodgraphError | undefined)[], node: number, failure: PodgraphError): void {
  const known = blocker[node];
  if (known === undefined || (isAbort(known) && !isAbort(failure))) blocker[node] = failure;
}
