/**
 * Which engine a command talks to, podman or Docker, and the runtime for it:
 * - `-c/--connection` names a podman connection, `--context` a docker context;
 * - `--url` / `-H` is asked: podman's service answers `/_ping` with a `Libpod-Api-Version`
 *   header (its Docker-compatible API too), Docker's does not;
 * - with neither, podman's own settings win when there are any ($CONTAINER_CONNECTION,
 *   $CONTAINER_HOST, a default connection), then Docker's ($DOCKER_HOST, $DOCKER_CONTEXT, a
 *   current context), then whichever default socket exists: podman's, else Docker's (asked too,
 *   since podman-docker puts podman behind /var/run/docker.sock).
 */
import { existsSync } from 'node:fs';
import { DEFAULT_DOCKER_URL, dockerIsConfigured } from '../runtime/docker/docker-destination.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { resolveDestination } from '../runtime/podman/connection/resolve.js';
import { PodmanRuntime } from '../runtime/podman/podman-runtime.js';
import { environmentOf } from '../runtime/service/environment.js';
import { type ConnectionFlags, runtimeOptionsOf } from './connection-flags.js';

export type EngineRuntime = PodmanRuntime | DockerRuntime;

/** What a command asks of its runtime beyond where it is: `callTimeout` (ms), the runtimes' own option. */
export interface RuntimeTuning {
  callTimeout?: number;
}

/** The runtime the flags name; a URL is asked which engine serves it (one `/_ping`). */
export async function openEngine(flags: ConnectionFlags, tuning: RuntimeTuning = {}): Promise<EngineRuntime> {
  const options = runtimeOptionsOf(flags);
  // What the runtime gets whichever engine serves: the ssh key and the tuning.
  const common: Common = { ...(options.identity === undefined ? {} : { identity: options.identity }), ...tuning };
  if (flags.context !== undefined) return new DockerRuntime({ context: flags.context, ...common });
  if (options.connection !== undefined) return new PodmanRuntime({ ...options, ...tuning });
  if (options.url !== undefined) return asked(options.url, common);
  const environment = environmentOf(undefined);
  const podman = resolveDestination({}, environment);
  if (podman.source !== 'default socket') return new PodmanRuntime(common);
  if (dockerIsConfigured(environment)) return new DockerRuntime(common);
  const socket = (url: string) => url.startsWith('unix://') && existsSync(url.slice('unix://'.length));
  if (!socket(podman.url) && socket(DEFAULT_DOCKER_URL)) return asked(DEFAULT_DOCKER_URL, common);
  return new PodmanRuntime(common);
}

type Common = RuntimeTuning & { identity?: string };

/**
 * Asks the service at `url` which engine it is. One that does not answer gets a PodmanRuntime
 * (podgraph's engine first), unless its URL says docker: that runtime then fails reading the
 * containers with its own message, naming what to start.
 */
async function asked(url: string, common: Common): Promise<EngineRuntime> {
  const docker = new DockerRuntime({ url, ...common });
  let engine: 'docker' | 'podman';
  try {
    engine = await docker.engine();
  } catch {
    engine = /docker/i.test(url) ? 'docker' : 'podman';
  }
  if (engine === 'docker') return docker;
  docker.close();
  return new PodmanRuntime({ url, ...common });
}
