import { describe, invalidArg, PodgraphError } from '../../errors.js';
import type { GraphSpec } from '../../graph/spec.js';
import type { RemoveCallOptions, Runtime } from '../runtime.js';
import { PodmanClient } from './podman-client.js';
import { errorText, type PodmanItemKind, podmanError } from './podman-errors.js';
import { inspectPodman } from './podman-inspect.js';
import { defaultPodmanUrl, parsePodmanUrl } from './podman-url.js';

/** Where a {@link PodmanRuntime} finds podman's API service, and how it talks to it. */
export interface PodmanRuntimeOptions {
  /**
   * The service: `unix:///path.sock` or `tcp://host:port`.
   *
   * @default `$CONTAINER_HOST`, else `'unix:///run/podman/podman.sock'`
   */
  url?: string;
  /**
   * The API version in every path (`/v4.0.0/libpod/...`); podman 4.0 and later answer it.
   *
   * @default 'v4.0.0'
   */
  apiVersion?: string;
  /**
   * Container inspects in flight at once during `inspect()`.
   *
   * @default 8
   */
  inspectConcurrency?: number;
  /**
   * Keep-alive connections at most.
   *
   * @default 64
   */
  maxSockets?: number;
  /**
   * Runtime calls in flight at most over every removeGraph call on this runtime (an integer >= 1
   * or Infinity), shared by the calls as podman's own parallel workers share one semaphore.
   * @default the larger of 3 x CPUs + 1 and the largest `concurrency` of a removal in flight
   */
  concurrency?: number;
}

interface RemovedItem {
  Id?: string;
  Err?: string | null;
}

/**
 * A real podman, through its REST API service (`podman system service`). podman enforces the
 * rules itself; this class maps its replies onto SPEC's codes: 404 is NO_SUCH_*, podman's causes
 * are CTR_EXISTS, CTR_STATE_INVALID and INFRA_CTR, anything else is RUNTIME with podman's message
 * and the HTTP status. Call `close()` when done so idle connections do not keep the process up.
 */
export class PodmanRuntime implements Runtime {
  readonly url: string;
  readonly concurrency: number | undefined;
  readonly #client: PodmanClient;
  readonly #prefix: string;
  readonly #inspectConcurrency: number;

  constructor(options: PodmanRuntimeOptions = {}) {
    const endpoint = parsePodmanUrl(options.url ?? defaultPodmanUrl());
    const apiVersion = options.apiVersion ?? 'v4.0.0';
    if (!/^v\d+(\.\d+){0,2}$/.test(apiVersion)) throw invalidArg(`Expected \`apiVersion\` like 'v4.0.0', got ${describe(apiVersion)}`);
    this.url = endpoint.url;
    this.concurrency = options.concurrency;
    this.#prefix = `/${apiVersion}`;
    this.#inspectConcurrency = positiveInteger(options, 'inspectConcurrency', 8);
    this.#client = new PodmanClient(endpoint, positiveInteger(options, 'maxSockets', 64));
  }

  /** Resolves when the service answers `/_ping`; rejects with RUNTIME naming the URL otherwise. */
  async ping(signal?: AbortSignal): Promise<void> {
    const reply = await this.#client.request('GET', '/_ping', signal, 'text');
    if (reply.status !== 200)
      throw new PodgraphError('RUNTIME', `${this.#client.where('GET', '/_ping')}: HTTP ${reply.status}: ${errorText(reply.body)}`);
  }

  inspect(): Promise<GraphSpec> {
    return inspectPodman(async (path) => {
      const full = `${this.#prefix}${path}`;
      const reply = await this.#client.request('GET', full);
      if (reply.status === 404) return null;
      if (reply.status !== 200) throw podmanError('container', this.#client.where('GET', full), reply.status, reply.body);
      return reply.body;
    }, this.#inspectConcurrency);
  }

  removeContainer(id: string, options: RemoveCallOptions): Promise<void> {
    // A 200 lists each removed item; a failed one carries `Err` (podman 4.3 answers 200 for some failures).
    return this.#delete('container', `/libpod/containers/${encodeURIComponent(id)}`, options, (body) =>
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

  removePod(id: string, options: RemoveCallOptions): Promise<void> {
    return this.#delete('pod', `/libpod/pods/${encodeURIComponent(id)}`, options, (body) => {
      const err = (body as RemovedItem | undefined)?.Err;
      return isError(err) ? err : undefined;
    });
  }

  /** Closes the idle keep-alive connections. */
  close(): void {
    this.#client.close();
  }

  /** A DELETE that fails on an error status, and on a 2xx whose body `failedItem` finds an `Err` in. */
  async #delete(
    kind: PodmanItemKind,
    path: string,
    options: RemoveCallOptions,
    failedItem: (body: unknown) => string | undefined,
  ): Promise<void> {
    const query = new URLSearchParams({ force: String(options.force) });
    if (options.timeout !== undefined) query.set('timeout', String(options.timeout));
    // libpod's name is `volumes` (`v` is the Docker API's, which libpod paths ignore); pods take none.
    if (options.volumes === true && kind === 'container') query.set('volumes', 'true');
    const full = `${this.#prefix}${path}?${query}`;
    const reply = await this.#client.request('DELETE', full, options.signal);
    const ok = reply.status >= 200 && reply.status <= 299;
    const err = ok ? failedItem(reply.body) : undefined;
    if (!ok || err !== undefined) throw podmanError(kind, this.#client.where('DELETE', full), reply.status, ok ? err : reply.body);
  }
}

function isError(err: string | null | undefined): err is string {
  return typeof err === 'string' && err !== '';
}

function positiveInteger(options: PodmanRuntimeOptions, key: 'inspectConcurrency' | 'maxSockets', fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw invalidArg(`Expected \`${key}\` to be an integer from 1 and up, got ${describe(value)}`);
  return value;
}
