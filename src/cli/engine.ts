/**
 * Which engine a command talks to, podman or Docker, and the runtime for it:
 * - `-c/--connection` names a podman connection, `--context` a docker context;
 * - `--url` / `-H` is asked: podman's service answers `/_ping` with a `Libpod-Api-Version`
 *   header (its Docker-compatible API too), Docker's does not;
 * - with neither, podman's own settings win when there are any ($CONTAINER_CONNECTION,
 *   $CONTAINER_HOST, a default connection), then Docker's ($DOCKER_HOST, $DOCKER_CONTEXT, a
 *   current context); then podman when it is installed: its default socket if it answers, else
 *   a `podman system service` of podgraph's own, started from the `podman` on PATH for the
 *   command and stopped when it ends; then Docker's default socket (asked too, since
 *   podman-docker puts podman behind /var/run/docker.sock).
 */
import { existsSync } from 'node:fs';
import { DockerRuntime, PodmanRuntime } from '../index.js';
import { DEFAULT_DOCKER_URL, dockerIsConfigured, environmentOf, onPath, resolveDestination } from '../internal.js';
import { type ConnectionFlags, runtimeOptionsOf } from './connection-flags.js';

export type EngineRuntime = PodmanRuntime | DockerRuntime;

/** The runtime the flags name; a URL is asked which engine serves it (one `/_ping`). */
export async function openEngine(flags: ConnectionFlags): Promise<EngineRuntime> {
  const options = runtimeOptionsOf(flags);
  const identity = options.identity === undefined ? {} : { identity: options.identity };
  if (flags.context !== undefined) return new DockerRuntime({ context: flags.context, ...identity });
  if (options.connection !== undefined) return new PodmanRuntime(options);
  if (options.url !== undefined) return asked(options.url, identity);
  const environment = environmentOf(undefined);
  const podman = resolveDestination({}, environment);
  if (podman.source !== 'default socket') return new PodmanRuntime(identity);
  if (dockerIsConfigured(environment)) return new DockerRuntime(identity);
  const socket = (url: string) => url.startsWith('unix://') && existsSync(url.slice('unix://'.length));
  // podman first when it is installed: its socket, or its executable to serve one for the command.
  if (socket(podman.url) || onPath('podman', environment.env)) return PodmanRuntime.connect({ ...identity, startService: true });
  if (socket(DEFAULT_DOCKER_URL)) return asked(DEFAULT_DOCKER_URL, identity);
  return new PodmanRuntime(identity);
}

/**
 * Asks the service at `url` which engine it is. One that does not answer gets a PodmanRuntime
 * (podgraph's engine first), unless its URL says docker: that runtime then fails reading the
 * containers with its own message, naming what to start.
 */
async function asked(url: string, identity: { identity?: string }): Promise<EngineRuntime> {
  const docker = new DockerRuntime({ url, ...identity });
  let engine: 'docker' | 'podman';
  try {
    engine = await docker.engine();
  } catch {
    engine = /docker/i.test(url) ? 'docker' : 'podman';
  }
  if (engine === 'docker') return docker;
  await docker.close();
  return new PodmanRuntime({ url, ...identity });
}

/**
 * The line that says where a command works, once, on stderr: the engine, its version and its
 * URL (or connection, or context), and why there when podgraph chose it alone.
 */
export function whereLine(runtime: EngineRuntime): string {
  const version = runtime.version === undefined ? '' : ` ${runtime.version}`;
  if (runtime instanceof DockerRuntime) {
    const { context, source } = runtime.destination;
    const via = context !== undefined ? ` (context ${context})` : source === 'default socket' ? ' (its default socket)' : '';
    return `podgraph: Docker${version} at ${runtime.url}${via}`;
  }
  const { connection, source, startedBecause } = runtime.destination;
  if (source === 'started service') {
    return `podgraph: podman${version} through a podman system service started for this command at ${runtime.url} (nothing answered at ${startedBecause}); it stops when the command ends`;
  }
  const via = connection !== undefined ? ` (connection ${connection})` : source === 'default socket' ? ' (its default socket)' : '';
  return `podgraph: podman${version} at ${runtime.url}${via}`;
}
