/** The input model of SPEC section 1: plain data, as JSON or as podman's inspect gives it. */

export const CONTAINER_STATES = ['created', 'running', 'paused', 'stopping', 'exited', 'stopped'] as const;

export type ContainerState = (typeof CONTAINER_STATES)[number];

export interface ContainerSpec {
  /** Unique among containers, non-empty. */
  id: string;
  /** Unique among containers when given. */
  name?: string;
  /** Id (or name) of the pod it belongs to. */
  pod?: string;
  /** The pod's infra container: at most one per pod, needs `pod`. */
  infra?: boolean;
  /** Default `'created'`. */
  state?: ContainerState;
  /** Ids or names of the containers it depends on. */
  dependsOn?: string[];
}

export interface PodSpec {
  id: string;
  name?: string;
}

export interface GraphSpec {
  pods?: PodSpec[];
  containers?: ContainerSpec[];
}

/** States in which podman refuses to remove a container without force. */
export function isActiveState(state: ContainerState): boolean {
  return state === 'running' || state === 'paused' || state === 'stopping';
}
