import { getMaxListeners, setMaxListeners } from 'node:events';
import { PodgraphError, safeString } from '../errors.js';
import { noSuchContainer } from '../messages.js';
import type { RemoveCallOptions, Runtime, RuntimeRetry } from '../runtime/runtime.js';
import { type CallDag, idOf, isUnlisted, kindOf, nameOf, takenAlong } from './call-nodes.js';
import type { ResolvedOptions } from './options.js';
import { OutcomeWalk } from './outcome-walk.js';
import { classifyFailure, membersLeft, reportOf } from './outcomes.js';
import { ReadyQueue } from './ready-queue.js';
import type { RemovalEvent, RemovalReport } from './report.js';
import type { RuntimeShare, ShareMember } from './runtime-share.js';

/** What a slot answers when the removal was aborted while it waited for it: no runtime call was made. */
const NOT_ATTEMPTED = Symbol('not attempted');
const NOT_ATTEMPTED_YET = Promise.resolve(NOT_ATTEMPTED);

/** A call's result: its item's outcome, and for a failed whole-pod call the members it left, by id. */
interface Answer {
  outcome: PodgraphError | null;
  left?: ReadonlyMap<string, Error> | undefined;
}

const REMOVED: Answer = { outcome: null };

/**
 * One removeGraph call: Kahn's walk over the plan's call DAG, dependents first. A call node
 * becomes ready when every call it waits for has settled; ready nodes wait in a
 * critical-path-first heap and start while the call has fewer than `concurrency` in flight.
 * Each started node takes its items' key locks in the runtime's shared map, then a slot of the
 * runtime's shared bound, then makes the runtime call; the outcome walk settles what it answers.
 */
