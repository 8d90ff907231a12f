import { Mutex } from 'async-mutex';

interface KeyLock {
  /** Made when a second user comes: until then the one holder needs no mutex (see withLock). */
  mutex: Mutex | undefined;
  /** The first holder's turn in `mutex`, taken on its behalf by whoever made the mutex. */
  holderTurn: Promise<() => void> | undefined;
  /** Holders and waiters: the lock is dropped when this falls to zero. */
  users: number;
}

/**
 * A map shared by parallel async workers, with one lock per key. `withLock(key, fn)` makes a
 * check-then-act on one key atomic (podman's per-node lock plus `syncmap.Map`) without blocking
 * other keys. A key's lock exists only while held or awaited, so memory follows the keys in use.
 */
export class LockedMap<K, V> {
  readonly #values = new Map<K, V>();
  readonly #locks = new Map<K, KeyLock>();

  get size(): number {
    return this.#values.size;
  }

  /** Keys whose lock is held or awaited right now. */
  get lockedKeys(): number {
    return this.#locks.size;
  }

  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  has(key: K): boolean {
    return this.#values.has(key);
  }

  set(key: K, value: V): this {
    this.#values.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#values.delete(key);
  }

  /** A copy of the entries as a plain Map. */
  snapshot(): Map<K, V> {
    return new Map(this.#values);
  }

  /**
   * Runs `fn` while holding `key`'s lock; resolves with its result or rejects with its error,
   * releasing the lock either way. Waiters queue on an async-mutex Mutex in arrival order. A key
   * nobody else wants (the common case: the remover visits each node once) costs no mutex: the
   * first waiter to come makes one and takes the holder's turn in it first, so its own turn
   * comes after the holder's release.
   */
  withLock<R>(key: K, fn: () => R | Promise<R>): Promise<R> {
    const lock = this.#locks.get(key);
    if (lock !== undefined) return this.#contended(key, lock, fn);
    // Nobody holds the key: hold it without a mutex (the hot path of a removal, one per item).
    const held: KeyLock = { mutex: undefined, holderTurn: undefined, users: 1 };
    this.#locks.set(key, held);
    let result: R | Promise<R>;
    try {
      result = fn();
    } catch (error) {
      this.#unlock(key, held, undefined);
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.#unlock(key, held, undefined);
        return value;
      },
      (error: unknown) => {
        this.#unlock(key, held, undefined);
        throw error;
      },
    );
  }

  /** A second user of a held key: the first one to come makes the mutex and queues behind the holder. */
  async #contended<R>(key: K, lock: KeyLock, fn: () => R | Promise<R>): Promise<R> {
    let release: (() => void) | undefined;
    try {
      lock.users++;
      if (lock.mutex === undefined) {
        lock.mutex = new Mutex();
        lock.holderTurn = lock.mutex.acquire();
      }
      release = await lock.mutex.acquire();
      return await fn();
    } finally {
      this.#unlock(key, lock, release);
    }
  }

  /** Gives the key up: to the next waiter in the mutex, or (the last user) drops the lock. */
  #unlock(key: K, lock: KeyLock, release: (() => void) | undefined): void {
    if (release !== undefined) release();
    else if (lock.holderTurn !== undefined) void lock.holderTurn.then((releaseHolder) => releaseHolder());
    if (--lock.users === 0) this.#locks.delete(key);
  }
}
