/**
 * A new user's first run, on a machine with podman installed and no service running: `podgraph
 * plan rm -fa` and `podgraph rm -fa` with no flags start a `podman system service` of their own,
 * say so and where, and leave no service behind; rootful (a private store named by
 * CONTAINERS_CONF and CONTAINERS_STORAGE_CONF) and rootless (the user podgraph-rootless that
 * scripts/setup-podman.sh makes; rootless containers here need --network none).
 *
 * The CLI runs in a mount namespace of its own where /run/podman is an empty tmpfs, so the
 * machine's own rootful socket, if any, can never be reached: the test's default socket is one
 * that does not answer, whatever the host runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { type Engine, enginesOf } from '../support/engines.ts';
import { createInPodman } from '../support/fixtures.ts';
import { TINY_IMAGE } from '../support/podman-sandbox.ts';
import { describeNeeding, describePodman, useSandbox } from '../support/podman-tests.ts';
import { lines } from './run-cli.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const ROOTLESS_USER = 'podgraph-rootless';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with only `env`, in a mount namespace where /run/podman is empty; `user` runs it as that user. */
async function cli(args: string[], env: Record<string, string>, user?: string): Promise<Result> {
  const mask = 'if [ -d /run/podman ]; then mount -t tmpfs tmpfs /run/podman; fi; exec "$@"';
  const as = user === undefined ? [] : ['runuser', '-u', user, '--'];
  const argv = [
    '--mount',
    'sh',
    '-c',
    mask,
    'sh',
    ...as,
    'env',
    '-i',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    process.execPath,
    CLI,
    ...args,
  ];
  try {
    const { stdout, stderr } = await run('unshare', argv, { maxBuffer: 16 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** PIDs of `podman system service` processes whose command line mentions `text`. */
function services(text: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('system service') && line.includes(text))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

const STARTED =
  /^podgraph: podman (\S+) through a podman system service started for this command at unix:\/\/(\S+)\/podgraph-\w+\/podman\.sock \(nothing answered at (\S+)\); it stops when the command ends$/m;

describePodman('first run, rootful: no service to start, none left behind', (engine) => {
  const live = useSandbox();
  let xdg: string;
  let env: Record<string, string>;
  beforeAll(() => {
    xdg = mkdtempSync(join(tmpdir(), 'podgraph-first-run-'));
    env = {
      PATH: `${engine.binDir()}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: xdg,
      XDG_RUNTIME_DIR: xdg,
      CONTAINERS_CONF: live.sandbox.env.CONTAINERS_CONF!,
      CONTAINERS_STORAGE_CONF: live.sandbox.env.CONTAINERS_STORAGE_CONF!,
    };
  });
  afterAll(() => rmSync(xdg, { recursive: true, force: true }));
  beforeEach(async () => {
    await live.sandbox.clear();
    await createInPodman(live.sandbox, {
      pods: ['web'],
      containers: [
        { name: 'web-app', pod: 'web', running: true },
        { name: 'db', running: true },
        { name: 'api', requires: ['db'] },
      ],
    });
  });

  test('plan rm -fa with no flags: the plan, and one stderr line saying which podman, where and why', async () => {
    const result = await cli(['plan', 'rm', '-fa'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rm -a -f: 4 containers and 1 pod selected; /);
    expect(result.stdout).toMatch(/^ {2}remove pod web \(and web-app, its infra container [0-9a-f]{12}-infra\)$/m); // by name, as podman names it
    const started = STARTED.exec(result.stderr);
    expect(started?.slice(1)).toEqual([engine.version, xdg, 'unix:///run/podman/podman.sock']);
    expect(services(xdg)).toEqual([]);
    expect((await live.sandbox.podman('ps', '-aq')).split('\n')).toHaveLength(4);
  });

  test('rm -fa with no flags removes everything through it, says so in names, and stops it', async () => {
    const result = await cli(['rm', '-fa'], env);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(4); // each container removed, by id, the infra one included
    expect(result.stderr).toMatch(STARTED);
    expect(result.stderr).toMatch(/^podgraph: removed 4 containers and 1 pod in \d+\.\d s$/m);
    expect(services(xdg)).toEqual([]);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
    expect(await live.sandbox.podman('pod', 'ps', '-q')).toBe('');
  });

  test('--json says where too, and that podgraph started the service', async () => {
    const result = await cli(['rm', '-fa', '--json'], env);
    const report = JSON.parse(lines(result.stdout).at(-1)!);
    expect(report).toMatchObject({ type: 'report', ok: true, source: { engine: 'podman', version: engine.version, startedService: true } });
    expect(Object.values(report.names)).toEqual(expect.arrayContaining(['web-app', 'db', 'api']));
    expect(result.stderr).toBe('');
    expect(services(xdg)).toEqual([]);
  });
});

/** Why rootless tests cannot run here for this engine, or undefined. */
function rootlessUnavailable(engine: Engine): string | undefined {
  if (engine.unavailable !== undefined) return engine.unavailable;
  try {
    execFileSync('id', [ROOTLESS_USER], { stdio: 'ignore' });
  } catch {
    return `no user ${ROOTLESS_USER} (run \`sudo bash scripts/setup-podman.sh\`)`;
  }
  if (!existsSync('/usr/bin/newuidmap')) return 'no newuidmap (uidmap, run `sudo bash scripts/setup-podman.sh`)';
  return undefined;
}

// The host's podman (4.3.1) runs rootless for a plain user; podman 5 lives in a chroot only root can enter.
for (const engine of enginesOf('podman').filter((candidate) => candidate.id === 'podman4')) {
  describeNeeding(`${engine.label}, rootless`, rootlessUnavailable(engine), `first run, rootless [${engine.label}]`, () => {
    let home: string;
    let env: Record<string, string>;
    const asUser = async (...args: string[]) => {
      const { stdout } = await run('runuser', [
        '-u',
        ROOTLESS_USER,
        '--',
        'env',
        '-i',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        'podman',
        ...args,
      ]);
      return stdout.trim();
    };
    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'podgraph-rootless-'));
      const xdg = join(home, 'run');
      mkdirSync(xdg, { mode: 0o700 });
      const uid = Number(execFileSync('id', ['-u', ROOTLESS_USER], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', ROOTLESS_USER], { encoding: 'utf8' }));
      chownSync(home, uid, gid);
      chownSync(xdg, uid, gid);
      env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: home, XDG_RUNTIME_DIR: xdg, USER: ROOTLESS_USER };
      await asUser('load', '--quiet', '-i', join(tmpdir(), `podgraph-tiny-${process.getuid?.() ?? 0}.tar`));
      await asUser('pod', 'create', '--name', 'rp', '--network', 'none');
      await asUser('create', '--pod', 'rp', '--name', 'rp-a', TINY_IMAGE);
      await asUser('create', '--name', 'r1', '--network', 'none', TINY_IMAGE);
      await asUser('create', '--name', 'r2', '--network', 'none', '--requires', 'r1', TINY_IMAGE);
      await asUser('start', 'rp-a', 'r2');
    }, 180_000);
    afterAll(async () => {
      await asUser('system', 'reset', '--force').catch(() => undefined);
      execFileSync('pkill', ['-u', ROOTLESS_USER], { stdio: 'ignore' });
      rmSync(home, { recursive: true, force: true });
    }, 120_000);

    test('plan rm -fa and rm -fa as a plain user: its own service on $XDG_RUNTIME_DIR, stopped after; everything removed', async () => {
      const plan = await cli(['plan', 'rm', '-fa'], env, ROOTLESS_USER);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/^rm -a -f: 4 containers and 1 pod selected; /);
      expect(plan.stderr).toMatch(new RegExp(`nothing answered at unix://${home}/run/podman/podman\\.sock`));
      const removal = await cli(['rm', '-fa'], env, ROOTLESS_USER);
      expect(removal.code).toBe(0);
      expect(removal.stderr).toMatch(/^podgraph: removed 4 containers and 1 pod in \d+\.\d s$/m);
      expect(services(home)).toEqual([]);
      expect(await asUser('ps', '-aq')).toBe('');
      expect(await asUser('pod', 'ps', '-q')).toBe('');
    });
  });
}
