import { Agent, request } from 'node:http';
import { PodgraphError } from '../../errors.js';
import type { PodmanEndpoint } from './podman-url.js';
import { SshFailure } from './ssh/ssh-transport.js';

export interface PodmanReply {
  status: number;
  /** The parsed JSON body (undefined for an empty one). */
  body: unknown;
}

/** How requests reach the service when it is not a local socket or TCP: an Agent that makes the connections. */
export interface PodmanTransport {
  readonly agent: Agent;
  close(): void;
}

/**
 * JSON over HTTP to podman's API service, one keep-alive connection pool per client. Failures of
 * the connection itself (no socket, permission denied, the service dying midway, a reply that is
 * not JSON, an ssh refusal) reject with a RUNTIME PodgraphError naming the URL (and the
 * connection's name, when there is one) and the request; an aborted request rejects with ABORTED.
 */
export class PodmanClient {
  readonly endpoint: PodmanEndpoint;
  readonly #agent: Agent;
  readonly #transport: PodmanTransport | undefined;
  readonly #connection: string | undefined;

  constructor(
    endpoint: PodmanEndpoint,
    maxSockets: number,
    options: { transport?: PodmanTransport; connection?: string | undefined } = {},
  ) {
    this.endpoint = endpoint;
    this.#transport = options.transport;
    this.#connection = options.connection;
    this.#agent = options.transport?.agent ?? new Agent({ keepAlive: true, maxSockets });
  }

  /** `podman service at URL (connection NAME): METHOD path`: where a request went, for every message about it. */
  where(method: string, path: string): string {
    const connection = this.#connection === undefined ? '' : ` (connection ${this.#connection})`;
    return `podman service at ${this.endpoint.url}${connection}: ${method} ${path}`;
  }

  /** `as: 'text'` for the few endpoints that answer plain text (`/_ping` says `OK`). */
  request(method: 'GET' | 'DELETE', path: string, signal?: AbortSignal, as: 'json' | 'text' = 'json'): Promise<PodmanReply> {
    const what = `${method} ${path}`;
    const fail = (detail: string, cause?: unknown) => new PodgraphError('RUNTIME', `${this.where(method, path)}: ${detail}`, { cause });
    if (signal?.aborted) return Promise.reject(aborted(what, signal));
    const endpoint = this.endpoint;
    // Over ssh the Agent makes the connection; the host only names it ("d", as podman's client does).
    const target =
      'ssh' in endpoint
        ? { host: 'd' }
        : 'socketPath' in endpoint
          ? { socketPath: endpoint.socketPath }
          : { host: endpoint.host, port: endpoint.port };
    return new Promise<PodmanReply>((resolve, reject) => {
      const req = request({ ...target, method, path, agent: this.#agent, headers: { accept: 'application/json' }, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) =>
          reject(signal?.aborted ? aborted(what, signal) : fail(`the reply was cut off (${error.message})`, error)),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (as === 'text') return resolve({ status, body: text });
          if (text.trim() === '') return resolve({ status, body: undefined });
          try {
            resolve({ status, body: JSON.parse(text) });
          } catch (error) {
            reject(fail(`HTTP ${status} with a reply that is not JSON: ${JSON.stringify(text.slice(0, 200))}`, error));
          }
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(aborted(what, signal));
        reject(fail(connectionProblem(error), error));
      });
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

function connectionProblem(error: NodeJS.ErrnoException): string {
  if (error instanceof SshFailure) return error.message;
  switch (error.code) {
    case 'ENOENT':
      return `cannot connect: the socket does not exist (${error.message}); is \`podman system service\` running?`;
    case 'EACCES':
      return `cannot connect: permission denied (${error.message})`;
    case 'ECONNREFUSED':
      return `cannot connect: connection refused (${error.message}); is \`podman system service\` running?`;
    case 'ECONNRESET':
      return `the service closed the connection before replying (${error.message})`;
    default:
      return `request failed: ${error.message}`;
  }
}
