import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { PodgraphError, safeString } from '../../errors.js';
import { markTransient } from './retry.js';
import type { ServiceName } from './service-name.js';
import type { ServiceEndpoint } from './service-url.js';
import { SshFailure } from './ssh/ssh-errors.js';

export interface ServiceReply {
  status: number;
  /** The parsed JSON body (undefined for an empty one). */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** How requests reach the service when it is not a local socket or TCP: an Agent that makes the connections. */
export interface ServiceTransport {
  readonly agent: Agent;
  close(): void;
}

/**
 * JSON over HTTP to an engine's API service (podman's or Docker's), one keep-alive connection pool per client. Failures of
 * the connection itself (no socket, permission denied, the service dying midway, a reply that is
 * not JSON, an ssh refusal, no answer by the deadline) reject with a RUNTIME PodgraphError naming
 * the URL (and the connection's name, when there is one) and the request; an aborted request
 * rejects with ABORTED. Each request is one attempt: the runtime's `Retrier` decides about another.
 */
export class ServiceClient {
  readonly endpoint: ServiceEndpoint;
  readonly #agent: Agent;
  readonly #transport: ServiceTransport | undefined;
  readonly #connection: string | undefined;
  readonly service: ServiceName;

  constructor(
    endpoint: ServiceEndpoint,
    maxSockets: number,
    options: { service: ServiceName; transport?: ServiceTransport | undefined; connection?: string | undefined },
  ) {
    this.endpoint = endpoint;
    this.service = options.service;
    this.#transport = options.transport;
    this.#connection = options.connection;
    this.#agent = options.transport?.agent ?? new Agent({ keepAlive: true, maxSockets });
  }

  /** `podman service at URL (connection NAME): METHOD path`: where a request went, for every message about it. */
  where(method: string, path: string): string {
    const connection = this.#connection === undefined ? '' : ` (connection ${this.#connection})`;
    return `${this.service.label} at ${this.endpoint.url}${connection}: ${method} ${path}`;
  }

  /**
   * One attempt of a request. `as: 'text'` for the few endpoints that answer plain text (`/_ping`
   * says `OK`); `deadline` (ms) fails it RUNTIME when no whole answer came by then. Failures that
   * mean the service was not there are marked `unreachable` (`markTransient`).
   */
  request(
    method: 'GET' | 'DELETE' | 'POST',
    path: string,
    options: { signal?: AbortSignal | undefined; as?: 'json' | 'text'; deadline?: { ms: number; why: string } } = {},
  ): Promise<ServiceReply> {
    const { signal, as = 'json', deadline } = options;
    const what = `${method} ${path}`;
    const fail = (detail: string, cause?: unknown) =>
      new PodgraphError('RUNTIME', `${this.where(method, path)}: ${detail}`, { cause, url: this.endpoint.url });
    const lost = (detail: string, cause?: unknown) => markTransient(fail(detail, cause), 'unreachable');
    if (signal?.aborted) return Promise.reject(aborted(what, signal));
    const endpoint = this.endpoint;
    // Over ssh the Agent makes the connection; the host only names it ("d", as podman's client does).
    const target =
      'ssh' in endpoint
        ? { host: 'd' }
        : 'socketPath' in endpoint
          ? { socketPath: endpoint.socketPath }
          : { host: endpoint.host, port: endpoint.port };
    return new Promise<ServiceReply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let timedOut: PodgraphError | undefined;
      let settled = false;
      const settle = (settler: () => void) => {
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        settler();
      };
      const req = request({ ...target, method, path, agent: this.#agent, headers: { accept: 'application/json' }, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) =>
          settle(() =>
            reject(timedOut ? timedOut : signal?.aborted ? aborted(what, signal) : lost(`the reply was cut off (${error.message})`, error)),
          ),
        );
        res.on('end', () =>
          settle(() => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            const headers = res.headers;
            if (as === 'text') return resolve({ status, body: text, headers });
            if (text.trim() === '') return resolve({ status, body: undefined, headers });
            try {
              resolve({ status, body: JSON.parse(text), headers });
            } catch (error) {
              reject(fail(`HTTP ${status} with a reply that is not JSON: ${JSON.stringify(text.slice(0, 200))}`, error));
            }
          }),
        );
      });
      if (deadline !== undefined && Number.isFinite(deadline.ms)) {
        // From when the request has a connection: time queued for one of `maxSockets` is not the service's.
        req.once('socket', () => {
          if (settled) return;
          timer = setTimeout(() => {
            // Not retried: the service may still be doing it, and a hung service would hang the retry too.
            timedOut = fail(`no answer within ${deadline.ms / 1000} s (${deadline.why})`);
            req.destroy(timedOut);
          }, deadline.ms);
        });
      }
      req.on('error', (error: NodeJS.ErrnoException) =>
        settle(() => {
          if (timedOut !== undefined) return reject(timedOut);
          if (signal?.aborted) return reject(aborted(what, signal));
          const problem = connectionProblem(error, this.service);
          reject(problem.transient ? lost(problem.text, error) : fail(problem.text, error));
        }),
      );
      req.end();
    });
  }

  /** Closes idle keep-alive connections (and an SSH connection) so the process can exit. */
  close(): void {
    this.#agent.destroy();
    this.#transport?.close();
  }
}

function aborted(what: string, signal: AbortSignal): PodgraphError {
  return new PodgraphError('ABORTED', `${what} was aborted`, { cause: signal.reason });
}

/** What went wrong with the connection, and whether it is the kind a restarting service causes. */
function connectionProblem(error: NodeJS.ErrnoException, service: ServiceName): { text: string; transient: boolean } {
  if (error instanceof SshFailure) return { text: error.message, transient: error.transient };
  switch (error.code) {
    case 'ENOENT':
      return {
        text: `cannot connect: the socket does not exist (${error.message}); is ${service.start} running?`,
        transient: true,
      };
    case 'EACCES':
      return { text: `cannot connect: permission denied (${error.message})`, transient: false };
    case 'ECONNREFUSED':
      return {
        text: `cannot connect: connection refused (${error.message}); is ${service.start} running?`,
        transient: true,
      };
    case 'ECONNRESET':
      return { text: `the service closed the connection before replying (${error.message})`, transient: true };
    case 'EPIPE':
      return { text: `the connection broke while sending (${error.message})`, transient: true };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
      return { text: `cannot reach the service (${error.message})`, transient: true };
    default:
      return { text: `request failed: ${error.message}`, transient: false };
  }
}

/** The service's message in an error body (podman's `{cause, message, response}`, Docker's `{message}`), or the body itself. */
export function errorText(body: unknown): string {
  if (typeof body === 'string') return body;
  const fields = body as { message?: unknown; cause?: unknown } | null | undefined;
  if (typeof fields?.message === 'string' && fields.message !== '') return fields.message.trim();
  if (typeof fields?.cause === 'string' && fields.cause !== '') return fields.cause;
  return body === undefined ? 'an empty reply' : safeString(JSON.stringify(body));
}
