import { Agent, request } from 'node:http';
import { PodgraphError } from '../../errors.js';
import type { PodmanEndpoint } from './podman-url.js';

export interface PodmanReply {
  status: number;
  /** The parsed JSON body (undefined for an empty one). */
  body: unknown;
}

/**
 * JSON over HTTP to podman's API service, one keep-alive connection pool per client. Failures of
 * the connection itself (no socket, permission denied, the service dying midway, a reply that is
 * not JSON) reject with a RUNTIME PodgraphError naming the URL and the request; an aborted
 * request rejects with ABORTED.
 */
export class PodmanClient {
  readonly endpoint: PodmanEndpoint;
  readonly #agent: Agent;

  constructor(endpoint: PodmanEndpoint, maxSockets: number) {
    this.endpoint = endpoint;
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** `podman service at URL: METHOD path`: where a request went, for every message about it. */
  where(method: string, path: string): string {
    return `podman service at ${this.endpoint.url}: ${method} ${path}`;
  }

  /** `as: 'text'` for the few endpoints that answer plain text (`/_ping` says `OK`). */
  request(method: 'GET' | 'DELETE', path: string, signal?: AbortSignal, as: 'json' | 'text' = 'json'): Promise<PodmanReply> {
    const what = `${method} ${path}`;
    const fail = (detail: string, cause?: unknown) => new PodgraphError('RUNTIME', `${this.where(method, path)}: ${detail}`, { cause });
    if (signal?.aborted) return Promise.reject(aborted(what, signal));
    const target =
      'socketPath' in this.endpoint ? { socketPath: this.endpoint.socketPath } : { host: this.endpoint.host, port: this.endpoint.port };
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

  /** Closes idle keep-alive connections so the process can exit. */
  close(): void {
    this.#agent.destroy();
  }
}

function aborted(what: string, signal: AbortSignal): PodgraphError {
  return new PodgraphError('ABORTED', `${what} was aborted`, { cause: signal.reason });
}

function connectionProblem(error: NodeJS.ErrnoException): string {
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
