/**
 * No podman service running, as on most podman hosts: `PodmanRuntime.connect({ startService })`
 * starts `podman system service` from the `podman` on PATH on a private socket, uses it, and
 * stops it by its PID on close(), leaving no process behind. The machine's default socket is
 * made a private one (the environment's XDG_RUNTIME_DIR, as rootless podman's), so the host's
 * own podman service, if any, is never touched; the started service runs on the sandbox's store
 * (CONTAINERS_CONF and CONTAINERS_STORAGE_CONF, inherited as podman would).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ContainerGraph, PodmanRuntime, removeGraph } from 'podgraph';
import { afterEach, expect, test } from 'vitest';
import { createInPodman } from '../support/fixtures.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** PIDs of processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describePodman('a podman service of its own, when none answers', (engine) => {
  const live = useSandbox();
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** The environment of a machine with this engine's podman on PATH and no service at its default socket. */
  const machine = () => {
    const runtimeDir = mkdtempSync(join(tmpdir(), 'podgraph-xdg-'));
    dirs.push(runtimeDir);
    const env = {
      PATH: `${engine.binDir()}:${process.env.PATH}`,
      HOME: runtimeDir,
      XDG_RUNTIME_DIR: runtimeDir,
      CONTAINERS_CONF: live.sandbox.env.CONTAINERS_CONF,
      CONTAINERS_STORAGE_CONF: live.sandbox.env.CONTAINERS_STORAGE_CONF,
    };
    // A uid other than 0 makes the default socket $XDG_RUNTIME_DIR/podman/podman.sock, as rootless podman's.
    return { runtimeDir, environment: { env, uid: 4242 } };
  };

  test('starts one on a private socket, removes through it, and close() stops it by its PID', async () => {
    await live.sandbox.clear();
    await createInPodman(live.sandbox, { pods: ['p'], containers: [{ name: 'p-a', pod: 'p', running: true }, { name: 'c' }] });
    const { runtimeDir, environment } = machine();
    const runtime = await PodmanRuntime.connect({ startService: true, environment });
    expect(runtime.destination.source).toBe('started service');
    expect(runtime.destination.startedBecause).toBe(`unix://${runtimeDir}/podman/podman.sock`);
    expect(runtime.url).toMatch(new RegExp(`^unix://${runtimeDir}/podgraph-\\w+/podman\\.sock$`));
    expect(runtime.version).toBe(engine.version);
    const socket = runtime.url.slice('unix://'.length);
    expect(processesWith(socket)).toHaveLength(1);
    const graph = await ContainerGraph.fromRuntime(runtime);
    expect(graph.size).toBe(3);
    const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
    expect(report.ok).toBe(true);
    await runtime.close();
    expect(processesWith(socket)).toEqual([]);
    // Its folder goes with it.
    expect(readdirSync(runtimeDir).filter((name) => name.startsWith('podgraph-'))).toEqual([]);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
  });

  test('a process that exits without close() still stops the service it started (an exit hook, by its PID)', async () => {
    const { environment } = machine();
    // Another Node process, as a script that calls process.exit() (or a second Ctrl-C) would be.
    const script = [
      `import { PodmanRuntime } from ${JSON.stringify(DIST)};`,
      `const runtime = await PodmanRuntime.connect({ startService: true, environment: ${JSON.stringify(environment)} });`,
      'console.log(runtime.url);',
      'process.exit(0);',
    ].join('\n');
    const url = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    expect(url).toMatch(/^unix:\/\/.*\/podman\.sock$/);
    const socket = url.slice('unix://'.length);
    // SIGTERM on the way out; with no request in flight podman ends at once (left alone, it would idle for 60 s).
    for (let waited = 0; waited < 10_000 && processesWith(socket).length > 0; waited += 100) await sleep(100);
    expect(processesWith(socket)).toEqual([]);
  });

  test('not asked, or a destination named: nothing is started and the call fails naming the URL', async () => {
    const { runtimeDir, environment } = machine();
    await expect(PodmanRuntime.connect({ environment })).rejects.toMatchObject({
      code: 'RUNTIME',
      message: expect.stringContaining(`podman service at unix://${runtimeDir}/podman/podman.sock: GET /_ping: cannot connect`),
    });
    const named = `unix://${runtimeDir}/elsewhere.sock`;
    await expect(PodmanRuntime.connect({ startService: true, url: named, environment })).rejects.toMatchObject({
      message: expect.stringContaining(`podman service at ${named}: GET /_ping`),
    });
    expect(readdirSync(runtimeDir)).toEqual([]);
  });

  test('a service that answers at the default socket is used as it is', async () => {
    const { runtimeDir, environment } = machine();
    mkdirSync(join(runtimeDir, 'podman'));
    const service = await live.sandbox.serve(`unix://${runtimeDir}/podman/podman.sock`);
    try {
      const runtime = await PodmanRuntime.connect({ startService: true, environment });
      expect(runtime.destination.source).toBe('default socket');
      await runtime.close();
    } finally {
      service.kill('SIGTERM');
    }
  });
});
