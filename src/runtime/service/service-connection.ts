/**
 * What PodmanRuntime and DockerRuntime hold alike: one connection to an engine's API service,
 * with its client (unix, tcp or ssh), its retry of a service that went away, a deadline on every
 * request, `/_ping`, and `close()`. The options both runtimes take are checked here, when the
 * runtime is constructed.
 */
import { userInfo } from 'node:os';
import { posix, win32 } from 'node:path';
import { describe, invalidArg, PodgraphError } from '../../errors.js';
import { checkConcurrency } from '../concurrency.js';
import type { RuntimeRetry } from '../runtime.js';
import { type ConnectionEnvironment, environmentOf } from './environment.js';
import { markTransient, Retrier, type RetryOptions, resolveRetry } from './retry.js';
import { errorText, ServiceClient, type ServiceReply, type ServiceTransport } from './service-client.js';
import type { ServiceName } from './service-name.js';
import { parseServiceUrl, type UrlDefaults } from './service-url.js';
import { SshTransport } from './ssh/ssh-transport.js';

/** The longest a Node timer waits; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The options PodmanRuntime and DockerRuntime take alike. */
export interface ServiceOptions {
  /**
   * An ssh private key file for ssh:// URLs; for podman it wins over the connection's and
   * CONTAINER_SSHKEY. Without any: the keys of SSH_AUTH_SOCK.
   *
   * @default undefined
   */
  identity?: string;
  /**
   * What resolution and ssh read from the machine (environment variables, uid, platform, home,
   * files). Tests pass a private HOME, so known_hosts is theirs.
   *
   * @default this process's
   */
  environment?: Partial<ConnectionEnvironment>;
  /**
   * Container inspects in flight at once during `inspect()` (neither engine's list has the dependencies).
   *
   * @default 8
   */
  inspectConcurrency?: number;
  /**
   * Keep-alive connections at most (ssh channels, over ssh).
   *
   * @default 64
   */
  maxSockets?: number;
  /**
   * Runtime calls in flight at most over every removeGraph call on this runtime (an integer >= 1
   * or Infinity), shared by the calls as podman's own parallel workers share one semaphore;
   * checked when the runtime is made.
   * @default the larger of 3 x CPUs + 1 and the largest `concurrency` of a removal in flight
   */
  concurrency?: number;
  /**
   * Retries of requests that failed for want of the service (refused, reset, broken pipe, the
   * socket missing while the service restarts, a reply cut off, an ssh connection or channel
   * lost): exponential back-off with full jitter until the service has been unreachable for
   * `budget` ms, counted for the runtime as a whole (any answer resets it). A runtime that never
   * reached its service fails at once; refusals (absent, running, dependents, infra, any error of
   * the engine's) are never retried. `false`: no retries.
   *
   * @default { budget: 20_000, initialDelay: 100, maxDelay: 1_000 }: rides through a service
   * restart of a few seconds, and a dead service still ends a removal in about 20 s
   */
  retry?: RetryOptions | false;
  /**
   * Milliseconds a request may wait for its answer on top of the time the engine may spend
   * stopping a container: a removal gets the stop timeout (`timeout` seconds, else the
   * container's own, 10 s by default) plus this; any other request this alone. Past it the call
   * fails RUNTIME naming the request and the limit, so a hung engine cannot hang a removal. Such
   * a call is not retried: the engine may still be doing it. On Docker, also how long a removal
   * someone else started may take to finish. `Infinity`: no deadline.
   *
   * @default 30_000: an API removal takes tens of ms, a loaded engine a few seconds
   */
  callTimeout?: number;
}

/** Who answers at a service's URL, from its `/_ping`. */
export interface ServiceInfo {
  /** `podman` when the answer carries podman's `Libpod-Api-Version` header (its Docker-compatible API too), else `docker`. */
  engine: 'podman' | 'docker';
  /** The engine's version, from the answer's `Libpod-Api-Version` or `Server: Docker/28.5.2` header, when it says. */
  version: string | undefined;
}

