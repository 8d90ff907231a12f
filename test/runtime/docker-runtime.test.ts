/**
 * DockerRuntime's requests, on a scripted Docker API (a unix socket that answers as dockerd
 * does and records each request): the API version from /version in every path, a stop before a
 * forced removal with a timeout (Docker's DELETE has none), and the waits after a 409 "already in
 * progress": until the container is gone, again when the other removal failed, bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime } from 'podgraph';
import { afterEach, describe, expect, test } from 'vitest';
import { failure } from '../support/failure.ts';

type Handler = (req: IncomingMessage, path: string) => { status: number; body?: unknown; headers?: Record<string, string> } | 'reset';

interface Fake {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

const opened: Fake[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((fake) => fake.close()));
});

/** A Docker API at API version 1.41 whose other answers `handle` gives. */
async function fakeDocker(handle: Handler): Promise<Fake> {
  const dir = mkdtempSync(join(tmpdir(), 'podgraph-fake-docker-'));
  const socket = join(dir, 'docker.sock');
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const path = req.url ?? '/';
    const answer = path === '/version' ? { status: 200, body: { ApiVersion: '1.41', Version: '20.10.24' } } : handle(req, path);
    if (answer === 'reset') {
      req.socket.destroy(); // as a daemon that dies midway: the client sees ECONNRESET
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const fake: Fake = {
    url: `unix://${socket}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
  opened.push(fake);
  return fake;
}

const running = { Id: 'c1', Name: '/c1', State: { Status: 'running' }, Config: { Labels: {} }, HostConfig: { NetworkMode: 'default' } };
const IN_PROGRESS = { status: 409, body: { message: 'removal of container c1 is already in progress' } };

describe('DockerRuntime requests', () => {
  test("every path carries the daemon's API version, asked once", async () => {
    const fake = await fakeDocker((_req, path) => {
      if (path === '/v1.41/containers/json?all=1') return { status: 200, body: [{ Id: 'c1' }] };
      if (path === '/v1.41/containers/c1/json') return { status: 200, body: running };
      return { status: 204 };
    });
    const runtime = new DockerRuntime({ url: fake.url });
    const spec = await runtime.inspect();
    await runtime.removeContainer('c1', { force: true });
    runtime.close();
    expect(spec.containers).toEqual([{ id: 'c1', name: 'c1', state: 'running', dependsOn: [] }]);
    expect(fake.requests).toEqual([
      'GET /version',
      'GET /v1.41/containers/json?all=1',
      'GET /v1.41/containers/c1/json',
      'DELETE /v1.41/containers/c1?force=true',
    ]);
  });

  test('a forced removal with a timeout stops a running container first; a stopped one, and one without a timeout, is not', async () => {
    const stopped = { ...running, Id: 'c2', Name: '/c2', State: { Status: 'exited', ExitCode: 0 } };
    const fake = await fakeDocker((_req, path) => {
      if (path.endsWith('/containers/json?all=1')) return { status: 200, body: [{ Id: 'c1' }, { Id: 'c2' }] };
      if (path.endsWith('/containers/c1/json')) return { status: 200, body: running };
      if (path.endsWith('/containers/c2/json')) return { status: 200, body: stopped };
      return { status: 204 };
    });
    const runtime = new DockerRuntime({ url: fake.url });
    await runtime.inspect();
    fake.requests.length = 0;
    await runtime.removeContainer('c1', { force: true, timeout: 3, volumes: true });
    await runtime.removeContainer('c2', { force: true, timeout: 3 });
    await runtime.removeContainer('c1', { force: true });
    runtime.close();
    expect(fake.requests).toEqual([
      'POST /v1.41/containers/c1/stop?t=3',
      'DELETE /v1.41/containers/c1?force=true&v=true',
      'DELETE /v1.41/containers/c2?force=true',
      'DELETE /v1.41/containers/c1?force=true',
    ]);
  });

  test('409 already in progress: waits while the container is `removing`, and counts it removed once it is gone', async () => {
    let inspects = 0;
    const fake = await fakeDocker((req) => {
      if (req.method === 'DELETE') return IN_PROGRESS;
      inspects++;
      return inspects < 3
        ? { status: 200, body: { ...running, State: { Status: 'removing' } } }
        : { status: 404, body: { message: 'No such container: c1' } };
    });
    const runtime = new DockerRuntime({ url: fake.url });
    await runtime.removeContainer('c1', { force: true });
    runtime.close();
    expect(fake.requests.filter((r) => r !== 'GET /version')).toEqual([
      'DELETE /v1.41/containers/c1?force=true',
      'GET /v1.41/containers/c1/json',
      'GET /v1.41/containers/c1/json',
      'GET /v1.41/containers/c1/json',
    ]);
  });

  test('when the other removal failed (the container is back to exited), it removes the container itself', async () => {
    let deletes = 0;
    const fake = await fakeDocker((req) => {
      if (req.method === 'DELETE') return ++deletes === 1 ? IN_PROGRESS : { status: 204 };
      return { status: 200, body: { ...running, State: { Status: 'exited' } } };
    });
    const runtime = new DockerRuntime({ url: fake.url });
    await runtime.removeContainer('c1', { force: true });
    runtime.close();
    expect(deletes).toBe(2);
  });

  test('a removal that stays in progress past the bound fails RUNTIME saying so', async () => {
    const fake = await fakeDocker((req) =>
      req.method === 'DELETE' ? IN_PROGRESS : { status: 200, body: { ...running, State: { Status: 'removing' } } },
    );
    const runtime = new DockerRuntime({ url: fake.url, callTimeout: 200 });
    const error = await failure(runtime.removeContainer('c1', { force: false, timeout: 0 }));
    runtime.close();
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toMatch(/another removal of it was still in progress after 0\.2 s$/);
  });

  test('an abort ends the wait with ABORTED', async () => {
    const fake = await fakeDocker((req) =>
      req.method === 'DELETE' ? IN_PROGRESS : { status: 200, body: { ...running, State: { Status: 'removing' } } },
    );
    const runtime = new DockerRuntime({ url: fake.url });
    const controller = new AbortController();
    const call = failure(runtime.removeContainer('c1', { force: true, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await call;
    runtime.close();
    expect(error.code).toBe('ABORTED');
  });

  test('a connection lost midway is tried again (the shared retry), and the call reports the retry', async () => {
    let deletes = 0;
    const fake = await fakeDocker((req) => (req.method === 'DELETE' && ++deletes === 1 ? 'reset' : { status: 204 }));
    const runtime = new DockerRuntime({ url: fake.url, retry: { initialDelay: 1, maxDelay: 5 } });
    const retries: string[] = [];
    await runtime.removeContainer('c1', { force: true, onRetry: (retry) => retries.push(retry.error.message) });
    runtime.close();
    expect(deletes).toBe(2);
    expect(retries).toEqual([
      expect.stringMatching(/^Docker daemon at unix:.*: DELETE \/v1\.41\/containers\/c1\?force=true: the service closed the connection/),
    ]);
  });

  test('engine(): podman when /_ping carries Libpod-Api-Version, else docker; removePod is NO_SUCH_POD', async () => {
    const podman = await fakeDocker(() => ({ status: 200, body: 'OK', headers: { 'libpod-api-version': '4.3.1' } }));
    const docker = await fakeDocker(() => ({ status: 200, body: 'OK', headers: { 'api-version': '1.41' } }));
    const onPodman = new DockerRuntime({ url: podman.url });
    const onDocker = new DockerRuntime({ url: docker.url });
    expect([await onPodman.engine(), await onDocker.engine()]).toEqual(['podman', 'docker']);
    expect((await failure(onDocker.removePod('p1', { force: true }))).code).toBe('NO_SUCH_POD');
    onPodman.close();
    onDocker.close();
  });

  test("ping(): the engine and its version, from podman's Libpod-Api-Version or Docker's Server header", async () => {
    const podman = await fakeDocker(() => ({ status: 200, body: 'OK', headers: { 'libpod-api-version': '5.8.6' } }));
    const docker = await fakeDocker(() => ({
      status: 200,
      body: 'OK',
      headers: { 'api-version': '1.51', server: 'Docker/28.5.2 (linux)' },
    }));
    const onPodman = new DockerRuntime({ url: podman.url });
    const onDocker = new DockerRuntime({ url: docker.url });
    expect(await onPodman.ping()).toEqual({ engine: 'podman', version: '5.8.6' });
    expect(await onDocker.ping()).toEqual({ engine: 'docker', version: '28.5.2' });
    expect(onDocker.version).toBe('28.5.2');
    onPodman.close();
    onDocker.close();
  });

  // Docker's words for a refusal changed in 25; both read as podman's CTR_STATE_INVALID, Docker's own as the cause.
  test.each([
    ['20.10', 'running', 'You cannot remove a running container c1. Stop the container before attempting removal or force remove'],
    [
      '20.10',
      'paused',
      'You cannot remove a paused container c1. Unpause and then stop the container before attempting removal or force remove',
    ],
    ['28', 'running', 'cannot remove container "c1": container is running: stop the container before removing or force remove'],
    ['28', 'paused', 'cannot remove container "c1": container is paused and must be unpaused first'],
    ['28', 'restarting', 'cannot remove container "c1": container is restarting: stop the container before removing or force remove'],
  ])('a 409 of Docker %s for a %s container is CTR_STATE_INVALID', async (_version, state, text) => {
    const fake = await fakeDocker(() => ({ status: 409, body: { message: text } }));
    const runtime = new DockerRuntime({ url: fake.url });
    const error = await failure(runtime.removeContainer('c1', { force: false }));
    runtime.close();
    expect(error.code).toBe('CTR_STATE_INVALID');
    expect(error.message).toBe(
      `cannot remove container c1 as it is ${state} - running or paused containers cannot be removed without force`,
    );
    expect((error.cause as Error).message).toBe(`Docker: HTTP 409: ${text}`);
  });
});
