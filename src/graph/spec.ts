/** The input model: plain data, as JSON or as podman's inspect gives it. */

export const CONTAINER_STATES = ['created', 'running', 'paused', 'stopping', 'exited', 'stopped'] as const;

export type ContainerState = (typeof CONTAINER_STATES)[number];

/** What a removal acts on: a container or a pod. */
export type ItemKind = 'container' | 'pod';

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
  /** podman's labels (`Config.Labels`), string to string: what `label=` filters match. */
  labels?: Record<string, string>;
  /** When it was created, RFC 3339 up to nanoseconds (podman's inspect `Created`): what `before=` / `since=` compare. */
  created?: string;
  /** The code it exited with, for a container in state `exited` or `stopped`: what `exited=` matches. */
  exitCode?: number;
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
  /** The pod's own labels (podman's pod `Labels`). */
  labels?: Record<string, string>;
}

/** Labels as the model keeps them: a frozen copy, never shared with the input. */
export type Labels = Readonly<Record<string, string>>;

/**
 * The input model: plain data, as JSON or as podman's inspect gives it. A key the model does not
 * know is refused (INVALID_ARG, its `path` naming the key), so a typo such as `depends_on` is not
 * silently ignored; a key whose value is `undefined` counts as absent.
 */
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

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** A creation time in nanoseconds since the epoch, exact to podman's nanosecond; undefined when it is not RFC 3339. */
export function createdNanos(text: string): bigint | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** What a graph can be read from: a runtime (`Runtime`), or anything else that reports a spec. */
export interface GraphSource {
  inspect(): Promise<GraphSpec>;
}