/** A request of a runtime: its method and path, and what else it takes. */
export interface ServiceRequest {
  signal?: AbortSignal | undefined;
  /** `text` for the few endpoints that answer plain text (`/_ping`). */
  as?: 'json' | 'text';
  /** Seconds the service may spend stopping a container: added to the deadline. */
  stopSeconds?: number | undefined;
  onRetry?: ((retry: RuntimeRetry) => void) | undefined;
  /** An answer that means "not now" rather than "no" (its text), to be tried again like a lost connection. */
  busy?: (reply: ServiceReply) => string | undefined;
}

/** An integer option >= 1, `fallback` when absent; INVALID_ARG naming it otherwise. */
function positiveInteger(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw invalidArg(`Expected \`${key}\` to be an integer from 1 and up, got ${describe(value)}`);
  }
  return value as number;
}

/** `connection`, `url`, `identity` and the like: non-empty strings when given. */
function checkStrings(options: object, keys: readonly string[]): void {
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw invalidArg(`Expected \`${key}\` to be a non-empty string, got ${describe(value)}`);
    }
  }
}

/** `callTimeout`: milliseconds > 0 or Infinity, 30 s by default. */
function callTimeoutOf(value: unknown): number {
  const callTimeout = value ?? 30_000;
  if (typeof callTimeout !== 'number' || Number.isNaN(callTimeout) || callTimeout <= 0) {
    throw invalidArg(`Expected \`callTimeout\` to be a number of milliseconds > 0 or Infinity, got ${describe(callTimeout)}`);
  }
  return callTimeout;
}

/** podman 5 (and ssh) log in as the local user when an ssh URL names none. */
function defaultUser(environment: ConnectionEnvironment): string {
  if (environment.env.USER) return environment.env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

/** The environment the options describe (`environment`, else this process's), checked as an object first. */
function environmentOption(options: ServiceOptions): ConnectionEnvironment {
  const given = options.environment;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw invalidArg(`Expected \`environment\` to be an object, got ${describe(given)}`);
  }
  return environmentOf(given);
}

/** Where a runtime connects, as its engine's resolution decided. */
interface ServiceDestination {
  url: string;
  identity: string | undefined;
  /** A podman machine connection: its host key is not checked. */
  isMachine: boolean;
  /** The connection's or context's name, for messages. */
  name: string | undefined;
}

/** A connection opened for a runtime, with what the runtime keeps of its options. */
interface OpenedService<D> {
  service: ServiceConnection;
  /** Where it connects, as the engine's resolution chose it. */
  destination: D;
  /** The runtime's own `concurrency`, checked. */
  concurrency: number | undefined;
}

export class ServiceConnection {
  /**
   * The constructor sequence both runtimes share: the options' strings, `concurrency` and
   * `environment` checked, the destination resolved by the engine's rules (`resolve`, which may
   * refuse it), then the connection made (see the constructor).
   */
  static open<D>(
    service: ServiceName,
    options: ServiceOptions,
    strings: readonly string[],
    resolve: (environment: ConnectionEnvironment) => { destination: D; place: ServiceDestination },
    defaults: Omit<UrlDefaults, 'user'> = {},
  ): OpenedService<D> {
    checkStrings(options, strings);
    const concurrency = options.concurrency === undefined ? undefined : checkConcurrency(options.concurrency);
    const environment = environmentOption(options);
    const { destination, place } = resolve(environment);
    return { service: new ServiceConnection(service, place, environment, options, defaults), destination, concurrency };
  }

  /** Where it connects, without any password. */
  readonly url: string;
  readonly service: ServiceName;
  /** What the runtime read from the machine (the variables a service it starts inherits, among them). */
  readonly environment: ConnectionEnvironment;
  readonly inspectConcurrency: number;
  readonly #client: ServiceClient;
  /** Milliseconds a request may wait for its answer on top of a stop (the runtimes' `callTimeout`). */
  readonly callTimeout: number;
  readonly #retrier: Retrier;
  #version: string | undefined;

