/**
 * Where the docker CLI would connect, by its own order (docker/cli `cli/command/cli.go`
 * `resolveContextName` and `cli/context/store`): a given URL, a given context, `DOCKER_HOST`,
 * `DOCKER_CONTEXT`, the config's `currentContext`, then the default socket. A context is a folder
 * `contexts/meta/<sha256 of its name>/meta.json` under the config folder (`DOCKER_CONFIG`, else
 * `~/.docker`) whose `Endpoints.docker.Host` is the URL.
 */
import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';
import { invalidArg } from '../../errors.js';
import type { ConnectionEnvironment } from '../service/environment.js';

export const DEFAULT_DOCKER_URL = 'unix:///var/run/docker.sock';

/** Which rule chose a Docker destination. */
export type DockerDestinationSource = 'url' | 'context' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'current context' | 'default socket';

/** Where a {@link DockerRuntime} connects, and why there. */
export interface DockerDestination {
  url: string;
  /** The docker context's name, when a context chose the URL. */
  context: string | undefined;
  source: DockerDestinationSource;
}

interface ContextMeta {
  Name?: unknown;
  Endpoints?: { docker?: { Host?: unknown } };
}

/** The destination for these options on this machine; an unknown or broken context is INVALID_ARG naming it. */
export function resolveDockerDestination(
  request: { url?: string | undefined; context?: string | undefined },
  environment: ConnectionEnvironment,
): DockerDestination {
  if (request.url !== undefined) return { url: request.url, context: undefined, source: 'url' };
  if (request.context !== undefined) return contextDestination(request.context, 'context', environment);
  const env = environment.env;
  if (env.DOCKER_HOST) return { url: env.DOCKER_HOST, context: undefined, source: 'DOCKER_HOST' };
  if (env.DOCKER_CONTEXT) return contextDestination(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT', environment);
  const current = currentContext(environment);
  if (current !== undefined) return contextDestination(current, 'current context', environment);
  return { url: DEFAULT_DOCKER_URL, context: undefined, source: 'default socket' };
}

/** Whether anything on this machine points the docker CLI somewhere (so a CLI without flags means Docker). */
export function dockerIsConfigured(environment: ConnectionEnvironment): boolean {
  const env = environment.env;
  return Boolean(env.DOCKER_HOST || env.DOCKER_CONTEXT) || currentContext(environment) !== undefined;
}

function configDir(environment: ConnectionEnvironment): string {
  const path = environment.platform === 'win32' ? win32 : posix;
  return environment.env.DOCKER_CONFIG || path.join(environment.home, '.docker');
}

/** `currentContext` of config.json, when it names one other than `default`. */
function currentContext(environment: ConnectionEnvironment): string | undefined {
  const file = (environment.platform === 'win32' ? win32 : posix).join(configDir(environment), 'config.json');
  const text = environment.readFile(file);
  if (text === undefined) return undefined;
  let config: { currentContext?: unknown };
  try {
    config = JSON.parse(text) as { currentContext?: unknown };
  } catch (error) {
    throw invalidArg(`${file} is not JSON: ${(error as Error).message}`);
  }
  const name = config.currentContext;
  return typeof name === 'string' && name !== '' && name !== 'default' ? name : undefined;
}

function contextDestination(name: string, source: DockerDestinationSource, environment: ConnectionEnvironment): DockerDestination {
  // `default` is the built-in context: DOCKER_HOST's, else the default socket.
  if (name === 'default') return { url: environment.env.DOCKER_HOST || DEFAULT_DOCKER_URL, context: 'default', source };
  const path = environment.platform === 'win32' ? win32 : posix;
  const metaDir = path.join(configDir(environment), 'contexts', 'meta');
  const hash = createHash('sha256').update(name).digest('hex');
  const file = path.join(metaDir, hash, 'meta.json');
  const text = environment.readFile(file);
  const via = source === 'context' ? '' : ` (from ${source})`;
  if (text === undefined) {
    const known = knownContexts(metaDir, environment);
    throw invalidArg(
      `docker context ${JSON.stringify(name)}${via} does not exist; known: ${['default', ...known].map((n) => JSON.stringify(n)).join(', ')}`,
    );
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(text) as ContextMeta;
  } catch (error) {
    throw invalidArg(`docker context ${JSON.stringify(name)}: ${file} is not JSON: ${(error as Error).message}`);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || host === '')
    throw invalidArg(`docker context ${JSON.stringify(name)} has no docker endpoint Host (${file})`);
  // `docker context create --docker host=tcp://...,ca=...,cert=...,key=...` keeps the TLS files here.
  const tls = path.join(configDir(environment), 'contexts', 'tls', hash, 'docker');
  if (host.startsWith('tcp://') && (environment.listDir(tls)?.length ?? 0) > 0) {
    throw invalidArg(
      `docker context ${JSON.stringify(name)} connects to ${host} with TLS (${tls}), which podgraph does not speak: use a unix:// or ssh:// endpoint`,
    );
  }
  return { url: host, context: name, source };
}

function knownContexts(metaDir: string, environment: ConnectionEnvironment): string[] {
  const names: string[] = [];
  for (const entry of environment.listDir(metaDir) ?? []) {
    const text = environment.readFile((environment.platform === 'win32' ? win32 : posix).join(metaDir, entry, 'meta.json'));
    try {
      const name = (JSON.parse(text ?? 'null') as ContextMeta | null)?.Name;
      if (typeof name === 'string') names.push(name);
    } catch {
      // a broken context is skipped in the list of names; naming it gives its own error
    }
  }
  return names.sort();
}
