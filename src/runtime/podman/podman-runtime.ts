import { describe, invalidArg, PodgraphError } from '../../errors.js';
import type { GraphSpec, ItemKind } from '../../graph/spec.js';
import { PodMembersLeftError } from '../pod-members-left.js';
import type { PodToRemove, RemoveCallOptions, Runtime } from '../runtime.js';
import { codeOf } from '../service/refusal-codes.js';
import { transientKind } from '../service/retry.js';
import { errorText, type ServiceReply } from '../service/service-client.js';
import { ServiceConnection, type ServiceInfo, type ServiceOptions, type ServiceRequest } from '../service/service-connection.js';
import { PODMAN_SERVICE } from '../service/service-name.js';
import { StopTimeouts } from '../service/stop-timeouts.js';
import { type PodmanDestination, resolveDestination } from './connection/resolve.js';
import { type OwnService, onPath, startOwnService } from './own-service.js';
import { busyAnswer, podmanError } from './podman-errors.js';
import { inspectPodman, STORAGE_GONE, STORAGE_GONE_TEXT } from './podman-inspect.js';

/** Seconds podgraph's own service waits idle before it ends by itself: a backstop for a podgraph killed midway. */
const OWN_SERVICE_IDLE_SECONDS = 60;

/** Where a {@link PodmanRuntime} finds podman's API service, and how it talks to it. */
export interface PodmanRuntimeOptions extends ServiceOptions {
  /**
   * A podman connection's name (`podman system connection list`): podman-connections.json first,
   * then containers.conf's `service_destinations`. An unknown name is INVALID_ARG naming the known ones.
   *
   * @default undefined
   */
  connection?: string;
  /**
   * `unix:///path.sock`, `tcp://host:port` or `ssh://user@host[:port]/path.sock`. With neither
   * `connection` nor `url`: where `podman --remote` would connect.
   *
   * @default CONTAINER_CONNECTION, else CONTAINER_HOST, else the default connection, else the rootful or rootless socket
   */
  url?: string;
  /**
   * The API version in every path (`/v4.0.0/libpod/...`); podman 4.0 and later answer it.
   *
   * @default 'v4.0.0'
   */
  apiVersion?: string;
  /**
   * With {@link PodmanRuntime.connect}: when nothing names a destination (no `connection`, `url`,
   * CONTAINER_CONNECTION, CONTAINER_HOST or default connection) and the default socket does not
   * answer, start `podman system service` from the `podman` on PATH on a private socket, and stop
   * it (by its PID) on `close()`. The constructor never starts anything.
   *
   * @default false
   */
  startService?: boolean;
}

interface RemovedItem {
  Id?: string;
  Err?: string | null;
}

/**
 * A real podman, through its REST API service (`podman system service`). podman enforces the
 * rules itself; this class maps its replies onto podgraph's error codes: 404 is NO_SUCH_*, podman's causes
 * are CTR_EXISTS, CTR_STATE_INVALID and INFRA_CTR, anything else is RUNTIME with podman's message
 * and the HTTP status. Call `close()` when done so idle connections do not keep the process up.
 */
export class PodmanRuntime implements Runtime {
  /** Where it connects, without any password. */
  readonly url: string;
  readonly concurrency: number | undefined;
  /** The connection's name, when a named connection was chosen. */
  readonly connection: string | undefined;
  /** Where it connects and which rule chose it. */
  destination: PodmanDestination;
  readonly #service: ServiceConnection;
  readonly #prefix: string;
  readonly #stopTimeouts = new StopTimeouts();
  /** Containers the last inspect saw with a volume mounted. */
  readonly #withVolumes = new Set<string>();

  /** The service this runtime started (`connect` with `startService`), stopped on close(). */
  #ownService: OwnService | undefined;

  /**
   * A runtime whose service answered (`/_ping`), so its version is known. With `startService`,
   * a machine where no podman service runs gets one of podgraph's own (see `startService`); the
   * runtime's `destination.source` is then `started service`. Rejects with RUNTIME naming the URL
   * when nothing answers.
   */
  static async connect(options: PodmanRuntimeOptions = {}): Promise<PodmanRuntime> {
    const runtime = new PodmanRuntime(options);
    try {
      await runtime.ping();
      return runtime;
    } catch (error) {
      await runtime.close();
      const { environment } = runtime.#service;
      const startable = options.startService === true && runtime.destination.source === 'default socket';
      if (!startable || transientKind(error) !== 'unreachable' || !onPath('podman', environment.env)) throw error;
      const service = await startOwnService({ podman: 'podman', env: environment.env, idleSeconds: OWN_SERVICE_IDLE_SECONDS });
      const own = new PodmanRuntime({ ...options, url: service.url });
      own.#ownService = service;
      own.destination = { ...own.destination, source: 'started service', startedBecause: runtime.url };
      try {
        await own.ping();
      } catch (pingError) {
        await own.close();
        throw pingError;
      }
      return own;
    }
  }

