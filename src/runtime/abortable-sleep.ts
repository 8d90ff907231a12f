import { PodgraphError } from '../errors.js';

/**
 * Waits `ms` (forever when Infinity), or rejects with ABORTED (`what` was aborted) at once when
 * `signal` aborts: the one wait of the runtimes (a retry's back-off, a simulated call's latency,
 * a call that hangs until aborted).
 */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new PodgraphError('ABORTED', `${what} was aborted`, { cause: signal!.reason });
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer =
      ms === Infinity
        ? undefined
        : setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
