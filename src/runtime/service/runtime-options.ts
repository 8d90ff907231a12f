/** Options and defaults that PodmanRuntime and DockerRuntime read alike. */
import { userInfo } from 'node:os';
import { posix, win32 } from 'node:path';
import { describe, invalidArg } from '../../errors.js';
import type { RuntimeRetry } from '../runtime.js';
import type { ConnectionEnvironment } from './environment.js';
import type { ServiceName } from './service-name.js';
import type { SshAddress } from './service-url.js';
import { SshTransport } from './ssh/ssh-transport.js';

/** podman 5 (and ssh) log in as the local user when an ssh URL names none. */
export function defaultUser(environment: ConnectionEnvironment): string {
  if (environment.env.USER) return environment.env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

/**
 * The ssh transport to a service's socket, as both runtimes make it: the environment's
 * `~/.ssh/known_hosts` and SSH_AUTH_SOCK, at most `maxChannels` channels.
 */
export function sshTransportOf(
  address: SshAddress,
  environment: ConnectionEnvironment,
  options: { identity: string | undefined; isMachine: boolean; maxChannels: number; service: ServiceName },
): SshTransport {
  return new SshTransport({
    address,
    ...options,
    agentSocket: environment.env.SSH_AUTH_SOCK,
    knownHostsFile: (environment.platform === 'win32' ? win32 : posix).join(environment.home, '.ssh', 'known_hosts'),
    knownHostsShown: '~/.ssh/known_hosts',
    readFile: (path) => environment.readFile(path),
  });
}

/** An integer option >= 1, `fallback` when absent; INVALID_ARG naming it otherwise. */
export function positiveInteger(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw invalidArg(`Expected \`${key}\` to be an integer from 1 and up, got ${describe(value)}`);
  }
  return value as number;
}

/** `callTimeout`: milliseconds > 0 or Infinity, 30 s by default. */
export function callTimeoutOf(value: unknown): number {
  const callTimeout = value ?? 30_000;
  if (typeof callTimeout !== 'number' || Number.isNaN(callTimeout) || callTimeout <= 0) {
    throw invalidArg(`Expected \`callTimeout\` to be a number of milliseconds > 0 or Infinity, got ${describe(callTimeout)}`);
  }
  return callTimeout;
}

/** A request's deadline: `callTimeout`, plus the seconds the service may spend stopping a container. */
export function deadlineOf(callTimeout: number, stopSeconds: number | undefined): { ms: number; why: string } {
  return stopSeconds === undefined
    ? { ms: callTimeout, why: `callTimeout ${callTimeout / 1000} s` }
    : { ms: stopSeconds * 1000 + callTimeout, why: `${stopSeconds} s to stop it plus callTimeout ${callTimeout / 1000} s` };
}

/** `connection`, `url`, `identity` and the like: non-empty strings when given. */
export function checkStrings(options: object, keys: readonly string[]): void {
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw invalidArg(`Expected \`${key}\` to be a non-empty string, got ${describe(value)}`);
    }
  }
}

/** What a runtime's own request takes besides its method and path. */
export interface CallRequest {
  signal?: AbortSignal | undefined;
  /** `text` for the few endpoints that answer plain text (`/_ping`). */
  as?: 'json' | 'text';
  /** Seconds the service may spend stopping a container: added to the deadline. */
  stopSeconds?: number;
  onRetry?: ((retry: RuntimeRetry) => void) | undefined;
}
