import { invalidArg, PodgraphError } from '../../errors.js';
import type { GraphSpec } from '../../graph/spec.js';
import { noSuchPod } from '../../messages.js';
import { sleep } from '../abortable-sleep.js';
import type { RemoveCallOptions, Runtime } from '../runtime.js';
import { errorText, type ServiceReply } from '../service/service-client.js';
import { ServiceConnection, type ServiceInfo, type ServiceOptions, type ServiceRequest } from '../service/service-connection.js';
import { DOCKER_SERVICE } from '../service/service-name.js';
import { StopTimeouts } from '../service/stop-timeouts.js';
import { type DockerDestination, resolveDockerDestination } from './docker-destination.js';
import { dockerError, IN_PROGRESS } from './docker-errors.js';
import { inspectDocker } from './docker-inspect.js';

/** Where a {@link DockerRuntime} finds the Docker daemon, and how it talks to it. */
export interface DockerRuntimeOptions extends ServiceOptions {
  /**
   * `unix:///path.sock`, `tcp://host[:port]` (port 2375 when left out) or
   * `ssh://[user@]host[:port][/path.sock]` (the daemon's socket on the server, by default
   * /var/run/docker.sock, reached by ssh's stream forwarding rather than `docker system dial-stdio`).
   *
   * @default DOCKER_HOST, else the current docker context (DOCKER_CONTEXT, else config.json's currentContext), else unix:///var/run/docker.sock
   */
  url?: string;
  /**
   * A docker context's name (`docker context ls`); wins over DOCKER_HOST and the current context, as `docker --context` does.
   *
   * @default undefined
   */
  context?: string;
}

/**
 * Docker Engine through its REST API. Docker refuses no removal because others depend on a
 * container (it removes it and leaves them broken), so on Docker the order is entirely the
 * engine's. Replies map onto podgraph's error codes: 404 is NO_SUCH_CTR, 409 for a running or paused
 * container without force is CTR_STATE_INVALID in podman's words with Docker's as the cause, and
 * a 409 "already in progress" waits for the other removal and counts the container removed when
 * it goes. The same class reads and removes through podman's Docker-compatible API (no pods
 * there; podman's refusals come as HTTP 500 and map as PodmanRuntime maps them). Call `close()`
 * when done so idle connections do not keep the process up.
 */
export class DockerRuntime implements Runtime {
  /** Where it connects, without any password. */
  readonly url: string;
  readonly concurrency: number | undefined;
  /** Where it connects and which rule chose it. */
  readonly destination: DockerDestination;
  readonly #service: ServiceConnection;
  /** `/v1.41`: the daemon's own API version, asked once (`GET /version`). */
  #prefix: Promise<string> | undefined;
  readonly #stopTimeouts = new StopTimeouts();
  /** Containers the last inspect saw stopped: a forced removal with a timeout needs no stop first. */
  readonly #stopped = new Set<string>();

  constructor(options: DockerRuntimeOptions = {}) {
    const opened = ServiceConnection.open(
      DOCKER_SERVICE,
      options,
      ['context', 'url', 'identity'],
      (environment) => {
        const destination = resolveDockerDestination(options, environment);
        if (/^tcp:\/\//.test(destination.url) && environment.env.DOCKER_TLS_VERIFY) {
          throw invalidArg(
            `DOCKER_TLS_VERIFY is set, but podgraph does not speak TLS to dockerd: use a unix:// or ssh:// URL for ${destination.url}`,
          );
        }
        return { destination, place: { url: destination.url, identity: options.identity, isMachine: false, name: destination.context } };
      },
      { sshSocket: '/var/run/docker.sock', tcpPort: 2375 },
    );
    this.#service = opened.service;
    this.concurrency = opened.concurrency;
    this.url = this.#service.url;
    this.destination = { ...opened.destination, url: this.url };
  }

  /** The engine's version, as its answers say it (`Server: Docker/28.5.2`); undefined until one came. */
  get version(): string | undefined {
    return this.#service.version;
  }

  /** Who answers `/_ping` (podman's Docker-compatible API says so), and its version; rejects with RUNTIME naming the URL when nothing does. */
  ping(signal?: AbortSignal): Promise<ServiceInfo> {
    return this.#service.ping(signal);
  }

