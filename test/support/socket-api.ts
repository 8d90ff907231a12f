/**
 * A bare HTTP client for an engine's REST API on its unix socket: one keep-alive Agent, no retry,
 * no parsing beyond JSON. What the large fixtures are built with, and what the benchmarks' bare
 * script removes with, so neither goes through podgraph's own client.
 */
import { Agent, request } from 'node:http';

export interface SocketReply {
  status: number;
  text: string;
}

export class SocketApi {
  readonly socketPath: string;
  readonly #agent: Agent;

  /** `url` is `unix:///path.sock`; `maxSockets` bounds the connections (and so the requests) in flight. */
  constructor(url: string, maxSockets: number) {
    if (!url.startsWith('unix://')) throw new Error(`SocketApi: expected a unix:// URL, got ${url}`);
    this.socketPath = url.slice('unix://'.length);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** One request; resolves with the status and the body as text, whatever the status. */
  send(method: string, path: string, body?: unknown): Promise<SocketReply> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { host: 'd' };
    if (data !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(data);
    }
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, agent: this.#agent, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  /** A request that must answer 2xx (or one of `also`); resolves with the parsed JSON body (undefined when empty). */
  async json<T = unknown>(method: string, path: string, body?: unknown, also: readonly number[] = []): Promise<T> {
    const reply = await this.send(method, path, body);
    if ((reply.status < 200 || reply.status > 299) && !also.includes(reply.status)) {
      throw new Error(`${method} ${path} answered ${reply.status}: ${reply.text.trim()}`);
    }
    return (reply.text.trim() === '' ? undefined : JSON.parse(reply.text)) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}
