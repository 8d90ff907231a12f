import { getMaxListeners, setMaxListeners } from 'node:events';
import { PodgraphError, safeString } from '../errors.js';
import type { RemoveCallOptions, Runtime, RuntimeRetry } from '../runtime/runtime.js';
import { type ItemKind, notAttempted } from '../sentences.js';
import { absorbedInfra, type CallDag } from './call-dag.js';
import type { ResolvedOptions } from './options.js';
import { block, blockedOutcome, classifyFailure, idOf, infraOutcome, kindOf } from './outcomes.js';
import { ReadyQueue } from './ready-queue.js';
import { type RemovalEvent, type RemovalReport, reportOf } from './report.js';
import type { RuntimeShare, ShareMember } from './runtime-share.js';

/** What a slot answers when the removal was aborted while it waited for it: no runtime call was made. */
const NOT_ATTEMPTED = Symbol('not attempted');
const NOT_ATTEMPTED_YET = Promise.resolve(NOT_ATTEMPTED);

/**
 * One removeGraph call: Kahn's walk over the plan's call DAG, dependents first. A call node
 * becomes ready when every call it waits for has settled; ready nodes wait in a
 * critical-path-first heap and start while the call has fewer than `concurrency` in flight.
 * Each started node takes its item's key lock in the runtime's shared map, then a slot of the
 * runtime's shared bound, then makes the runtime call.
 */
export class RemovalRun implements ShareMember {
  readonly concurrency: number;
  readonly #dag: CallDag;
  readonly #options: ResolvedOptions;
  readonly #runtime: Runtime;
  readonly #share: RuntimeShare;
  readonly #callOptions: RemoveCallOptions;
  readonly #queue: ReadyQueue;
  readonly #pending: Int32Array;
  /** The one record of what happened to each node (and absorbed infra container): undefined until settled. */
  readonly #outcome: (PodgraphError | null | undefined)[];
  /** The first failure among what a node waits on (an abort only until a real failure comes): it will not be attempted. */
  readonly #blocker: (PodgraphError | undefined)[] = [];
  #unsettled: number;
  /** Blocked nodes still to settle in a cascade (kept between settles: most settle no cascade at all). */
  readonly #cascade: number[] = [];
  readonly #cascadeOutcomes: PodgraphError[] = [];
  /** Report entries settled so far, for the events. */
  #done = 0;
  #inFlight = 0;
  #listenerFailed = false;
  #finish: ((report: RemovalReport) => void) | undefined;

  constructor(dag: CallDag, options: ResolvedOptions, runtime: Runtime, share: RuntimeShare) {
    this.concurrency = options.concurrency;
    this.#dag = dag;
    this.#options = options;
    this.#runtime = runtime;
    this.#share = share;
    this.#callOptions = { force: options.force, signal: options.signal };
    if (options.timeout !== undefined) this.#callOptions.timeout = options.timeout;
    if (options.volumes) this.#callOptions.volumes = true;
    if (options.signal !== undefined) expectListeners(options.signal, options.concurrency);
    this.#queue = new ReadyQueue(dag.order.length, dag.level);
    this.#pending = dag.pending.slice();
    this.#outcome = new Array(dag.graph.size + dag.graph.podCount);
    this.#unsettled = dag.order.length;
  }

  run(): Promise<RemovalReport> {
    return new Promise((resolve) => {
      this.#finish = resolve;
      this.#share.join(this);
      this.#options.signal?.addEventListener('abort', this.#onAbort);
      for (const [node, error] of this.#dag.refused) {
        this.#outcome[node] = error;
        this.#emitSettled(node, error);
      }
      const { order, pending } = this.#dag;
      for (const node of order) if (pending[node] === 0) this.#queue.push(node);
      this.#pump();
      this.#checkDone();
    });
  }

