/**
 * Container targets the graph does not know, asked of a runtime that can remove containers its
 * `inspect()` does not list (`Runtime.removeUnlistedContainer`: podman's storage-only containers).
 * They have no dependencies podgraph can know of, so each is one call of its own, made before
 * any call on the graph: when the runtime does not know one either (NO_SUCH_CTR) and the call
 * does not ignore unknown targets, removeGraph rejects with podman's "no such container" and
 * the graph is left alone, as `podman rm NAME bogus` leaves NAME.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { type PodgraphError, safeString } from '../errors.js';
import type { RemoveCallOptions, Runtime } from '../runtime/runtime.js';
import { noSuchContainer, notAttempted } from '../sentences.js';
import type { ResolvedOptions } from './options.js';
import { classifyFailure } from './outcomes.js';
import type { RemovalEvent, RemovalReport } from './report.js';

/** Report entries of the unlisted targets, by the id or name as given; ignored unknown ones have none. */
export async function removeUnlisted(
  refs: readonly string[],
  runtime: Runtime,
  options: ResolvedOptions,
  shared: LimitFunction,
): Promise<Map<string, PodgraphError | null>> {
  const entries = new Map<string, PodgraphError | null>();
  const remove = runtime.removeUnlistedContainer?.bind(runtime);
  if (refs.length === 0 || remove === undefined) return entries;
  const callOptions: RemoveCallOptions = { force: options.force, signal: options.signal };
  if (options.timeout !== undefined) callOptions.timeout = options.timeout;
  if (options.volumes) callOptions.volumes = true;
  // The call's own bound, then a slot of the runtime's shared one around the runtime call alone.
  // Holding the first while waiting for the second cannot deadlock: a shared slot's holder waits
  // for nothing but the runtime (and no key lock is involved here).
  const limit = pLimit(options.concurrency);
  let done = 0;
  let inFlight = 0;
  const emit = (type: RemovalEvent['type'], id: string, error?: PodgraphError) => {
    const event: RemovalEvent = { type, kind: 'container', id, done, total: refs.length, inFlight };
    if (error !== undefined) event.error = error;
    try {
      options.onEvent?.(event);
    } catch (listenerError) {
      process.emitWarning(`podgraph: an onEvent listener threw, its errors are ignored: ${safeString(listenerError)}`, 'PodgraphWarning');
    }
  };
  const unknown: string[] = [];
  await Promise.all(
    refs.map((ref) =>
      limit(async () => {
        if (options.signal?.aborted) {
          entries.set(ref, notAttempted('container', ref, options.signal.reason));
          return;
        }
        inFlight++;
        emit('start', ref);
        let outcome: PodgraphError | null = null;
        let gone = false;
        try {
          await shared(() => remove(ref, callOptions));
        } catch (error) {
          gone = (error as { code?: unknown } | null)?.code === 'NO_SUCH_CTR';
          if (!gone) outcome = classifyFailure('container', ref, error, options.signal);
        }
        inFlight--;
        if (gone) {
          unknown.push(ref);
          return;
        }
        entries.set(ref, outcome);
        done++;
        if (outcome === null) emit('removed', ref);
        else emit('failed', ref, outcome);
      }),
    ),
  );
  if (unknown.length > 0 && !options.ignore) throw noSuchContainer(refs.find((ref) => unknown.includes(ref))!);
  return entries;
}

/** The graph's report with the unlisted targets' entries added. */
export function withUnlisted(report: RemovalReport, unlisted: ReadonlyMap<string, PodgraphError | null>): RemovalReport {
  if (unlisted.size === 0) return report;
  const containers = new Map(report.containers);
  let ok = report.ok;
  for (const [ref, outcome] of unlisted) {
    containers.set(ref, outcome);
    ok &&= outcome === null;
  }
  return { containers, pods: report.pods, ok };
}