export class RemovalRun implements ShareMember {
  readonly concurrency: number;
  readonly #dag: CallDag;
  readonly #options: ResolvedOptions;
  readonly #runtime: Runtime;
  readonly #share: RuntimeShare;
  readonly #callOptions: RemoveCallOptions;
  readonly #queue: ReadyQueue;
  readonly #walk: OutcomeWalk;
  /** The one record of what happened to each item: undefined until settled. */
  readonly #outcome: (PodgraphError | null | undefined)[];
  #unsettled: number;
  /** Items settled so far, for the events. */
  #done = 0;
  #inFlight = 0;
  #listenerFailed = false;
  /** An unlisted target the runtime does not know either, when unknown targets are not ignored: the call is refused. */
  #refusal: PodgraphError | undefined;
  #finish: ((report: RemovalReport) => void) | undefined;
  #fail: ((error: PodgraphError) => void) | undefined;

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
    this.#queue = new ReadyQueue(dag.order.length, dag.height);
    this.#outcome = new Array(dag.isCall.length);
    this.#unsettled = dag.order.length;
    this.#walk = new OutcomeWalk(
      dag,
      dag.pending.slice(),
      dag.isCall,
      {
        ready: (node) => this.#queue.push(node),
        settled: (item, outcome) => this.#settled(item, outcome),
      },
      () => (this.#options.signal?.aborted === true || this.#refusal !== undefined ? { reason: this.#options.signal?.reason } : undefined),
    );
  }

  /** Resolves with the report; rejects with NO_SUCH_CTR for an unlisted target nobody knows, when unknown targets are not ignored. */
  run(): Promise<RemovalReport> {
    return new Promise((resolve, reject) => {
      this.#finish = resolve;
      this.#fail = reject;
      this.#share.join(this);
      this.#options.signal?.addEventListener('abort', this.#onAbort);
      for (const [item, error] of this.#dag.refused) this.#settled(item, error);
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
    if (this.#options.signal?.aborted || this.#refusal !== undefined) {
      while (queue.size > 0) {
        const node = queue.pop();
        this.#walk.settle(node, this.#walk.unattempted(node)!);
      }
      return;
    }
    while (this.#inFlight < this.concurrency && queue.size > 0) this.#start(queue.pop());
  }

  #start(node: number): void {
    this.#inFlight++;
    this.#attempt(node).then(
      (answer) => this.#completed(node, answer),
      (error: unknown) => {
        const what = `${kindOf(this.#dag, node)} ${idOf(this.#dag, node)}`;
        this.#completed(node, { outcome: new PodgraphError('RUNTIME', `internal error removing ${what}`, { cause: error }) });
      },
    );
  }

  /**
   * The check, the runtime call and the update for one call, under its items' key locks in the
   * runtime's shared map (a whole-pod call's: the pod's, then its members' in id order, the one
   * order every call takes them in). The slot of the shared bound is taken inside the key locks,
   * around the runtime call alone, and a slot holder waits for nothing but the runtime: nobody
   * ever waits for a key lock while holding a slot, so the nested-pool deadlock cannot happen.
   */
  #attempt(node: number): Promise<Answer> {
    const kind = kindOf(this.#dag, node);
    const id = idOf(this.#dag, node);
    const visited = this.#share.removals[kind];
    const call = () => {
      if (visited.has(id)) return REMOVED; // another call removed it while this one ran: no runtime call
      const unattempted = this.#walk.unattempted(node);
      if (unattempted !== undefined) return { outcome: unattempted };
      return this.#share.limit(this.#call, node).then(
        (answer): Answer => (answer === NOT_ATTEMPTED ? { outcome: this.#walk.unattempted(node)! } : this.#removed(node, kind, id)),
        (error: unknown): Answer => this.#failed(node, kind, id, error),
      );
    };
    const members = this.#dag.wholePod[node - this.#dag.graph.size] === 1 ? this.#membersOf(node) : [];
    if (members.length === 0) return visited.withLock(id, call);
    // A whole-pod call holds its members too, so that no other call removes one at the same time.
    const containers = this.#share.removals.container;
    const held = members.reduceRight<() => Promise<Answer>>(
      (inner, member) => () => containers.withLock(member, inner),
      () => Promise.resolve(call()),
    );
    return visited.withLock(id, held);
  }

  /** A whole-pod call's members, sorted by id. */
  #membersOf(node: number): string[] {
    const { graph } = this.#dag;
    const infra = graph.podInfra[node - graph.size];
    return takenAlong(this.#dag, node)
      .filter((item) => item !== infra)
      .map((item) => graph.ids[item])
      .sort();
  }

  /** What a rejection means: already gone is removed; an unknown unlisted target is skipped or refuses the call. */
  #failed(node: number, kind: 'container' | 'pod', id: string, error: unknown): Answer {
    const outcome = classifyFailure(kind, id, error, this.#options.signal);
    if (outcome !== null) return { outcome, left: membersLeft(error) };
    if (!isUnlisted(this.#dag, node)) return this.#removed(node, kind, id); // already gone: someone else removed it
    // The runtime does not know it either.
    if (!this.#options.ignore) this.#refusal ??= noSuchContainer(id, `containers[${this.#options.containers.indexOf(id)}]`);
    return { outcome: UNKNOWN };
  }

  /** Runs in a slot of the shared bound; an abort that came while it waited for the slot starts nothing. */
  readonly #call = (node: number): Promise<unknown> => {
    if (this.#walk.unattempted(node) !== undefined) return NOT_ATTEMPTED_YET;
    this.#emit('start', node);
    const { graph } = this.#dag;
    const options =
      this.#options.onEvent === undefined
        ? this.#callOptions
        : { ...this.#callOptions, onRetry: (retry: RuntimeRetry) => this.#emit('retry', node, retry.error, retry.attempt) };
    if (isUnlisted(this.#dag, node)) return this.#runtime.removeUnlistedContainer!(idOf(this.#dag, node), options);
    return node < graph.size
      ? this.#runtime.removeContainer(graph.ids[node], options)
      : this.#runtime.removePod(graph.podIds[node - graph.size], options);
  };

  /** Tells the other calls on the runtime (with a pod, what its call took along). */
  #removed(node: number, kind: 'container' | 'pod', id: string): Answer {
    this.#share.removed(kind, id);
    for (const item of takenAlong(this.#dag, node)) this.#share.removed('container', this.#dag.graph.ids[item]);
    return REMOVED;
  }

  #completed(node: number, answer: Answer): void {
    this.#inFlight--;
    this.#walk.settle(node, answer.outcome, answer.left);
    this.#pump();
    this.#checkDone();
  }

  /** The one place an item's outcome is recorded. */
  #settled(item: number, outcome: PodgraphError | null): void {
    this.#outcome[item] = outcome;
    if (this.#dag.isCall[item] === 1) this.#unsettled--;
    // An ignored unknown target has no entry, as it has no report entry.
    if (outcome === UNKNOWN) return;
    this.#done++;
    if (outcome === null) this.#emit('removed', item);
    else this.#emit('failed', item, outcome);
  }

  #emit(type: RemovalEvent['type'], item: number, error?: PodgraphError, attempt?: number): void {
    const onEvent = this.#options.onEvent;
    if (onEvent === undefined || this.#refusal !== undefined) return;
    const event: RemovalEvent = {
      type,
      kind: kindOf(this.#dag, item),
      id: idOf(this.#dag, item),
      done: this.#done,
      total: this.#dag.items,
      inFlight: this.#inFlight,
    };
    const name = nameOf(this.#dag, item);
    if (name !== undefined) event.name = name;
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
    if (this.#refusal !== undefined) this.#fail!(this.#refusal);
    else
      finish(
        reportOf(
          this.#dag,
          this.#outcome.map((outcome) => (outcome === UNKNOWN ? undefined : outcome)),
        ),
      );
  }
}

/** The outcome of an unlisted target the runtime does not know either (ignored): no report entry. */
const UNKNOWN = new PodgraphError('NO_SUCH_CTR', 'unknown target, ignored');

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
