/** The input model of SPEC section 1: plain data, as JSON or as podman's inspect gives it. */

export const CONTAINER_STATES = ['created', 'running', 'paused', 'stopping', 'exited', 'stopped'] as const;

export type ContainerState = (typeof CONTAINER_STATES)[number];

/** A container of a {@link GraphSpec}. */
export interface ContainerSpec {
  /** Unique among containers, non-empty. */
  id: string;
  /**
   * Unique among containers when given; ids and names share one namespace.
   *
   * @default undefined
   */
  name?: string;
  /**
   * Id (or name) of the pod it belongs to; absent for a container outside pods.
   *
   * @default undefined
   */
  pod?: string;
  /**
   * The pod's infra container: at most one per pod, needs `pod`. Every other member of the pod depends on it.
   *
   * @default false
   */
  infra?: boolean;
  /**
   * Running, paused and stopping containers are removed only with `force`.
   *
   * @default 'created'
   */
  state?: ContainerState;
  /**
   * Ids or names of the containers it depends on (podman's `--requires`, `--network container:`, ...).
   *
   * @default []
   */
  dependsOn?: string[];
}

/** A pod of a {@link GraphSpec}. */
export interface PodSpec {
  /** Unique among pods, non-empty. */
  id: string;
  /**
   * Unique among pods when given.
   *
   * @default undefined
   */
  name?: string;
}

/** The input model: plain data, as JSON or as podman's inspect gives it. */
export interface GraphSpec {
  /** @default [] */
  pods?: PodSpec[];
  /** @default [] */
  containers?: ContainerSpec[];
}

/** States in which podman refuses to remove a container without force. */
export function isActiveState(state: ContainerState): boolean {
  return state === 'running' || state === 'paused' || state === 'stopping';
}
