/**
 * Several hosts in one run: two private podman services as two podman connections (a
 * podman-connections.json of the test's own, and an empty containers.conf, so the host's
 * connections are never read). The SDK's removeOnHosts and the CLI's repeated -c and --farm.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodmanRuntime, removeOnHosts } from 'podgraph';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { lines, podgraph } from '../cli/run-cli.ts';
import { createInPodman } from '../support/fixtures.ts';
import { PodmanSandbox } from '../support/podman-sandbox.ts';
import { describePodman } from '../support/podman-tests.ts';

describePodman('several podman connections in one run', (engine) => {
  let web: PodmanSandbox;
  let db: PodmanSandbox;
  let dir: string;
  let env: Record<string, string>;
  const runtimes: PodmanRuntime[] = [];
  const runtime = (connection: string) => {
    const made = new PodmanRuntime({ connection, environment: { env } });
    runtimes.push(made);
    return made;
  };

  beforeAll(async () => {
    [web, db] = await Promise.all([PodmanSandbox.start(engine), PodmanSandbox.start(engine)]);
    dir = mkdtempSync(join(tmpdir(), 'podgraph-hosts-'));
    writeFileSync(join(dir, 'containers.conf'), '');
    writeFileSync(
      join(dir, 'podman-connections.json'),
      JSON.stringify({
        Connection: { Default: 'web', Connections: { web: { URI: web.url }, db: { URI: db.url } } },
        Farm: { List: { all: ['web', 'db'] } },
      }),
    );
    env = { HOME: dir, CONTAINERS_CONF: join(dir, 'containers.conf'), PODMAN_CONNECTIONS_CONF: join(dir, 'podman-connections.json') };
  });
  afterAll(async () => {
    for (const made of runtimes) made.close();
    await Promise.all([web?.dispose(), db?.dispose()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await Promise.all([web.clear(), db.clear()]);
    await createInPodman(web, { containers: [{ name: 'w0' }, { name: 'w1', requires: ['w0'] }] });
    await createInPodman(db, {
      containers: [
        { name: 'd0', running: true },
        { name: 'd1', requires: ['d0'] },
      ],
    });
  });

  test('removeOnHosts: one report per host, each removal on its own runtime', async () => {
    const results = await removeOnHosts(
      new Map([
        ['web', runtime('web')],
        ['db', runtime('db')],
      ]),
      { all: true },
    );
    expect([...results.keys()]).toEqual(['web', 'db']);
    expect(results.get('web')).toMatchObject({ ok: true, error: undefined });
    expect([...results.get('web')!.report!.containers.values()]).toEqual([null, null]);
    const dbReport = results.get('db')!.report!;
    expect(results.get('db')!.ok).toBe(false);
    expect([...dbReport.containers.values()].map((error) => error?.code ?? null).sort()).toEqual(['CTR_STATE_INVALID', null]);
    expect(await web.podman('ps', '-aq')).toBe('');
    expect(await db.podman('ps', '-a', '--format', '{{.Names}}')).toBe('d0');
  });

  test('removeOnHosts: a host that cannot be reached gives its error; the others go on', async () => {
    const results = await removeOnHosts(
      { web: runtime('web'), gone: new PodmanRuntime({ url: 'unix:///nonexistent/podgraph.sock' }) },
      { all: true },
    );
    expect(results.get('web')!.ok).toBe(true);
    expect(results.get('gone')).toMatchObject({ ok: false, report: undefined, error: { code: 'RUNTIME' } });
  });

  test('podgraph rm -a -c web -c db: both hosts at once, lines prefixed by connection, the worst exit code', async () => {
    const result = await podgraph(['rm', '-a', '-c', 'web', '-c', 'db', '--progress', 'none', '--report-svg', join(dir, 'report.svg')], {
      env,
    });
    // One picture per host.
    expect([existsSync(join(dir, 'report-web.svg')), existsSync(join(dir, 'report-db.svg')), existsSync(join(dir, 'report.svg'))]).toEqual([
      true,
      true,
      false,
    ]);
    expect(result.code).toBe(2); // db's running container: container state improper
    const out = lines(result.stdout);
    expect(out.filter((line) => line.startsWith('[web] '))).toHaveLength(2);
    expect(out.filter((line) => line.startsWith('[db] '))).toHaveLength(1);
    expect(out.every((line) => /^\[(web|db)\] [0-9a-f]{64}$/.test(line))).toBe(true);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^\[db\] Error: cannot remove container [0-9a-f]{64} as it is running - running or paused containers cannot be removed without force: container state improper$/,
      ),
    ]);
    expect(await web.podman('ps', '-aq')).toBe('');

    const forced = await podgraph(['rm', '-fa', '--farm', 'all', '--json', '-t', '0'], { env });
    expect(forced.code).toBe(0);
    const json = lines(forced.stdout).map((line) => JSON.parse(line) as { connection: string; type?: string });
    // Every JSON line says its host: db's events and report, web's (empty) report.
    expect(new Set(json.map((line) => line.connection))).toEqual(new Set(['web', 'db']));
    expect(json.filter((line) => line.connection === 'db' && line.type === 'removed')).toHaveLength(1); // d0, left running by the first run
    expect(await db.podman('ps', '-aq')).toBe('');
  });

  test('podgraph system connection list: podman 5 columns, the default marked; -c with an unknown name names the known ones', async () => {
    const list = await podgraph(['system', 'connection', 'list'], { env });
    expect(list.code).toBe(0);
    expect(lines(list.stdout)).toEqual([
      `Name        URI${' '.repeat(Math.max(12, web.url.length + 2) - 3)}Identity    Default     ReadWrite`,
      `db          ${db.url.padEnd(Math.max(12, web.url.length + 2))}            false       true`,
      `web         ${web.url.padEnd(Math.max(12, web.url.length + 2))}            true        true`,
    ]);
    // No flag at all: the default connection (CONTAINER_HOST, which run-cli sets, would come first).
    const byDefault = await podgraph(['graph', '--format', 'json'], { env: { ...env, CONTAINER_HOST: '' } });
    expect(byDefault.code).toBe(0);
    expect((JSON.parse(byDefault.stdout) as { containers: Array<{ name: string }> }).containers.map((c) => c.name).sort()).toEqual([
      'w0',
      'w1',
    ]);
    const viaEnv = await podgraph(['graph', '--format', 'json'], { env: { ...env, CONTAINER_CONNECTION: 'db' } });
    expect((JSON.parse(viaEnv.stdout) as { containers: Array<{ name: string }> }).containers.map((c) => c.name).sort()).toEqual([
      'd0',
      'd1',
    ]);
    // -H is --url, docker-style; one host only goes with several -c.
    const plan = await podgraph(['plan', 'rm', '-a', '-H', db.url], { env });
    // plan exits as rm would: 2, since d0 runs.
    expect([plan.code, plan.stdout.split('\n')[0]]).toEqual([
      2,
      'rm -a: 2 containers and 0 pods selected; 2 calls in 2 waves (1 would fail); 1 item would not be removed', // d0 runs,
    ]);
    expect((await podgraph(['rm', '-fa', '-c', 'web', '-c', 'db', '-H', db.url], { env })).stderr).toBe(
      'Error: --url / --host name one host: they cannot be used with several connections\n',
    );
    const unknown = await podgraph(['rm', '-fa', '-c', 'nope'], { env });
    expect(unknown.code).toBe(125);
    expect(unknown.stderr).toBe('Error: --connection: connection "nope" not found; known connections: db, web\n');
  });
});