  /**
   * Which engine answers: `podman` when `/_ping` carries podman's `Libpod-Api-Version` header
   * (podman's Docker-compatible API), else `docker`. Rejects with RUNTIME naming the URL when
   * nothing answers.
   */
  async engine(signal?: AbortSignal): Promise<'docker' | 'podman'> {
    return (await this.#service.ping(signal)).engine;
  }

  async inspect(): Promise<GraphSpec> {
    const prefix = await this.#apiPrefix();
    this.#stopTimeouts.clear();
    const spec = await inspectDocker(
      async (path) => {
        const full = `${prefix}${path}`;
        const reply = await this.#request('GET', full, {});
        if (reply.status === 404) return null;
        if (reply.status === 200) return reply.body;
        const error = dockerError(path, this.#service.where('GET', full), reply.status, reply.body, this.url);
        // podman's compatible API answers a container removed since the list with a 500 "no such container".
        if (error.code === 'NO_SUCH_CTR') return null;
        throw error;
      },
      this.#service.inspectConcurrency,
      (id, seconds) => this.#stopTimeouts.note(id, seconds ?? undefined),
    );
    this.#stopped.clear();
    for (const container of spec.containers ?? []) {
      if (container.state === 'created' || container.state === 'exited') this.#stopped.add(container.id);
    }
    return spec;
  }

  /**
   * `DELETE /containers/{id}?force=&v=`. Docker's DELETE has no stop timeout, so a forced removal
   * with `timeout` stops the container first (`POST /containers/{id}/stop?t=`) unless the last
   * inspect saw it stopped. A 409 "already in progress" waits for that removal (see `#awaitGone`).
   */
  async removeContainer(id: string, options: RemoveCallOptions): Promise<void> {
    const prefix = await this.#apiPrefix();
    const ref = encodeURIComponent(id);
    const stopSeconds = this.#stopTimeouts.of(id, options.timeout);
    const call = { signal: options.signal, onRetry: options.onRetry, stopSeconds };
    if (options.force && options.timeout !== undefined && !this.#stopped.has(id)) {
      const path = `${prefix}/containers/${ref}/stop?t=${options.timeout}`;
      const reply = await this.#request('POST', path, call);
      // 204 stopped, 304 was not running; 404 gone; anything else leaves it to DELETE's force.
      if (reply.status === 404) throw dockerError(id, this.#service.where('POST', path), reply.status, reply.body, this.url);
    }
    const query = new URLSearchParams({ force: String(options.force) });
    if (options.volumes === true) query.set('v', 'true');
    const path = `${prefix}/containers/${ref}?${query}`;
    // One bound for all the waiting on other removals of it: the stop time plus callTimeout.
    const limit = stopSeconds * 1000 + this.#service.callTimeout;
    let deadline: number | undefined;
    for (;;) {
      const reply = await this.#request('DELETE', path, call);
      if (reply.status >= 200 && reply.status <= 299) return;
      if (reply.status !== 409 || !IN_PROGRESS.test(errorText(reply.body))) {
        throw dockerError(id, this.#service.where('DELETE', path), reply.status, reply.body, this.url);
      }
      deadline ??= Date.now() + limit;
      if (await this.#awaitOtherRemoval(id, prefix, options, deadline, limit)) return;
      // The other removal failed: this one tries again itself.
    }
  }

  /** Docker has no pods. */
  removePod(id: string, _options?: RemoveCallOptions): Promise<void> {
    return Promise.reject(noSuchPod(id));
  }

  /** Closes the idle keep-alive connections, and the SSH connection of an ssh:// runtime. */
  async close(): Promise<void> {
    this.#service.close();
  }

  /**
   * Someone else is removing the container: polls its inspect until it is gone (true: removed,
   * and by the caller's wish, so it counts as removed) or no longer `removing` (false: the other
   * removal failed). Past `deadline` (ms since the epoch; `limit` ms after the first 409) it
   * fails RUNTIME saying so.
   */
  async #awaitOtherRemoval(id: string, prefix: string, options: RemoveCallOptions, deadline: number, limit: number): Promise<boolean> {
    const path = `${prefix}/containers/${encodeURIComponent(id)}/json`;
    for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
      await sleep(delay, options.signal, `waiting for another removal of container ${id}`);
      const reply = await this.#request('GET', path, { signal: options.signal, onRetry: options.onRetry });
      if (reply.status === 404) return true;
      if (reply.status !== 200) throw dockerError(id, this.#service.where('GET', path), reply.status, reply.body, this.url);
      const status = (reply.body as { State?: { Status?: string } } | undefined)?.State?.Status;
      if (status !== 'removing') return false;
    }
    throw new PodgraphError(
      'RUNTIME',
      `${this.#service.where('DELETE', `${prefix}/containers/${id}`)}: another removal of it was still in progress after ${limit / 1000} s`,
      { url: this.url },
    );
  }

  #apiPrefix(): Promise<string> {
    this.#prefix ??= this.#request('GET', '/version', {}).then(
      (reply) => {
        const version = (reply.body as { ApiVersion?: unknown } | undefined)?.ApiVersion;
        if (reply.status !== 200 || typeof version !== 'string' || !/^\d+\.\d+$/.test(version)) {
          throw new PodgraphError(
            'RUNTIME',
            `${this.#service.where('GET', '/version')}: HTTP ${reply.status}: no API version in ${errorText(reply.body)}`,
            { url: this.url },
          );
        }
        return `/v${version}`;
      },
      (error: unknown) => {
        this.#prefix = undefined; // not reached yet: the next call asks again
        throw error;
      },
    );
    return this.#prefix;
  }

  /** A request, tried again while the daemon is unreachable (see `retry`), each attempt with its deadline. */
  #request(method: 'GET' | 'DELETE' | 'POST', path: string, options: ServiceRequest): Promise<ServiceReply> {
    return this.#service.request(method, path, options);
  }
}