  constructor(options: PodmanRuntimeOptions = {}) {
    const apiVersion = options.apiVersion ?? 'v4.0.0';
    if (typeof apiVersion !== 'string' || !/^v\d+(\.\d+){0,2}$/.test(apiVersion)) {
      throw invalidArg(`Expected \`apiVersion\` like 'v4.0.0', got ${describe(apiVersion)}`);
    }
    const opened = ServiceConnection.open(PODMAN_SERVICE, options, ['connection', 'url', 'identity'], (environment) => {
      const destination = resolveDestination(options, environment);
      const { url, identity, isMachine, connection } = destination;
      return { destination, place: { url, identity, isMachine, name: connection } };
    });
    this.#service = opened.service;
    this.concurrency = opened.concurrency;
    this.url = this.#service.url;
    this.connection = opened.destination.connection;
    this.destination = { ...opened.destination, url: this.url };
    this.#prefix = `/${apiVersion}`;
  }

  /** podman's version, as its answers say it (`Libpod-Api-Version`); undefined until one came. */
  get version(): string | undefined {
    return this.#service.version;
  }

  /** Resolves when the service answers `/_ping`, saying who it is; rejects with RUNTIME naming the URL otherwise. */
  ping(signal?: AbortSignal): Promise<ServiceInfo> {
    return this.#service.ping(signal);
  }

  inspect(): Promise<GraphSpec> {
    this.#stopTimeouts.clear();
    this.#withVolumes.clear();
    return inspectPodman(
      async (path) => {
        const full = `${this.#prefix}${path}`;
        const listing = !path.startsWith('/libpod/containers/') || path.startsWith('/libpod/containers/json');
        const reply = await this.#request('GET', full, { listing });
        if (reply.status === 404) return null;
        if (reply.status === 500 && STORAGE_GONE_TEXT.test(errorText(reply.body))) return STORAGE_GONE;
        // A container removed between the list and its inspect: podman 4.3.1 answers 500 "does not exist in database".
        if (reply.status === 500 && codeOf('container', 500, errorText(reply.body)) === 'NO_SUCH_CTR') return null;
        if (reply.status !== 200) throw podmanError('container', this.#service.where('GET', full), reply.status, reply.body, this.url);
        return reply.body;
      },
      this.#service.inspectConcurrency,
      (id, notes) => {
        this.#stopTimeouts.note(id, notes.stopTimeout);
        if (notes.volumes) this.#withVolumes.add(id);
      },
    );
  }

  removeContainer(id: string, options: RemoveCallOptions): Promise<void> {
    // A 200 lists each removed item; a failed one carries `Err` (podman 4.3 answers 200 for some failures).
    return this.#delete('container', id, `/libpod/containers/${encodeURIComponent(id)}`, options, (body) =>
      Array.isArray(body) ? (body as RemovedItem[]).map((item) => item.Err).find(isError) : undefined,
    );
  }

  /**
   * A container podman's lists do not show (storage-only, as buildah's working containers): the
   * same DELETE, since libpod's removal tries containers/storage first (podman 4.3's ContainerRm).
   */
  removeUnlistedContainer(idOrName: string, options: RemoveCallOptions): Promise<void> {
    return this.removeContainer(idOrName, options);
  }

