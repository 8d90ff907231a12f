import { isErrorCode, PodgraphError, safeString } from '../errors.js';

export type ItemKind = 'container' | 'pod';

/** Blocked items wait on an aborted one without having failed: they are ABORTED, not DEPENDENCY_FAILED. */
export function isAbort(error: PodgraphError): boolean {
  return error.code === 'ABORTED';
}

export function notAttempted(kind: ItemKind, id: string, signal: AbortSignal | undefined): PodgraphError {
  return new PodgraphError('ABORTED', `removal of ${kind} ${id} was not attempted: the removal was aborted`, { cause: signal?.reason });
}

export function dependencyFailed(id: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError('DEPENDENCY_FAILED', `a container that depends on container ${id} could not be removed`, { cause });
}

export function podBlocked(podId: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError('REMOVING_CTRS', `not all containers could be removed from pod ${podId}`, { cause });
}

/** The infra container shares its pod's fate when the pod's own removal fails. */
export function infraNotRemoved(infraId: string, podId: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError(cause.code, `infra container ${infraId} of pod ${podId} was not removed: ${cause.message}`, { cause });
}

/**
 * What a runtime rejection means for the report: null when the item is already gone (someone
 * else removed it), ABORTED when our signal cut the call short, else a new PodgraphError with the
 * runtime's code when it is one of ours (RUNTIME otherwise) and the runtime's error as cause.
 */
export function classifyFailure(kind: ItemKind, id: string, error: unknown, signal: AbortSignal | undefined): PodgraphError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === (kind === 'pod' ? 'NO_SUCH_POD' : 'NO_SUCH_CTR')) return null;
  const message =
    error instanceof Error && error.message !== '' ? error.message : `the runtime failed to remove ${kind} ${id}: ${safeString(error)}`;
  const aborted = signal?.aborted === true && (code === 'ABORT_ERR' || (error as Error | null)?.name === 'AbortError');
  return new PodgraphError(aborted ? 'ABORTED' : isErrorCode(code) ? code : 'RUNTIME', message, { cause: error });
}
