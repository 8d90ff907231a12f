import { getMaxListeners, setMaxListeners } from 'node:events';
import pLimit, { type LimitFunction } from 'p-limit';
import { PodgraphError, safeString } from '../errors.js';
import type { RemoveCallOptions, Runtime } from '../runtime/runtime.js';
import { LockedMap } from './locked-map.js';
import type { ResolvedOptions } from './options.js';
import { classifyFailure, dependencyFailed, type ItemKind, infraNotRemoved, isAbort, notAttempted, podBlocked } from './outcomes.js';
import type { RemovalPlan } from './plan.js';
import { ReadyQueue } from './ready-queue.js';
import type { RemovalEvent, RemovalReport } from './report.js';

/**
 * One removeGraph call: Kahn's walk over the plan, dependents first. A node becomes ready when
 * every node that must go before it has settled; ready nodes wait in a critical-path-first queue
 * and are handed to the call's one p-limit only when a slot is free, so p-limit's own FIFO never
 * decides the order and never holds more than a transient item.
 */
export class RemovalRun {
  readonly #plan: RemovalPlan;
  readonly #options: ResolvedOptions;
  readonly #runtime: Runtime;
  readonly #callOptions: RemoveCallOptions;
  readonly #limit: LimitFunction;
  readonly #queue: ReadyQueue;
  /** 1 once a node is queued, refused or settled: from then on no predecessor releases (or blocks) it. */
  readonly #claimed: Uint8Array;
  readonly #pending: Int32Array;
  /** The shared visited/removed state: node -> null (removed) or why not. */
  readonly #removals = new LockedMap<number, PodgraphError | null>();
  /** First failure among a node's predecessors: it will not be attempted. */
  readonly #failedBefore = new Map<number, PodgraphError>();
  /** 1 when a predecessor was aborted: the node will not be attempted. */
  readonly #abortedBefore: Uint8Array;
  #settledNodes = 0;
  #done = 0;
  #inFlight = 0;
  #listenerFailed = false;
  #finish: ((report: RemovalReport) => void) | undefined;

  constructor(plan: RemovalPlan, options: ResolvedOptions, runtime: Runtime) {
    this.#plan = plan;
    this.#options = options;
    this.#runtime = runtime;
    this.#callOptions = { force: options.force, signal: options.signal };
    if (options.timeout !== undefined) this.#callOptions.timeout = options.timeout;
    if (options.volumes) this.#callOptions.volumes = true;
    this.#limit = pLimit(options.concurrency);
    if (options.signal !== undefined) expectListeners(options.signal, options.concurrency);
    const total = plan.graph.size + plan.graph.podCount;
    this.#queue = new ReadyQueue(plan.nodes.length, plan.level);
    this.#claimed = new Uint8Array(total);
    this.#pending = plan.pending.slice();
    this.#abortedBefore = new Uint8Array(total);
  }

