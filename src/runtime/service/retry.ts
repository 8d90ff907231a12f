/**
 * Riding through an engine's service (podman's or Docker's) that goes away for a while (a restart, a socket-activated
 * service starting up, an ssh connection lost): requests that failed for want of the service are
 * tried again with exponential back-off and full jitter, until the service has been unreachable
 * for `budget` ms. The clock is the runtime's, not the request's: the first failure starts it,
 * any answer stops it, so a dead service ends a whole removal in about `budget`, however many
 * requests are waiting on it.
 */
import { describe, invalidArg, PodgraphError } from '../../errors.js';
import { sleep } from '../abortable-sleep.js';
import type { RuntimeRetry } from '../runtime.js';

/** How a {@link PodmanRuntime} or {@link DockerRuntime} retries requests that failed for want of the service. */
export interface RetryOptions {
  /**
   * Milliseconds the service may stay unreachable, counted for the runtime as a whole from the
   * first failure since its last answer; past that, failed requests fail RUNTIME.
   *
   * @default 20_000: a `podman system service` restart, or a socket-activated service starting
   * on the next connection, takes a few seconds (about 1 s here, more on a loaded machine); 20 s
   * rides through that with room to spare, and still ends a removal against a dead service soon.
   */
  budget?: number;
  /**
   * The first back-off's upper bound, in ms: attempt n waits a random time between 0 and
   * `min(maxDelay, initialDelay x 2^(n-1))` (exponential back-off with full jitter).
   *
   * @default 100
   */
  initialDelay?: number;
  /**
   * The largest back-off, in ms: also how late, at worst, a request notices that the service is
   * back (with full jitter, half that on average).
   *
   * @default 1_000: a local connection attempt costs well under a millisecond, so waking up once
   * a second is cheap, and a restart costs the removal little more than the outage itself
   */
  maxDelay?: number;
}

/**
 * Why an attempt failed, as far as retrying goes: `unreachable`, no answer came (refused, reset,
 * no socket, a reply cut off, an ssh channel lost); `busy`, the service answered that it could not do
 * it now (a transient answer); anything else is final.
 */
type FailureKind = 'unreachable' | 'busy';

const KIND = new WeakMap<object, FailureKind>();

/** Marks an error as worth another attempt. */
export function markTransient<T extends object>(error: T, kind: FailureKind): T {
  KIND.set(error, kind);
  return error;
}

export function transientKind(error: unknown): FailureKind | undefined {
  return typeof error === 'object' && error !== null ? KIND.get(error) : undefined;
}

interface ResolvedRetry {
  budget: number;
  initialDelay: number;
  maxDelay: number;
}

const DEFAULT_RETRY: ResolvedRetry = { budget: 20_000, initialDelay: 100, maxDelay: 1_000 };

export function resolveRetry(value: unknown): ResolvedRetry | false {
  if (value === undefined) return DEFAULT_RETRY;
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArg(`Expected \`retry\` to be false or an object { budget, initialDelay, maxDelay }, got ${describe(value)}`);
  }
  const given = value as Record<string, unknown>;
  const resolved = { ...DEFAULT_RETRY };
  for (const key of ['budget', 'initialDelay', 'maxDelay'] as const) {
    const field = given[key];
    if (field === undefined) continue;
    if (typeof field !== 'number' || !Number.isFinite(field) || field < 0 || (key !== 'budget' && field === 0)) {
      const range = key === 'budget' ? 'a finite number >= 0' : 'a finite number > 0';
      throw invalidArg(`Expected \`retry.${key}\` to be ${range} (milliseconds), got ${describe(field)}`);
    }
    resolved[key] = field;
  }
  if (resolved.maxDelay < resolved.initialDelay) {
    throw invalidArg(
      `Expected \`retry.maxDelay\` to be at least \`retry.initialDelay\` (${resolved.initialDelay}), got ${describe(resolved.maxDelay)}`,
    );
  }
  return resolved;
}

/** One runtime's retry state: whether it ever reached its service, and since when it has not. */
export class Retrier {
  readonly #policy: ResolvedRetry | false;
  readonly #random: () => number;
  #reached = false;
  #unreachableSince: number | undefined;

  constructor(policy: ResolvedRetry | false, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /**
   * Runs `attempt` (which resolves with any answer of the service, whatever its status) until it
   * settles with anything but a transient failure, or the budget is spent. A runtime that never had an answer fails at once: a wrong URL or a service that is not
   * there is not a restart, and saying so at once is kinder than 20 s of silence.
   */
  async run<T>(
    attempt: () => Promise<T>,
    options: { signal?: AbortSignal | undefined; onRetry?: ((notice: RuntimeRetry) => void) | undefined; what: string },
  ): Promise<T> {
    for (let n = 1; ; n++) {
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await attempt() };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const kind = outcome.ok ? undefined : transientKind(outcome.error);
      if (outcome.ok) {
        // An answer, whatever its status: the service is there.
        this.#reached = true;
        this.#unreachableSince = undefined;
        return outcome.value;
      }
      // Final failures (aborted, no answer by the deadline, refused by ssh, permission denied)
      // say nothing of whether the service is there: they leave the clock as it is.
      if (kind === undefined) throw outcome.error;
      const error = (outcome as { error: PodgraphError }).error;
      if (kind === 'busy') this.#reached = true;
      const policy = this.#policy;
      if (policy === false || !this.#reached || options.signal?.aborted) throw error;
      const now = performance.now();
      this.#unreachableSince ??= now;
      const left = policy.budget - (now - this.#unreachableSince);
      if (left <= 0) throw this.#exhausted(error, policy, now);
      const ceiling = Math.min(policy.maxDelay, policy.initialDelay * 2 ** Math.min(n - 1, 30));
      const delay = Math.min(left, this.#random() * ceiling);
      options.onRetry?.({ attempt: n, error, delay });
      await sleep(delay, options.signal, options.what);
    }
  }

  #exhausted(error: PodgraphError, policy: ResolvedRetry, now: number): PodgraphError {
    const since = ((now - this.#unreachableSince!) / 1000).toFixed(1);
    return new PodgraphError(
      error.code,
      `${error.message} (unreachable for ${since} s, past the retry budget of ${policy.budget / 1000} s)`,
      error.url === undefined ? { cause: error } : { cause: error, url: error.url },
    );
  }
}
