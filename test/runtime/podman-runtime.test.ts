/**
 * PodmanRuntime against a fake podman service (a node HTTP server on a unix socket or TCP port),
 * for what a real podman will not do on demand: replies that are not JSON, connections cut
 * midway, 200 replies with a failed item, and the exact requests sent. Runs everywhere.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerGraph,
  DockerRuntime,
  type ErrorCode,
  PodgraphError,
  type PodMembersLeft,
  PodmanRuntime,
  type PodmanRuntimeOptions,
  type PodToRemove,
  type RemovalEvent,
  type RuntimeRetry,
  removeGraph,
} from 'podgraph';
import { afterEach, describe, expect, test } from 'vitest';
import { stateFromPodman } from '../../src/runtime/podman/podman-inspect.ts';
import { parseServiceUrl as parsePodmanUrl } from '../../src/runtime/service/service-url.ts';
import { failure } from '../support/failure.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fake service on a fresh unix socket; every request is recorded as `METHOD path`. */
async function fakePodman(
  handler: Handler,
  options: Omit<PodmanRuntimeOptions, 'url'> = {},
): Promise<{ runtime: PodmanRuntime; requests: string[]; server: Server; socket: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'podgraph-fake-'));
  const socket = join(dir, 'podman.sock');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const runtime = new PodmanRuntime({ url: `unix://${socket}`, ...options });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => server.closeAllConnections());
  cleanups.push(() => runtime.close());
  return { runtime, requests, server, socket };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('PodmanRuntime: url', () => {
  test('unix, tcp and ssh URLs parse; anything else is INVALID_ARG naming the value (never a password)', () => {
    expect(parsePodmanUrl('unix:///run/podman/podman.sock')).toEqual({
      url: 'unix:///run/podman/podman.sock',
      socketPath: '/run/podman/podman.sock',
    });
    expect(parsePodmanUrl('tcp://127.0.0.1:8888')).toEqual({ url: 'tcp://127.0.0.1:8888', host: '127.0.0.1', port: 8888 });
    expect(parsePodmanUrl('tcp://[::1]:8888')).toMatchObject({ host: '::1', port: 8888 });
    expect(parsePodmanUrl('ssh://core@127.0.0.1:50123/run/user/501/podman/podman.sock')).toEqual({
      url: 'ssh://core@127.0.0.1:50123/run/user/501/podman/podman.sock',
      ssh: { user: 'core', password: undefined, host: '127.0.0.1', port: 50123, socketPath: '/run/user/501/podman/podman.sock' },
    });
    // podman 5: port 22 and the local user when left out; a password stays out of `url`.
    expect(parsePodmanUrl('ssh://h.example/run/podman/podman.sock', { user: 'me' })).toEqual({
      url: 'ssh://h.example/run/podman/podman.sock',
      ssh: { user: 'me', password: undefined, host: 'h.example', port: 22, socketPath: '/run/podman/podman.sock' },
    });
    expect(parsePodmanUrl('ssh://u:s3cret@[::1]:2222/p.sock')).toEqual({
      url: 'ssh://u@[::1]:2222/p.sock',
      ssh: { user: 'u', password: 's3cret', host: '::1', port: 2222, socketPath: '/p.sock' },
    });
    for (const bad of [
      'http://localhost:8080',
      'unix://relative.sock',
      'tcp://host-without-port',
      'tcp://h:1/path',
      'ssh://core@host',
      '',
      42,
    ]) {
      expect(() => parsePodmanUrl(bad), String(bad)).toThrow(PodgraphError);
    }
    expect(() => new PodmanRuntime({ url: 'http://core@host' })).toThrow(
      'Expected `url` to be unix:///path/to.sock, tcp://host:port or ssh://user@host[:port]/path/to.sock, got `"http://core@host"` (string)',
    );
    expect(() => new PodmanRuntime({ url: 'ssh://core:pw@host' })).toThrow(
      'Expected `url` to be unix:///path/to.sock, tcp://host:port or ssh://user@host[:port]/path/to.sock, got `"ssh://core@host"` (string): the path of podman\'s socket on the server is needed',
    );
  });

  test('with no options it connects where podman --remote would: CONTAINER_HOST, else the socket for the user', () => {
    const environment = (env: Record<string, string>, uid: number) => ({
      env,
      uid,
      platform: 'linux' as const,
      readFile: () => undefined,
      listDir: () => undefined,
    });
    expect(new PodmanRuntime({ environment: environment({ CONTAINER_HOST: 'tcp://10.0.0.1:2375' }, 0) }).url).toBe('tcp://10.0.0.1:2375');
    expect(new PodmanRuntime({ environment: environment({}, 0) }).url).toBe('unix:///run/podman/podman.sock');
    expect(new PodmanRuntime({ environment: environment({ CONTAINER_HOST: '' }, 0) }).url).toBe('unix:///run/podman/podman.sock');
    const rootless = new PodmanRuntime({ environment: environment({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000) });
    expect([rootless.url, rootless.destination.source]).toEqual(['unix:///run/user/1000/podman/podman.sock', 'default socket']);
    expect(() => new PodmanRuntime({ connection: 'web1', environment: environment({ HOME: '/nowhere' }, 1000) })).toThrow(
      'connection "web1" not found; no connections are configured (no configuration file was found)',
    );
  });

  test('options are checked when the runtime is made', () => {
    expect(() => new PodmanRuntime({ url: 'tcp://h:1', apiVersion: '4.0' })).toThrow(
      'Expected `apiVersion` like \'v4.0.0\', got `"4.0"` (string)',
    );
    expect(() => new PodmanRuntime({ url: 'tcp://h:1', inspectConcurrency: 0 })).toThrow(
      'Expected `inspectConcurrency` to be an integer from 1 and up, got `0` (number)',
    );
  });
});

describe("PodmanRuntime: podman's states and sentences", () => {
  test('states beyond SPEC: configured/initialized are created, removing is stopping, unknown is exited', () => {
    expect(
      ['configured', 'initialized', 'created', 'running', 'paused', 'stopping', 'exited', 'stopped', 'removing', 'unknown', undefined].map(
        stateFromPodman,
      ),
    ).toEqual(['created', 'created', 'created', 'running', 'paused', 'stopping', 'exited', 'stopped', 'stopping', 'exited', 'exited']);
  });

  // Sentences as podman 4.3.1 and 5.8 send them (see test/runtime/runtime-contract.test.ts for the live ones).
  const cases: Array<[kind: 'container' | 'pod', status: number, text: string, code: ErrorCode]> = [
    ['container', 404, 'no container with name or ID "x" found: no such container', 'NO_SUCH_CTR'],
    ['container', 404, 'no container with ID or name "x" found: no such container', 'NO_SUCH_CTR'],
    ['pod', 404, 'no pod with name or ID x found: no such pod', 'NO_SUCH_POD'],
    ['container', 500, 'container a has dependent containers which must be removed before it: b: container already exists', 'CTR_EXISTS'],
    [
      'container',
      500,
      'cannot remove container a as it is running - running or paused containers cannot be removed without force: container state improper',
      'CTR_STATE_INVALID',
    ],
    ['container', 500, 'container i is the infra container of pod p and cannot be removed without removing the pod', 'INFRA_CTR'],
    [
      'pod',
      500,
      '2 errors occurred:\n\t* removing container a from pod p: cannot remove container a as it is running - running or paused containers cannot be removed without force: container state improper\n\t* removing container i from pod p: a container that depends on container i still exists: dependency exists',
      'CTR_STATE_INVALID',
    ],
    [
      'pod',
      500,
      'not all containers could be removed from pod p: removing pod containers. 2 errors occurred:\n\t* cannot remove container a as it is running - running or paused containers cannot be removed without force: container state improper\n\t* a container that depends on container i could not be stopped: container state improper\n\n',
      'CTR_STATE_INVALID',
    ],
    ['container', 500, 'container has already been removed', 'NO_SUCH_CTR'],
    ['container', 500, 'error opening file: disk quota exceeded', 'RUNTIME'],
  ];
  test.each(cases)('%s HTTP %i "%s" is %s', async (kind, status, text, code) => {
    const { runtime } = await fakePodman((_req, res) =>
      json(res, status, { cause: text.split(': ').at(-1), message: text, response: status }),
    );
    const error = await failure(kind === 'pod' ? runtime.removePod('p', { force: false }) : runtime.removeContainer('a', { force: false }));
    expect(error.code).toBe(code);
  });
});

describe('PodmanRuntime: requests and replies', () => {
  test('removeContainer and removePod send force and timeout to the versioned libpod paths', async () => {
    const { runtime, requests } = await fakePodman((req, res) =>
      json(res, 200, req.url!.includes('/pods/') ? { Err: null, Id: 'p' } : [{ Id: 'c', RawInput: 'c' }]),
    );
    await runtime.removeContainer('c', { force: true, timeout: 3 });
    await runtime.removeContainer('c2', { force: false });
    await runtime.removePod('p', { force: true, timeout: 0 });
    expect(requests).toEqual([
      'DELETE /v4.0.0/libpod/containers/c?force=true&timeout=3',
      'DELETE /v4.0.0/libpod/containers/c2?force=false',
      'DELETE /v4.0.0/libpod/pods/p?force=true&timeout=0',
    ]);
  });

  test("volumes: true adds libpod's `volumes=true` to a container's DELETE, never to a pod's", async () => {
    const { runtime, requests } = await fakePodman((req, res) =>
      json(res, 200, req.url!.includes('/pods/') ? { Err: null, Id: 'p' } : [{ Id: 'c', RawInput: 'c' }]),
    );
    await runtime.removeContainer('c', { force: true, volumes: true });
    await runtime.removeContainer('c2', { force: false, volumes: false });
    await runtime.removePod('p', { force: false, volumes: true });
    expect(requests).toEqual([
      'DELETE /v4.0.0/libpod/containers/c?force=true&volumes=true',
      'DELETE /v4.0.0/libpod/containers/c2?force=false',
      'DELETE /v4.0.0/libpod/pods/p?force=false',
    ]);
  });

  test("a 200 reply whose item carries Err fails with that item's code", async () => {
    const { runtime } = await fakePodman((req, res) =>
      req.url!.includes('/pods/')
        ? json(res, 200, { Err: 'removing container a from pod p: container state improper', Id: 'p' })
        : json(res, 200, [
            { Id: 'a', RawInput: 'a' },
            { Id: 'b', Err: 'container b has dependent containers which must be removed before it: c: container already exists' },
          ]),
    );
    expect((await failure(runtime.removeContainer('a', { force: false }))).code).toBe('CTR_EXISTS');
    expect((await failure(runtime.removePod('p', { force: false }))).code).toBe('CTR_STATE_INVALID');
  });

  test("any other error is RUNTIME with the URL, the request, the HTTP status and podman's message", async () => {
    const { runtime } = await fakePodman((_req, res) =>
      json(res, 500, { cause: 'disk quota exceeded', message: 'error removing storage: disk quota exceeded', response: 500 }),
    );
    const error = await failure(runtime.removeContainer('c', { force: true }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe(
      `podman service at ${runtime.url}: DELETE /v4.0.0/libpod/containers/c?force=true: HTTP 500: error removing storage: disk quota exceeded`,
    );
  });

  test('a reply that is not JSON is RUNTIME naming the URL, the request, the status and the text', async () => {
    const { runtime } = await fakePodman((_req, res) => {
      res.writeHead(502);
      res.end('<html>Bad Gateway</html>');
    });
    const error = await failure(runtime.removePod('p', { force: false }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe(
      `podman service at ${runtime.url}: DELETE /v4.0.0/libpod/pods/p?force=false: HTTP 502 with a reply that is not JSON: "<html>Bad Gateway</html>"`,
    );
  });

  test('a service that drops the connection midway is RUNTIME naming the URL and the request', async () => {
    const { runtime } = await fakePodman((req) => req.socket.destroy());
    const error = await failure(runtime.removeContainer('c', { force: true }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toMatch(
      new RegExp(
        `^podman service at ${runtime.url}: DELETE /v4.0.0/libpod/containers/c\\?force=true: the service closed the connection before replying`,
      ),
    );
  });

  test("ping takes podman's plain-text OK, and names the URL when the answer is not 200", async () => {
    let healthy = true;
    const { runtime } = await fakePodman((_req, res) => {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(healthy ? 'OK' : 'starting');
    });
    await runtime.ping();
    healthy = false;
    const error = await failure(runtime.ping());
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe(`podman service at ${runtime.url}: GET /_ping: HTTP 503: starting`);
  });

  test('a socket that does not exist is RUNTIME naming the URL and the request', async () => {
    const runtime = new PodmanRuntime({ url: 'unix:///nonexistent/podgraph/podman.sock' });
    const error = await failure(runtime.inspect());
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe(
      'podman service at unix:///nonexistent/podgraph/podman.sock: GET /v4.0.0/libpod/pods/json: cannot connect: the socket does not exist (connect ENOENT /nonexistent/podgraph/podman.sock); is `podman system service` running?',
    );
  });

  test('nothing listening on a TCP port is RUNTIME: connection refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await failure(new PodmanRuntime({ url: `tcp://127.0.0.1:${port}` }).removePod('p', { force: true }));
    expect(error.message).toMatch(
      `podman service at tcp://127.0.0.1:${port}: DELETE /v4.0.0/libpod/pods/p?force=true: cannot connect: connection refused`,
    );
  });

  test('an abort cuts a call short with ABORTED; an aborted signal sends nothing', async () => {
    const { runtime, requests } = await fakePodman(() => undefined); // never answers
    const controller = new AbortController();
    const call = runtime.removeContainer('c', { force: true, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('user pressed Ctrl-C'));
    expect((await failure(call)).code).toBe('ABORTED');
    expect((await failure(runtime.removeContainer('d', { force: true, signal: controller.signal }))).code).toBe('ABORTED');
    expect(requests).toEqual(['DELETE /v4.0.0/libpod/containers/c?force=true']);
  });

  test('inspect maps the lists and each inspect onto a GraphSpec, keeping only what it can vouch for', async () => {
    const pods = [{ Id: 'pod1', Name: 'web', InfraId: 'inf' }];
    const containers = ['inf', 'app', 'gone', 'late', 'solo'].map((Id) => ({ Id }));
    const details: Record<string, unknown> = {
      inf: { Id: 'inf', Name: 'abc-infra', Pod: 'pod1', IsInfra: true, Dependencies: [], State: { Status: 'running' } },
      app: { Id: 'app', Name: 'app', Pod: 'pod1', IsInfra: false, Dependencies: ['inf', 'solo'], State: { Status: 'configured' } },
      // created in a pod after the pod list was read: not in this snapshot
      late: { Id: 'late', Name: 'late', Pod: 'pod2', Dependencies: ['inf2'], State: { Status: 'created' } },
      solo: { Id: 'solo', Name: 'solo', Pod: '', Dependencies: null, State: { Status: 'removing' } },
    };
    const { runtime } = await fakePodman((req, res) => {
      const url = req.url!;
      if (url === '/v4.0.0/libpod/pods/json') return json(res, 200, pods);
      if (url === '/v4.0.0/libpod/containers/json?all=true') return json(res, 200, containers);
      const id = /containers\/([^/]+)\/json$/.exec(url)?.[1];
      return id && details[id]
        ? json(res, 200, details[id])
        : json(res, 404, { cause: 'no such container', message: 'no such container', response: 404 });
    });
    expect(await runtime.inspect()).toEqual({
      pods: [{ id: 'pod1', name: 'web' }],
      containers: [
        { id: 'inf', name: 'abc-infra', pod: 'pod1', infra: true, state: 'running', dependsOn: [] },
        { id: 'app', name: 'app', pod: 'pod1', state: 'created', dependsOn: ['inf', 'solo'] },
        { id: 'solo', name: 'solo', state: 'stopping', dependsOn: [] },
      ],
    });
  });

  test("inspect reads Config.Labels, Created, an exited container's ExitCode, and the pods' Labels; null or {} is no labels", async () => {
    const pods = [
      { Id: 'pod1', Name: 'web', Labels: { team: 'a' } },
      { Id: 'pod2', Name: 'db', Labels: {} },
    ];
    const details: Record<string, unknown> = {
      c1: {
        Id: 'c1',
        Name: 'c1',
        Dependencies: [],
        Created: '2026-12-01T08:33:45.847897446Z',
        State: { Status: 'exited', ExitCode: 3 },
        Config: { Labels: { env: 'ci', 'io.x': '' } },
      },
      c2: { Id: 'c2', Name: 'c2', Dependencies: [], State: { Status: 'created', ExitCode: 0 }, Config: { Labels: null } },
    };
    const { runtime } = await fakePodman((req, res) => {
      const url = req.url!;
      if (url === '/v4.0.0/libpod/pods/json') return json(res, 200, pods);
      if (url === '/v4.0.0/libpod/containers/json?all=true') return json(res, 200, [{ Id: 'c1' }, { Id: 'c2' }]);
      const id = /containers\/([^/]+)\/json$/.exec(url)?.[1];
      return json(res, 200, details[id!]);
    });
    expect(await runtime.inspect()).toEqual({
      pods: [
        { id: 'pod1', name: 'web', labels: { team: 'a' } },
        { id: 'pod2', name: 'db' },
      ],
      containers: [
        {
          id: 'c1',
          name: 'c1',
          state: 'exited',
          dependsOn: [],
          labels: { env: 'ci', 'io.x': '' },
          created: '2026-12-01T08:33:45.847897446Z',
          exitCode: 3,
        },
        // a created container's ExitCode 0 is no exit: podman's exited=0 does not match it
        { id: 'c2', name: 'c2', state: 'created', dependsOn: [] },
      ],
    });
  });

  test('a container whose storage is gone (a removal cut short) comes from the list and goes first in its scope', async () => {
    const containers = [{ Id: 'a' }, { Id: 'b' }, { Id: 'half', Names: ['half'], State: 'removing' }, { Id: 'c' }];
    const details: Record<string, unknown> = {
      a: { Id: 'a', Name: 'a', Dependencies: [], State: { Status: 'created' } },
      b: { Id: 'b', Name: 'b', Dependencies: ['a'], State: { Status: 'created' } },
      c: { Id: 'c', Name: 'c', Dependencies: ['half'], State: { Status: 'created' } },
    };
    const { runtime } = await fakePodman((req, res) => {
      const url = req.url!;
      if (url === '/v4.0.0/libpod/pods/json') return json(res, 200, []);
      if (url === '/v4.0.0/libpod/containers/json?all=true') return json(res, 200, containers);
      const id = /containers\/([^/]+)\/json$/.exec(url)?.[1] ?? '';
      if (id === 'half') {
        const message = 'getting container from store "half": container not known';
        return json(res, 500, { cause: 'container not known', message, response: 500 });
      }
      return json(res, 200, details[id]);
    });
    const spec = await runtime.inspect();
    // it depends on everything of its scope but what depends on it (c), so it is removed before a and b
    expect(spec.containers?.find((container) => container.id === 'half')).toEqual({
      id: 'half',
      name: 'half',
      state: 'stopping',
      dependsOn: ['a', 'b'],
    });
    expect(ContainerGraph.fromSpec(spec).dependentsOf('a').sort()).toEqual(['b', 'half']);
  });

  test('a service dying during removeGraph: failed calls are RUNTIME past the retry budget, their dependencies blocked, nothing claimed removed', async () => {
    let answered = 0;
    const { runtime } = await fakePodman(
      (req, res) => {
        if (answered++ < 2) return json(res, 200, [{ Id: req.url, RawInput: req.url }]);
        req.socket.destroy();
      },
      { retry: { budget: 200, initialDelay: 10, maxDelay: 50 } },
    );
    const graph = ContainerGraph.fromSpec({
      containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: ['b'] }, { id: 'd', dependsOn: ['c'] }],
    });
    const report = await removeGraph(graph, { all: true, runtime, concurrency: 1 });
    expect(report.ok).toBe(false);
    expect(report.containers.get('d')).toBeNull();
    expect(report.containers.get('c')).toBeNull();
    expect(report.containers.get('b')?.code).toBe('RUNTIME');
    expect(report.containers.get('b')?.message).toContain(
      `podman service at ${runtime.url}: DELETE /v4.0.0/libpod/containers/b?force=false`,
    );
    expect(report.containers.get('b')?.message).toContain('past the retry budget of 0.2 s');
    expect(report.containers.get('a')?.code).toBe('DEPENDENCY_FAILED');
  });
});

describe('PodmanRuntime: retries and deadlines', () => {
  const removed = (req: IncomingMessage, res: ServerResponse) =>
    req.url!.includes('/pods/') ? json(res, 200, { Err: null, Id: 'p' }) : json(res, 200, [{ Id: 'c', RawInput: 'c' }]);
  const fast = { budget: 2_000, initialDelay: 5, maxDelay: 20 };

  test('a lost connection after the service was reached is retried until it answers, and each retry is told', async () => {
    let request = 0;
    const { runtime, requests } = await fakePodman(
      (req, res) => {
        // the first answers; the next two lose the connection before replying
        if (++request === 2 || request === 3) return req.socket.destroy();
        removed(req, res);
      },
      { retry: fast },
    );
    await runtime.removeContainer('a', { force: false });
    const retries: RuntimeRetry[] = [];
    await runtime.removeContainer('b', { force: false, onRetry: (retry) => retries.push(retry) });
    expect(requests).toEqual([
      'DELETE /v4.0.0/libpod/containers/a?force=false',
      ...Array.from({ length: 3 }, () => 'DELETE /v4.0.0/libpod/containers/b?force=false'),
    ]);
    expect(retries.map((retry) => [retry.attempt, retry.error.code])).toEqual([
      [1, 'RUNTIME'],
      [2, 'RUNTIME'],
    ]);
    expect(retries[0]!.error.message).toMatch(
      `podman service at ${runtime.url}: DELETE /v4.0.0/libpod/containers/b?force=false: the service closed the connection`,
    );
    for (const retry of retries) expect(retry.delay).toBeLessThanOrEqual(20);
  });

  test('a service that restarts (its socket gone for a while) is waited for; removeGraph reports each retry as an event', async () => {
    const { runtime, server, socket } = await fakePodman(removed, { retry: fast });
    await runtime.ping();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    setTimeout(() => server.listen(socket), 150);
    const events: RemovalEvent[] = [];
    const report = await removeGraph(ContainerGraph.fromSpec({ containers: [{ id: 'c' }] }), {
      all: true,
      runtime,
      onEvent: (event) => events.push(event),
    });
    expect(report.ok).toBe(true);
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ kind: 'container', id: 'c', attempt: 1, error: { code: 'RUNTIME' } });
    // the idle keep-alive connection breaks first (EPIPE or reset), then the socket is missing until it is back
    expect(retries.some((event) => event.error!.message.includes('the socket does not exist'))).toBe(true);
    expect(events.map((event) => event.type).filter((type) => type !== 'retry')).toEqual(['start', 'removed']);
  });

  test('the budget is counted for the runtime, not per request: past it every request fails at once, naming the URL', async () => {
    let up = true;
    const { runtime, requests } = await fakePodman((req, res) => (up ? removed(req, res) : req.socket.destroy()), {
      retry: { budget: 300, initialDelay: 10, maxDelay: 50 },
    });
    await runtime.removeContainer('a', { force: false });
    up = false;
    const started = performance.now();
    const error = await failure(runtime.removeContainer('b', { force: false }));
    const waited = performance.now() - started;
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toMatch(
      new RegExp(`^podman service at ${runtime.url}: DELETE .*: the service closed the connection .*past the retry budget of 0.3 s\\)$`),
    );
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(5_000);
    // the clock is still running: the next request gets one attempt, no new 300 ms
    const before = requests.length;
    expect((await failure(runtime.removeContainer('c', { force: false }))).message).toContain('past the retry budget');
    expect(requests.length - before).toBe(1);
    // and an answer stops it
    up = true;
    await runtime.removeContainer('d', { force: false });
  });

  test('a runtime that never reached its service fails at once, naming the URL', async () => {
    const retries: RuntimeRetry[] = [];
    const missing = new PodmanRuntime({ url: 'unix:///nonexistent/podgraph/podman.sock' });
    const started = performance.now();
    const error = await failure(missing.removeContainer('c', { force: false, onRetry: (retry) => retries.push(retry) }));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.message).toMatch(/^podman service at unix:\/\/\/nonexistent\/podgraph\/podman.sock: DELETE .*the socket does not exist/);
    expect(retries).toEqual([]);
    const { runtime, requests } = await fakePodman((req) => req.socket.destroy());
    await failure(runtime.removeContainer('c', { force: false }));
    expect(requests).toHaveLength(1);
    // a failure that is no answer (here an abort) does not count as having reached the service
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect((await failure(missing.removeContainer('c', { force: false, signal: controller.signal }))).code).toBe('ABORTED');
    const again = performance.now();
    await failure(missing.removeContainer('c', { force: false, onRetry: (retry) => retries.push(retry) }));
    expect(performance.now() - again).toBeLessThan(1_000);
    expect(retries).toEqual([]);
  });

  test("refusals are never retried: absent, running, dependents, infra, and podman's other errors", async () => {
    const answers: Array<[number, unknown]> = [
      [404, { cause: 'no such container', message: 'no container with name or ID "c" found: no such container', response: 404 }],
      [
        500,
        {
          cause: 'container state improper',
          message:
            'cannot remove container c as it is running - running or paused containers cannot be removed without force: container state improper',
          response: 500,
        },
      ],
      [
        500,
        {
          cause: 'container already exists',
          message: 'container c has dependent containers which must be removed before it: d: container already exists',
          response: 500,
        },
      ],
      [
        500,
        {
          cause: 'container c is the infra container of pod p and cannot be removed without removing the pod',
          message: 'container c is the infra container of pod p and cannot be removed without removing the pod',
          response: 500,
        },
      ],
      [500, { cause: 'disk quota exceeded', message: 'error removing storage: disk quota exceeded', response: 500 }],
    ];
    let answer = 0;
    const { runtime, requests } = await fakePodman((_req, res) => json(res, ...answers[answer]!), { retry: fast });
    const codes: string[] = [];
    for (answer = 0; answer < answers.length; answer++) {
      const retries: RuntimeRetry[] = [];
      codes.push((await failure(runtime.removeContainer('c', { force: false, onRetry: (retry) => retries.push(retry) }))).code);
      expect(retries).toEqual([]);
    }
    expect(codes).toEqual(['NO_SUCH_CTR', 'CTR_STATE_INVALID', 'CTR_EXISTS', 'INFRA_CTR', 'RUNTIME']);
    expect(requests).toHaveLength(answers.length);
  });

  test("podman's transient answer, a list racing a removal (500 no such container), is retried; a vanished inspect is left out", async () => {
    let lists = 0;
    const { runtime, requests } = await fakePodman(
      (req, res) => {
        const url = req.url!;
        const gone = { cause: 'no such container', message: 'container x does not exist in database: no such container', response: 500 };
        if (url === '/v4.0.0/libpod/pods/json') return ++lists === 1 ? json(res, 500, gone) : json(res, 200, []);
        if (url === '/v4.0.0/libpod/containers/json?all=true') return json(res, 200, [{ Id: 'x' }, { Id: 'y' }]);
        if (url.includes('/x/')) return json(res, 500, gone);
        return json(res, 200, { Id: 'y', Name: 'y', Dependencies: [], State: { Status: 'created' } });
      },
      { retry: fast },
    );
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [{ id: 'y', name: 'y', state: 'created', dependsOn: [] }] });
    expect(requests.filter((request) => request === 'GET /v4.0.0/libpod/pods/json')).toHaveLength(2);
  });

  test('retry: false turns retries off', async () => {
    let request = 0;
    const { runtime, requests } = await fakePodman((req, res) => (++request === 1 ? removed(req, res) : req.socket.destroy()), {
      retry: false,
    });
    await runtime.removeContainer('a', { force: false });
    await failure(runtime.removeContainer('b', { force: false }));
    expect(requests).toHaveLength(2);
  });

  test('an abort during a back-off wait ends the call at once with ABORTED', async () => {
    let request = 0;
    const { runtime } = await fakePodman((req, res) => (++request === 1 ? removed(req, res) : req.socket.destroy()), {
      retry: { budget: 120_000, initialDelay: 30_000, maxDelay: 30_000 },
    });
    await runtime.removeContainer('a', { force: false });
    const controller = new AbortController();
    const call = runtime.removeContainer('b', { force: false, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const aborted = performance.now();
    controller.abort(new Error('user pressed Ctrl-C'));
    const error = await failure(call);
    expect(error.code).toBe('ABORTED');
    expect(performance.now() - aborted).toBeLessThan(2_000);
  });

  test('a call that gets no answer within its deadline fails RUNTIME naming the call and the limit, and is not retried', async () => {
    let request = 0;
    const { runtime, requests } = await fakePodman((req, res) => (++request === 1 ? removed(req, res) : undefined), {
      callTimeout: 200,
      retry: fast,
    });
    await runtime.removeContainer('a', { force: false });
    const error = await failure(runtime.removeContainer('b', { force: true, timeout: 0 }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe(
      `podman service at ${runtime.url}: DELETE /v4.0.0/libpod/containers/b?force=true&timeout=0: no answer within 0.2 s (0 s to stop it plus callTimeout 0.2 s)`,
    );
    expect(requests).toHaveLength(2);
    const inspect = await failure(runtime.inspect());
    expect(inspect.message).toBe(
      `podman service at ${runtime.url}: GET /v4.0.0/libpod/pods/json: no answer within 0.2 s (callTimeout 0.2 s)`,
    );
  });

  test("the deadline leaves room for the stop: timeout seconds, else the container's own stop timeout, else podman's 10 s", async () => {
    let request = 0;
    const { runtime } = await fakePodman(
      (req, res) => {
        if (++request <= 3) {
          const url = req.url!;
          if (url === '/v4.0.0/libpod/pods/json') return json(res, 200, []);
          if (url === '/v4.0.0/libpod/containers/json?all=true') return json(res, 200, [{ Id: 'slow' }]);
          return json(res, 200, { Id: 'slow', Name: 'slow', Dependencies: [], State: { Status: 'running' }, Config: { StopTimeout: 1 } });
        }
        setTimeout(() => removed(req, res), 400); // answers after 0.4 s, within 1 s + 0.1 s but not 0 s + 0.1 s
      },
      { callTimeout: 100 },
    );
    await runtime.inspect();
    await runtime.removeContainer('slow', { force: true });
    expect((await failure(runtime.removeContainer('slow', { force: true, timeout: 0 }))).message).toContain('no answer within 0.1 s');
  });

  test('retry and callTimeout are checked when the runtime is made', () => {
    expect(() => new PodmanRuntime({ url: 'tcp://h:1', retry: { budget: -1 } })).toThrow(
      'Expected `retry.budget` to be a finite number >= 0 (milliseconds), got `-1` (number)',
    );
    expect(() => new PodmanRuntime({ url: 'tcp://h:1', retry: { initialDelay: 500, maxDelay: 100 } })).toThrow(
      'Expected `retry.maxDelay` to be at least `retry.initialDelay` (500), got `100` (number)',
    );
    expect(() => new PodmanRuntime({ url: 'tcp://h:1', retry: true as never })).toThrow('Expected `retry` to be false or an object');
    expect(() => new PodmanRuntime({ url: 'tcp://h:1', callTimeout: 0 })).toThrow(
      'Expected `callTimeout` to be a number of milliseconds > 0 or Infinity, got `0` (number)',
    );
    expect(new PodmanRuntime({ url: 'tcp://h:1', callTimeout: Infinity, retry: false }).url).toBe('tcp://h:1');
  });

  test("a runtime's own concurrency is checked when the runtime is made, on both engines' runtimes", () => {
    for (const concurrency of [-5, 0, 1.5, Number.NaN, '3' as never]) {
      for (const make of [
        () => new PodmanRuntime({ url: 'tcp://h:1', concurrency }),
        () => new DockerRuntime({ url: 'tcp://h:1', concurrency }),
      ]) {
        expect(make).toThrow(
          expect.objectContaining({
            code: 'INVALID_ARG',
            message: expect.stringMatching(/^Expected `concurrency` to be an integer from 1 and up or `Infinity`, got /),
          }),
        );
      }
    }
    expect(new PodmanRuntime({ url: 'tcp://h:1', concurrency: Infinity }).concurrency).toBe(Infinity);
    expect(new DockerRuntime({ url: 'tcp://h:1', concurrency: 2 }).concurrency).toBe(2);
  });
});

describe('PodmanRuntime: whole-pod calls', () => {
  /** A podman of `version` whose inspect shows pod p (infra i, members a and b; b mounts a volume). */
  const podmanOf = (version: string, onPodDelete?: (res: ServerResponse) => void) =>
    fakePodman((req, res) => {
      const url = req.url!;
      res.setHeader('Libpod-Api-Version', version);
      if (url.includes('/pods/json')) return json(res, 200, [{ Id: 'p', Name: 'web' }]);
      if (url.includes('/containers/json')) {
        const all = [
          { Id: 'i', Pod: 'p', IsInfra: true, State: 'running' },
          { Id: 'a', Pod: 'p', State: 'running' },
          { Id: 'b', Pod: 'p', State: 'running' },
        ];
        // After a failed pod removal: what is left of the pod.
        return json(res, 200, url.includes('filters') ? all.filter((c) => c.Id !== 'b') : all);
      }
      const inspected = /\/containers\/(\w+)\/json/.exec(url)?.[1];
      if (inspected !== undefined) {
        return json(res, 200, {
          Id: inspected,
          Pod: 'p',
          IsInfra: inspected === 'i',
          State: { Status: 'running' },
          Dependencies: inspected === 'i' ? [] : ['i'],
          Mounts: inspected === 'b' ? [{ Type: 'volume', Name: 'f00d' }] : [],
        });
      }
      if (url.includes('/pods/p?')) return onPodDelete ? onPodDelete(res) : json(res, 200, { Err: null, Id: 'p' });
      json(res, 404, { message: 'not found' });
    });
  const pod = (over: Partial<PodToRemove> = {}): PodToRemove => ({
    id: 'p',
    members: ['a', 'b'],
    active: 2,
    timeout: undefined,
    volumes: true,
    ...over,
  });

  test('podman 5.5 and later stop members in parallel: always one call; before any answer, never', async () => {
    const { runtime } = await podmanOf('5.8.6');
    expect(runtime.removesWholePod(pod())).toBe(false);
    await runtime.inspect();
    expect(runtime.version).toBe('5.8.6');
    expect(runtime.removesWholePod(pod())).toBe(true);
  });

  test('podman 4 and 5.0-5.4 stop them one at a time: one call when at most one must wait out a stop timeout', async () => {
    for (const version of ['4.3.1', '5.4.2']) {
      const { runtime } = await podmanOf(version);
      await runtime.inspect();
      expect([
        runtime.removesWholePod(pod()),
        runtime.removesWholePod(pod({ timeout: 0 })),
        runtime.removesWholePod(pod({ active: 1 })),
      ]).toEqual([false, true, true]);
    }
  });

  test("without volumes, a pod with a member that mounts a volume has a call per member (podman's pod removal takes anonymous ones)", async () => {
    const { runtime } = await podmanOf('5.8.6');
    await runtime.inspect();
    expect(runtime.removesWholePod(pod({ volumes: false }))).toBe(false);
    expect(runtime.removesWholePod(pod({ volumes: false, members: ['a'] }))).toBe(true);
  });

  test("a failed pod removal names the members it left, each with its part of podman's message", async () => {
    const text =
      'not all containers could be removed from pod p: removing pod containers. 1 error occurred:\n\t* cannot remove container a as it is running - running or paused containers cannot be removed without force: container state improper\n\n';
    const { runtime, requests } = await podmanOf('5.8.6', (res) =>
      json(res, 500, { cause: 'removing pod containers', message: text, response: 500 }),
    );
    const error = (await failure(runtime.removePod('p', { force: false }))) as PodgraphError & PodMembersLeft;
    expect(error.code).toBe('CTR_STATE_INVALID');
    expect([...error.containers.keys()]).toEqual(['a']);
    expect(error.containers.get('a')).toMatchObject({
      code: 'CTR_STATE_INVALID',
      message:
        'cannot remove container a as it is running - running or paused containers cannot be removed without force: container state improper',
    });
    expect(requests.at(-1)).toBe(`GET /v4.0.0/libpod/containers/json?all=true&filters=${encodeURIComponent('{"pod":["p"]}')}`);
  });

  test("podman 4.3's multierror names each member: those still there get their own lines", async () => {
    const text =
      '2 errors occurred:\n\t* removing container a from pod p: cannot remove container a as it is running - running or paused containers cannot be removed without force: container state improper\n\t* removing container i from pod p: a container that depends on container i could not be removed: container state improper\n\n';
    const { runtime } = await podmanOf('4.3.1', (res) =>
      json(res, 500, { cause: 'container state improper', message: text, response: 500 }),
    );
    const error = (await failure(runtime.removePod('p', { force: false }))) as PodgraphError & PodMembersLeft;
    expect([...error.containers]).toEqual([
      [
        'a',
        expect.objectContaining({
          code: 'CTR_STATE_INVALID',
          message: expect.stringMatching(/^cannot remove container a as it is running/),
        }),
      ],
    ]);
  });
});