  run(): Promise<RemovalReport> {
    return new Promise((resolve) => {
      this.#finish = resolve;
      this.#options.signal?.addEventListener('abort', this.#onAbort);
      // Claim every refusal before settling any: settling one must not release or block another.
      for (const node of this.#plan.refused.keys()) this.#claimed[node] = 1;
      for (const [node, error] of this.#plan.refused) this.#settle(node, error);
      for (const node of this.#plan.nodes) {
        if (this.#pending[node] === 0 && this.#claimed[node] === 0) this.#enqueue(node);
      }
      this.#pump();
      this.#checkDone();
    });
  }

  readonly #onAbort = (): void => {
    this.#pump();
    this.#checkDone();
  };

  #enqueue(node: number): void {
    this.#claimed[node] = 1;
    this.#queue.push(node);
  }

  /** Starts ready nodes while slots are free (work-conserving); after an abort, settles them unattempted. */
  #pump(): void {
    const queue = this.#queue;
    if (this.#options.signal?.aborted) {
      while (queue.size > 0) {
        const node = queue.pop();
        this.#settle(node, this.#notAttempted(node));
      }
      return;
    }
    while (this.#inFlight < this.#options.concurrency && queue.size > 0) this.#dispatch(queue.pop());
  }

  #dispatch(node: number): void {
    this.#inFlight++;
    this.#limit(() => this.#call(node)).then(
      (outcome) => this.#completed(node, outcome),
      (error: unknown) => {
        const { kind, id } = this.#item(node);
        this.#completed(node, new PodgraphError('RUNTIME', `internal error removing ${kind} ${id}`, { cause: error }));
      },
    );
  }

  /** The check, the runtime call and the update for one node, under that node's lock. */
  #call(node: number): Promise<PodgraphError | null> {
    return this.#removals.withLock(node, async () => {
      const previous = this.#removals.get(node);
      if (previous !== undefined) return previous; // visited: never a second call
      const signal = this.#options.signal;
      let outcome: PodgraphError | null = null;
      if (signal?.aborted) {
        outcome = this.#notAttempted(node);
      } else {
        const { kind, id } = this.#item(node);
        this.#emit('start', kind, id);
        try {
          if (kind === 'pod') await this.#runtime.removePod(id, this.#callOptions);
          else await this.#runtime.removeContainer(id, this.#callOptions);
        } catch (error) {
          outcome = classifyFailure(kind, id, error, signal);
        }
      }
      this.#removals.set(node, outcome);
      return outcome;
    });
  }

  #completed(node: number, outcome: PodgraphError | null): void {
    this.#inFlight--;
    this.#settle(node, outcome);
    this.#pump();
    this.#checkDone();
  }

  /** Records a node's outcome and releases what waited on it; cascades of blocked nodes run on an explicit stack. */
  #settle(first: number, firstOutcome: PodgraphError | null): void {
    const { succStart, succ } = this.#plan;
    const nodes = [first];
    const outcomes = [firstOutcome];
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const outcome = outcomes.pop()!;
      this.#claimed[node] = 1;
      this.#settledNodes++;
      this.#record(node, outcome);
      for (let k = succStart[node]; k < succStart[node + 1]; k++) {
        const next = succ[k];
        if (outcome !== null) {
          if (isAbort(outcome)) this.#abortedBefore[next] = 1;
          else if (!this.#failedBefore.has(next)) this.#failedBefore.set(next, outcome);
        }
        if (--this.#pending[next] !== 0 || this.#claimed[next] === 1) continue;
        const failure = this.#failedBefore.get(next);
        if (failure !== undefined) {
          nodes.push(next);
          outcomes.push(this.#blocked(next, failure));
        } else if (this.#abortedBefore[next] === 1 || this.#options.signal?.aborted) {
          nodes.push(next);
          outcomes.push(this.#notAttempted(next));
        } else {
          this.#enqueue(next);
        }
      }
    }
  }

  /** Stores the outcome unless the locked call already did, and tells the listener; a pod also settles its infra container. */
  #record(node: number, outcome: PodgraphError | null): void {
    const graph = this.#plan.graph;
    if (!this.#removals.has(node)) this.#removals.set(node, outcome);
    const { kind, id } = this.#item(node);
    if (kind === 'pod') {
      const infra = graph.podInfra[node - graph.size];
      if (infra !== -1) {
        if (!this.#removals.has(infra)) this.#removals.set(infra, outcome && infraNotRemoved(graph.ids[infra], id, outcome));
        this.#report('container', graph.ids[infra], this.#removals.get(infra) ?? null);
      }
    }
    this.#report(kind, id, outcome);
  }

  #report(kind: ItemKind, id: string, outcome: PodgraphError | null): void {
    this.#done++;
    if (outcome === null) this.#emit('removed', kind, id);
    else this.#emit('failed', kind, id, outcome);
  }

  /** The outcome of a node a failure blocked; for a pod, also the entry of its infra container (DEPENDENCY_FAILED). */
  #blocked(node: number, failure: PodgraphError): PodgraphError {
    const graph = this.#plan.graph;
    if (node < graph.size) return dependencyFailed(graph.ids[node], failure);
    const infra = graph.podInfra[node - graph.size];
    if (infra !== -1) this.#removals.set(infra, dependencyFailed(graph.ids[infra], failure));
    return podBlocked(graph.podIds[node - graph.size], failure);
  }

  /** The outcome of a node the abort kept from starting; for a pod, also the entry of its infra container. */
  #notAttempted(node: number): PodgraphError {
    const graph = this.#plan.graph;
    const signal = this.#options.signal;
    if (node >= graph.size) {
      const infra = graph.podInfra[node - graph.size];
      if (infra !== -1) this.#removals.set(infra, notAttempted('container', graph.ids[infra], signal));
    }
    const { kind, id } = this.#item(node);
    return notAttempted(kind, id, signal);
  }

  #item(node: number): { kind: ItemKind; id: string } {
    const graph = this.#plan.graph;
    return node < graph.size ? { kind: 'container', id: graph.ids[node] } : { kind: 'pod', id: graph.podIds[node - graph.size] };
  }

  #emit(type: RemovalEvent['type'], kind: ItemKind, id: string, error?: PodgraphError): void {
    const onEvent = this.#options.onEvent;
    if (onEvent === undefined) return;
    const event: RemovalEvent = { type, kind, id, done: this.#done, total: this.#plan.entries, inFlight: this.#inFlight };
    if (error !== undefined) event.error = error;
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
    if (this.#finish === undefined || this.#settledNodes < this.#plan.nodes.length || this.#inFlight > 0) return;
    const finish = this.#finish;
    this.#finish = undefined;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    finish(this.#buildReport());
  }

  #buildReport(): RemovalReport {
    const { graph, selection } = this.#plan;
    const containers = new Map<string, PodgraphError | null>();
    const pods = new Map<string, PodgraphError | null>();
    let ok = true;
    for (let i = 0; i < graph.size; i++) {
      if (selection.containers[i] === 0) continue;
      const outcome = this.#removals.get(i) ?? null;
      containers.set(graph.ids[i], outcome);
      ok &&= outcome === null;
    }
    for (let p = 0; p < graph.podCount; p++) {
      if (selection.pods[p] === 0) continue;
      const outcome = this.#removals.get(graph.size + p) ?? null;
      pods.set(graph.podIds[p], outcome);
      ok &&= outcome === null;
    }
    return { containers, pods, ok };
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
