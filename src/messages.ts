/**
 * The messages of podgraph's errors, written once: the graph, the plan, the remover and the
 * in-memory runtime all say a refusal or an outcome the same way, in podman's words where podman
 * has them.
 */
import { PodgraphError } from './errors.js';
import type { ItemKind } from './graph/spec.js';

/** `path`: where the input named it, such as the removal option `containers[2]`. */
export function noSuchContainer(idOrName: string, path?: string): PodgraphError {
  return new PodgraphError(
    'NO_SUCH_CTR',
    `no container with name or ID ${JSON.stringify(idOrName)} found: no such container`,
    path === undefined ? undefined : { path },
  );
}

/** `path`: where the input named it, such as the removal option `pods[0]`. */
export function noSuchPod(idOrName: string, path?: string): PodgraphError {
  return new PodgraphError(
    'NO_SUCH_POD',
    `no pod with name or ID ${idOrName} found: no such pod`,
    path === undefined ? undefined : { path },
  );
}

/** A running, paused or stopping container without force. */
export function stateInvalid(id: string, state: string): PodgraphError {
  return new PodgraphError(
    'CTR_STATE_INVALID',
    `cannot remove container ${id} as it is ${state} - running or paused containers cannot be removed without force`,
  );
}

export function infraContainer(id: string, podId: string): PodgraphError {
  return new PodgraphError(
    'INFRA_CTR',
    `container ${id} is the infra container of pod ${podId} and cannot be removed without removing the pod`,
  );
}

export function hasDependents(id: string, dependents: readonly string[]): PodgraphError {
  return new PodgraphError(
    'CTR_EXISTS',
    `container ${id} has dependent containers which must be removed before it: ${dependents.join(', ')}`,
  );
}

/** A pod whose removal left a member that could not go (podman's pod rm without force). */
export function podMembersLeft(podId: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError('CTR_STATE_INVALID', `not all containers could be removed from pod ${podId}: ${cause.message}`, { cause });
}

export function dependencyFailed(id: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError('DEPENDENCY_FAILED', `a container that depends on container ${id} could not be removed`, { cause });
}

export function podBlocked(podId: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError('REMOVING_CTRS', `not all containers could be removed from pod ${podId}`, { cause });
}

export function notAttempted(kind: ItemKind, id: string, reason: unknown): PodgraphError {
  return new PodgraphError('ABORTED', `removal of ${kind} ${id} was not attempted: the removal was aborted`, { cause: reason });
}

/** A member of a pod removed in one call that failed without saying which members it left. */
export function memberNotRemoved(id: string, podId: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError(cause.code, `container ${id} was to be removed with pod ${podId}, whose removal failed: ${cause.message}`, {
    cause,
  });
}

/** The infra container shares its pod's fate when the pod's own removal fails. */
export function infraNotRemoved(infraId: string, podId: string, cause: PodgraphError): PodgraphError {
  return new PodgraphError(cause.code, `infra container ${infraId} of pod ${podId} was not removed: ${cause.message}`, { cause });
}