  /**
   * `DELETE /libpod/pods/{id}`: podman removes the members still there, dependents first (4.x and
   * 5.0-5.4 one at a time, 5.5 and later in parallel), then the infra container and the pod. When
   * it fails, the pod's containers that are still there are listed, and the rejection names each
   * with its part of podman's message (a {@link PodMembersLeft}).
   */
  async removePod(id: string, options: RemoveCallOptions): Promise<void> {
    try {
      await this.#delete('pod', id, `/libpod/pods/${encodeURIComponent(id)}`, options, (body) => {
        const err = (body as RemovedItem | undefined)?.Err;
        return isError(err) ? err : undefined;
      });
    } catch (error) {
      if ((error as PodgraphError).code === 'NO_SUCH_POD' || (error as PodgraphError).code === 'ABORTED') throw error;
      const left = await this.#membersLeft(id, error as PodgraphError, options).catch(() => undefined);
      if (left === undefined) throw error;
      const failure = error as PodgraphError;
      throw new PodMembersLeftError(failure.code, failure.message, left, { cause: failure.cause });
    }
  }

  /**
   * Whether to remove this pod with one call: podman removes the members in dependency order
   * itself. podman 5.5 and later stop them in parallel; earlier ones one at a time, which is
   * slower than a call per member when several must wait out a stop timeout, so there the pod
   * goes in one call when at most one member needs stopping, or the stop timeout is 0. Before any
   * answer the version is unknown: a call per member. podman's pod removal takes the members'
   * anonymous volumes, so without `volumes` a pod with a member that mounts one is not removed whole.
   */
  removesWholePod(pod: PodToRemove): boolean {
    const version = this.version;
    if (version === undefined) return false;
    if (!pod.volumes && pod.members.some((id) => this.#withVolumes.has(id))) return false;
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > 5 || (major === 5 && minor >= 5)) return true;
    return pod.active <= 1 || pod.timeout === 0;
  }

  /**
   * Closes the idle keep-alive connections, and the SSH connection of an ssh:// runtime; stops the
   * service it started (`startService`) by its PID, resolving once it has exited.
   */
  async close(): Promise<void> {
    this.#service.close();
    const own = this.#ownService;
    this.#ownService = undefined;
    await own?.stop();
  }

  /** The members of pod `id` still there after its removal failed, each with its part of podman's message. */
  async #membersLeft(id: string, failure: PodgraphError, options: RemoveCallOptions): Promise<Map<string, Error>> {
    const filters = encodeURIComponent(JSON.stringify({ pod: [id] }));
    const path = `${this.#prefix}/libpod/containers/json?all=true&filters=${filters}`;
    const reply = await this.#request('GET', path, { signal: options.signal, listing: true });
    if (reply.status !== 200 || !Array.isArray(reply.body))
      throw podmanError('pod', this.#service.where('GET', path), reply.status, reply.body, this.url);
    // podman 4.3 says "* removing container ID from pod P: why", 5.x "* why" (which names the container).
    const bullets = failure.message.split('\n').filter((line) => line.trimStart().startsWith('* '));
    const left = new Map<string, Error>();
    for (const container of reply.body as { Id: string; IsInfra?: boolean }[]) {
      if (container.IsInfra === true) continue;
      const bullet = bullets.find((line) => line.includes(container.Id));
      const why = bullet?.replace(/^\s*\* (removing container \S+ from pod \S+: )?/, '');
      left.set(container.Id, why === undefined ? failure : new PodgraphError(codeOf('container', 500, why), why));
    }
    return left;
  }

  /** A request; with `listing`, podman's "no such" for a whole list is a race with a removal, tried again. */
  #request(method: 'GET' | 'DELETE', path: string, options: ServiceRequest & { listing?: boolean }): Promise<ServiceReply> {
    const listing = options.listing === true;
    return this.#service.request(method, path, { ...options, busy: (reply) => busyAnswer(reply.status, reply.body, listing) });
  }

  /** A DELETE that fails on an error status, and on a 2xx whose body `failedItem` finds an `Err` in. */
  async #delete(
    kind: ItemKind,
    id: string,
    path: string,
    options: RemoveCallOptions,
    failedItem: (body: unknown) => string | undefined,
  ): Promise<void> {
    const query = new URLSearchParams({ force: String(options.force) });
    if (options.timeout !== undefined) query.set('timeout', String(options.timeout));
    // libpod's name is `volumes` (`v` is the Docker API's, which libpod paths ignore); pods take none.
    if (options.volumes === true && kind === 'container') query.set('volumes', 'true');
    const full = `${this.#prefix}${path}?${query}`;
    // A pod's members are removed first by the engine, so its DELETE waits for one stop: the infra's.
    const stopSeconds = kind === 'container' ? this.#stopTimeouts.of(id, options.timeout) : (options.timeout ?? 10);
    // A retried DELETE whose lost attempt did remove the item answers 404: NO_SUCH_*, which the
    // engine counts as removed, and rightly: the item is gone, and this call is why.
    const reply = await this.#request('DELETE', full, { signal: options.signal, stopSeconds, onRetry: options.onRetry });
    const ok = reply.status >= 200 && reply.status <= 299;
    const err = ok ? failedItem(reply.body) : undefined;
    if (!ok || err !== undefined)
      throw podmanError(kind, this.#service.where('DELETE', full), reply.status, ok ? err : reply.body, this.url);
  }
}

function isError(err: string | null | undefined): err is string {
  return typeof err === 'string' && err !== '';
}
