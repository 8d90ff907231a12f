/**
 * A fake podman API service on a unix socket for CLI tests that must see the requests podgraph
 * sends (`volumes=true`, a storage-only container's DELETE) or that need a given podman version:
 * it answers inspect from a small table and DELETEs by `remove`, and records every request line.
 */
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { tempDir } from './run-cli.ts';

export interface FakeContainer {
  Id: string;
  Name: string;
  Pod?: string;
  IsInfra?: boolean;
  Labels?: Record<string, string>;
  State?: string;
  Dependencies?: string[];
}

export interface FakePodman {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export interface FakePodOptions {
  /** Sent as `Libpod-Api-Version` with every answer, as podman does; without it, with `/_ping`'s only. */
  version?: string;
  /** Pods inspect lists: `{ Id, Name, InfraId }`, with their containers in `containers` (`Pod`, `IsInfra`). */
  pods?: { Id: string; Name: string; InfraId?: string }[];
}

/**
 * `containers` are what inspect lists; `unlisted` names are containers only storage knows: a
 * DELETE of one succeeds (once) as podman's does, any other unknown name is podman's 404.
 */
export async function fakePodman(containers: FakeContainer[], unlisted: string[] = [], options: FakePodOptions = {}): Promise<FakePodman> {
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...(options.version ? { 'libpod-api-version': options.version } : {}) });
    res.end(JSON.stringify(body));
  };
  const socket = join(tempDir(), 'podman.sock');
  const requests: string[] = [];
  const live = new Map(containers.map((c) => [c.Id, c]));
  const storage = new Set(unlisted);
  const find = (ref: string) => [...live.values()].find((c) => c.Id === ref || c.Name === ref || c.Id.startsWith(ref));
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://podman');
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    if (req.method === 'GET' && path === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain', 'libpod-api-version': options.version ?? '4.3.1' });
      return res.end('OK');
    }
    if (req.method === 'GET' && path === '/libpod/pods/json') return json(res, 200, options.pods ?? []);
    if (req.method === 'GET' && path === '/libpod/containers/json') {
      return json(
        res,
        200,
        [...live.values()].map((c) => ({
          Id: c.Id,
          Names: [c.Name],
          State: c.State ?? 'created',
          Pod: c.Pod ?? '',
          IsInfra: c.IsInfra ?? false,
        })),
      );
    }
    const inspect = /^\/libpod\/containers\/([^/]+)\/json$/.exec(path);
    if (req.method === 'GET' && inspect !== null) {
      const c = find(decodeURIComponent(inspect[1]));
      if (c === undefined) return json(res, 404, { cause: 'no such container', message: 'no such container', response: 404 });
      return json(res, 200, {
        Id: c.Id,
        Name: c.Name,
        State: { Status: c.State ?? 'created' },
        Dependencies: c.Dependencies ?? [],
        Pod: c.Pod ?? '',
        IsInfra: c.IsInfra ?? false,
        Config: { Labels: c.Labels ?? null },
      });
    }
    const remove = /^\/libpod\/containers\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && remove !== null) {
      const ref = decodeURIComponent(remove[1]);
      if (storage.delete(ref)) return json(res, 200, [{ Id: ref, RawInput: '' }]);
      const c = find(ref);
      if (c === undefined) {
        const words = options.version?.startsWith('4') === false ? 'ID or name' : 'name or ID';
        const message = `no container with ${words} "${ref}" found: no such container`;
        return json(res, 404, { cause: 'no such container', message, response: 404 });
      }
      live.delete(c.Id);
      return json(res, 200, [{ Id: c.Id, RawInput: ref }]);
    }
    json(res, 500, { cause: 'unexpected', message: `the fake has no ${req.method} ${path}`, response: 500 });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    url: `unix://${socket}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