  /** Checks the options both runtimes take (INVALID_ARG saying what it got) and makes the client; connects on the first request. */
  constructor(
    service: ServiceName,
    destination: ServiceDestination,
    environment: ConnectionEnvironment,
    options: ServiceOptions,
    defaults: Omit<UrlDefaults, 'user'> = {},
  ) {
    const endpoint = parseServiceUrl(destination.url, { ...defaults, user: defaultUser(environment) });
    const maxSockets = positiveInteger(options.maxSockets, 'maxSockets', 64);
    this.inspectConcurrency = positiveInteger(options.inspectConcurrency, 'inspectConcurrency', 8);
    this.#retrier = new Retrier(resolveRetry(options.retry));
    this.callTimeout = callTimeoutOf(options.callTimeout);
    this.url = endpoint.url;
    this.service = service;
    this.environment = environment;
    let transport: ServiceTransport | undefined;
    if ('ssh' in endpoint) {
      transport = new SshTransport({
        address: endpoint.ssh,
        identity: destination.identity,
        isMachine: destination.isMachine,
        maxChannels: maxSockets,
        service,
        agentSocket: environment.env.SSH_AUTH_SOCK,
        knownHostsFile: (environment.platform === 'win32' ? win32 : posix).join(environment.home, '.ssh', 'known_hosts'),
        knownHostsShown: '~/.ssh/known_hosts',
        readFile: (path) => environment.readFile(path),
      });
    }
    this.#client = new ServiceClient(endpoint, maxSockets, { service, transport, connection: destination.name });
  }

  /** The engine's version as its answers carry it (podman's `Libpod-Api-Version`), once one came. */
  get version(): string | undefined {
    return this.#version;
  }

  /** `podman service at URL (connection NAME): METHOD path`: where a request went, for every message about it. */
  where(method: string, path: string): string {
    return this.#client.where(method, path);
  }

  /**
   * A request, tried again while the service is unreachable (the runtime's `retry`) or answers
   * `busy`, each attempt with its deadline: `callTimeout`, plus `stopSeconds` for a removal.
   */
  request(method: 'GET' | 'DELETE' | 'POST', path: string, options: ServiceRequest = {}): Promise<ServiceReply> {
    const ms = options.stopSeconds === undefined ? this.callTimeout : options.stopSeconds * 1000 + this.callTimeout;
    const why =
      options.stopSeconds === undefined
        ? `callTimeout ${this.callTimeout / 1000} s`
        : `${options.stopSeconds} s to stop it plus callTimeout ${this.callTimeout / 1000} s`;
    // Past a timer's reach (2^31 - 1 ms, about 24.8 days: podman's "wait forever" stop), no deadline at all.
    const deadline = { ms: ms > MAX_TIMER_MS ? Infinity : ms, why };
    const attempt = async () => {
      const reply = await this.#client.request(method, path, { signal: options.signal, as: options.as ?? 'json', deadline });
      this.#version ??= versionOf(reply);
      const busy = options.busy?.(reply);
      if (busy !== undefined) {
        throw markTransient(
          new PodgraphError('RUNTIME', `${this.where(method, path)}: HTTP ${reply.status}: ${busy}`, { url: this.url }),
          'busy',
        );
      }
      return reply;
    };
    return this.#retrier.run(attempt, { signal: options.signal, onRetry: options.onRetry, what: `${method} ${path}` });
  }

  /** Who answers `/_ping`; rejects with RUNTIME naming the URL when nothing does. */
  async ping(signal?: AbortSignal): Promise<ServiceInfo> {
    const reply = await this.request('GET', '/_ping', { signal, as: 'text' });
    if (reply.status !== 200) {
      throw new PodgraphError('RUNTIME', `${this.where('GET', '/_ping')}: HTTP ${reply.status}: ${errorText(reply.body)}`, {
        url: this.url,
      });
    }
    return { engine: reply.headers['libpod-api-version'] !== undefined ? 'podman' : 'docker', version: versionOf(reply) };
  }

  /** Closes the idle keep-alive connections, and the SSH connection of an ssh:// runtime. */
  close(): void {
    this.#client.close();
  }
}

/** The engine's version in an answer's headers: podman's `Libpod-Api-Version: 5.8.6`, Docker's `Server: Docker/28.5.2 (linux)`. */
function versionOf(reply: ServiceReply): string | undefined {
  const libpod = reply.headers['libpod-api-version'];
  if (typeof libpod === 'string' && libpod !== '') return libpod;
  const server = /^Docker\/(\S+)/.exec(String(reply.headers.server ?? ''));
  return server?.[1];
}
