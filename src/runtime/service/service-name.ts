/** Which engine's service a client talks to, for every message: `podman service`, `` `podman system service` ``. */
export interface ServiceName {
  /** How the service is named before its URL: `podman service`, `Docker daemon`. */
  readonly label: string;
  /** What starts it, for hints: `` `podman system service` ``, `dockerd`. */
  readonly start: string;
  /** Whose socket it is, for hints: `podman's`, `Docker's`. */
  readonly owner: string;
}

export const PODMAN_SERVICE: ServiceName = { label: 'podman service', start: '`podman system service`', owner: "podman's" };
export const DOCKER_SERVICE: ServiceName = { label: 'Docker daemon', start: 'dockerd', owner: "Docker's" };
