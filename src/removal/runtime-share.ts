import pLimit, { type LimitFunction } from 'p-limit';
import type { ItemKind } from '../graph/spec.js';
import { checkConcurrency } from '../runtime/concurrency.js';
import type { Runtime } from '../runtime/runtime.js';
import { LockedMap } from './locked-map.js';
import { defaultConcurrency } from './options.js';

/** One removeGraph call as its runtime's share knows it. */
export interface ShareMember {
  /** The call's own `concurrency`: the shared bound is at least this while the call runs. */
  readonly concurrency: number;
}

/**
 * What every removeGraph call on one runtime object shares (concurrent removals on one runtime), as podman's workers
 * share one lock-guarded visited/removed map and one semaphore:
 * - `removals`: the container and pod ids another running call may still reach, each mapped to
 *   the tick of its removal (so that memory can be freed once no running call is older). Its key
 *   locks are where calls meet: a call holds an item's lock across the check, the runtime call
 *   and the update, so a second call reaching the item waits, then finds it removed (and makes no
 *   call) or makes its own attempt.
 * - `limit`: one p-limit bound on the runtime calls in flight over all the calls.
 */
export class RuntimeShare {
  readonly removals: Record<ItemKind, LockedMap<string, number>> = { container: new LockedMap(), pod: new LockedMap() };
  readonly limit: LimitFunction;
  readonly #own: number | undefined;
  /** Running calls, oldest first (a Map keeps insertion order), with the tick each started at. */
  readonly #members = new Map<ShareMember, number>();
  /** Removals recorded in `removals`, oldest first: [kind, id, tick] triples, dropped from the front. */
  readonly #recorded: (ItemKind | string | number)[] = [];
  #head = 0;
  #tick = 0;

  constructor(own: number | undefined) {
    this.#own = own;
    this.limit = pLimit(own ?? defaultConcurrency());
  }

  join(member: ShareMember): void {
    this.#members.set(member, ++this.#tick);
    this.#resize();
  }

  leave(member: ShareMember): void {
    this.#members.delete(member);
    this.#resize();
    this.#forget();
  }

  /**
   * Records a removal for the other running calls. A removal only a call started before it can
   * still need (a call started later learns it from the runtime's NO_SUCH answer), so with no
   * other call running nothing is stored: one call alone costs no entries.
   */
  removed(kind: ItemKind, id: string): void {
    if (this.#members.size < 2) return;
    const tick = ++this.#tick;
    this.removals[kind].set(id, tick);
    this.#recorded.push(kind, id, tick);
  }

  /** Drops the removals no running call started before: memory follows the items in use. */
  #forget(): void {
    const oldest = this.#members.values().next();
    const recorded = this.#recorded;
    while (this.#head < recorded.length && (oldest.done === true || (recorded[this.#head + 2] as number) < oldest.value)) {
      const map = this.removals[recorded[this.#head] as ItemKind];
      const id = recorded[this.#head + 1] as string;
      if (map.get(id) === recorded[this.#head + 2]) map.delete(id);
      this.#head += 3;
    }
    if (this.#head === recorded.length) {
      recorded.length = 0;
      this.#head = 0;
    }
  }

  /** The runtime's own bound where it has one, else the larger of podman's default and the largest `concurrency` of a running call. */
  #resize(): void {
    if (this.#own !== undefined) return;
    let bound = defaultConcurrency();
    for (const member of this.#members.keys()) if (member.concurrency > bound) bound = member.concurrency;
    if (this.limit.concurrency !== bound) this.limit.concurrency = bound;
  }
}

const shares = new WeakMap<object, RuntimeShare>();

/** The share of `runtime`, made on its first removal; two runtime objects share nothing. */
export function shareOf(runtime: Runtime): RuntimeShare {
  let share = shares.get(runtime);
  if (share === undefined) {
    const own = runtime.concurrency;
    if (own !== undefined) checkConcurrency(own, "the runtime's `concurrency`");
    share = new RuntimeShare(own);
    shares.set(runtime, share);
  }
  return share;
}