  readonly #onAbort = (): void => {
    this.#pump();
    this.#checkDone();
  };

  /** Starts ready nodes while the call has room (work-conserving); after an abort, settles them unattempted. */
  #pump(): void {
    const queue = this.#queue;
    if (this.#options.signal?.aborted) {
      while (queue.size > 0) {
        const node = queue.pop();
        this.#settle(node, this.#unattempted(node)!);
      }
      return;
    }
    while (this.#inFlight < this.concurrency && queue.size > 0) this.#start(queue.pop());
  }

  #start(node: number): void {
    this.#inFlight++;
    this.#attempt(node).then(
      (outcome) => this.#completed(node, outcome),
      (error: unknown) => {
        const what = `${kindOf(this.#dag.graph, node)} ${idOf(this.#dag.graph, node)}`;
        this.#completed(node, new PodgraphError('RUNTIME', `internal error removing ${what}`, { cause: error }));
      },
    );
  }

  /**
   * The check, the runtime call and the update for one item, under that item's key lock in the
   * runtime's shared map. The slot of the shared bound is taken inside the key lock, around the
   * runtime call alone, and a slot holder waits for nothing but the runtime: nobody ever waits for
   * a key lock while holding a slot, so the nested-pool deadlock cannot happen.
   */
  #attempt(node: number): Promise<PodgraphError | null> {
    const kind = kindOf(this.#dag.graph, node);
    const id = idOf(this.#dag.graph, node);
    const visited = this.#share.visited[kind];
    return visited.withLock(id, () => {
      if (visited.has(id)) return null; // another call removed it while this one ran: no runtime call
      if (this.#options.signal?.aborted) return this.#unattempted(node)!;
      return this.#share.limit(this.#call, node).then(
        (answer) => (answer === NOT_ATTEMPTED ? this.#blocker[node]! : this.#removed(node, kind, id)),
        (error: unknown) => {
          const outcome = classifyFailure(kind, id, error, this.#options.signal);
          return outcome ?? this.#removed(node, kind, id); // already gone: someone else removed it
        },
      );
    });
  }

  /** Runs in a slot of the shared bound; an abort that came while it waited for the slot starts nothing. */
  readonly #call = (node: number): Promise<unknown> => {
    if (this.#options.signal?.aborted) {
      this.#unattempted(node); // records why in #blocker
      return NOT_ATTEMPTED_YET;
    }
    this.#emit('start', node);
    const graph = this.#dag.graph;
    const options =
      this.#options.onEvent === undefined
        ? this.#callOptions
        : { ...this.#callOptions, onRetry: (retry: RuntimeRetry) => this.#emit('retry', node, retry.error, retry.attempt) };
    return node < graph.size
      ? this.#runtime.removeContainer(graph.ids[node], options)
      : this.#runtime.removePod(graph.podIds[node - graph.size], options);
  };

  /** Tells the other calls on the runtime (with a pod, its infra container too). */
  #removed(node: number, kind: ItemKind, id: string): null {
    this.#share.removed(kind, id);
    const infra = absorbedInfra(this.#dag.graph, node);
    if (infra !== -1) this.#share.removed('container', this.#dag.graph.ids[infra]);
    return null;
  }

  #completed(node: number, outcome: PodgraphError | null): void {
    this.#inFlight--;
    this.#settle(node, outcome);
    this.#pump();
    this.#checkDone();
  }

  /** Records a node's outcome and releases what waited on it; cascades of blocked nodes run on an explicit stack. */
  #settle(first: number, firstOutcome: PodgraphError | null): void {
    const { csr, isCall } = this.#dag;
    const stack = this.#cascade;
    const outcomes = this.#cascadeOutcomes;
    let node = first;
    let outcome = firstOutcome;
    for (;;) {
      this.#record(node, outcome);
      for (let e = csr.start[node]; e < csr.start[node + 1]; e++) {
        const next = csr.targets[e];
        if (isCall[next] === 0) continue;
        if (outcome !== null) block(this.#blocker, next, outcome);
        if (--this.#pending[next] !== 0) continue;
        const unattempted = this.#unattempted(next);
        if (unattempted === undefined) {
          this.#queue.push(next);
        } else {
          stack.push(next);
          outcomes.push(unattempted);
        }
      }
      if (stack.length === 0) return;
      node = stack.pop()!;
      outcome = outcomes.pop()!;
    }
  }

  /** Why a node that is due will not be attempted (blocked by what it waited on, or the removal aborted); undefined when it goes. */
  #unattempted(node: number): PodgraphError | undefined {
    const graph = this.#dag.graph;
    const blocker = this.#blocker[node];
    const signal = this.#options.signal;
    if (blocker !== undefined) return blockedOutcome(graph, node, blocker, signal?.reason);
    if (!signal?.aborted) return undefined;
    const aborted = notAttempted(kindOf(graph, node), idOf(graph, node), signal.reason);
    this.#blocker[node] = aborted;
    return aborted;
  }

  /** The one place a node's outcome is recorded, with its absorbed infra container's. */
  #record(node: number, outcome: PodgraphError | null): void {
    const graph = this.#dag.graph;
    this.#outcome[node] = outcome;
    this.#unsettled--;
    const infra = absorbedInfra(graph, node);
    if (infra !== -1) {
      const entry = infraOutcome(graph, infra, node - graph.size, outcome, this.#blocker[node], this.#options.signal?.reason);
      this.#outcome[infra] = entry;
      this.#emitSettled(infra, entry);
    }
    this.#emitSettled(node, outcome);
  }

  #emitSettled(node: number, outcome: PodgraphError | null): void {
    this.#done++;
    if (outcome === null) this.#emit('removed', node);
    else this.#emit('failed', node, outcome);
  }

  #emit(type: RemovalEvent['type'], node: number, error?: PodgraphError, attempt?: number): void {
    const onEvent = this.#options.onEvent;
    if (onEvent === undefined) return;
    const graph = this.#dag.graph;
    const event: RemovalEvent = {
      type,
      kind: kindOf(graph, node),
      id: idOf(graph, node),
      done: this.#done,
      total: this.#dag.entries,
      inFlight: this.#inFlight,
    };
    if (error !== undefined) event.error = error;
    if (attempt !== undefined) event.attempt = attempt;
    try {
      onEvent(event);
    } catch (listenerError) {
      // A listener's bug must not stop or corrupt the removal; say so once per call.
      if (!this.#listenerFailed) {
        this.#listenerFailed = true;
        process.emitWarning(`podgraph: an onEvent listener threw, its errors are ignored: ${safeString(listenerError)}`, 'PodgraphWarning');
      }
    }
  }

  #checkDone(): void {
    if (this.#finish === undefined || this.#unsettled > 0 || this.#inFlight > 0) return;
    const finish = this.#finish;
    this.#finish = undefined;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    this.#share.leave(this);
    finish(reportOf(this.#dag.graph, this.#dag.selection, this.#outcome));
  }
}

/**
 * Each call in flight may listen on the signal, and the engine once more: raise the signal's
 * listener limit to that, so Node does not warn of a leak (it warns past 10 by default).
 */
function expectListeners(signal: AbortSignal, concurrency: number): void {
  let limit: number;
  try {
    limit = getMaxListeners(signal);
  } catch {
    return; // Node 20 throws for an EventTarget whose limit is 0, that is, unlimited
  }
  if (limit === 0) return;
  if (concurrency === Infinity) setMaxListeners(0, signal);
  else if (concurrency + 1 > limit) setMaxListeners(concurrency + 1, signal);
}
