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
  /** podman's labels (`Config.Labels`), string to string: what `label=` filters match. */
  labels?: Record<string, string>;
}

export interface PodSpec {
  id: string;
  name?: string;
  /** The pod's own labels (podman's pod `Labels`). */
  labels?: Record<string, string>;
}

/** Labels as the model keeps them: a frozen copy, never shared with the input. */
export type Labels = Readonly<Record<string, string>>;

export interface GraphSpec {
  pods?: PodSpec[];
  containers?: ContainerSpec[];
}

/** States in which podman refuses to remove a container without force. */
export function isActiveState(state: ContainerState): boolean {
  return state === 'running' || state === 'paused' || state === 'stopping';
}
