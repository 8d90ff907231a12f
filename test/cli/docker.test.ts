/**
 * The CLI against a real Docker daemon: `--url` is asked which engine it is, `--context` and
 * DOCKER_HOST point at Docker the way the docker CLI reads them, and plan / rm / graph work there.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerGraph } from 'podgraph';
import { afterAll, beforeEach, expect, test } from 'vitest';
import { brokenByEvents } from '../support/docker-events.ts';
import { createInDocker, type DockerFixture } from '../support/docker-fixtures.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';
import { podgraph } from './run-cli.ts';

const STACK: DockerFixture = {
  containers: [
    { name: 'db', running: true, compose: { project: 'shop', service: 'db' } },
    { name: 'api', running: true, compose: { project: 'shop', service: 'api', dependsOn: 'db:service_started:false' } },
    { name: 'vpn', running: true },
    { name: 'app', running: true, networkOf: 'vpn' },
    { name: 'spare' },
  ],
};

/** No podman settings at all, so only Docker's (or the flags) say where. */
const NO_PODMAN = { CONTAINER_HOST: '', CONTAINER_CONNECTION: '', DOCKER_HOST: '', DOCKER_CONTEXT: '' };

describeDocker('the CLI on a real Docker daemon', (engine) => {
  const live = useDockerSandbox();
  const config = mkdtempSync(join(tmpdir(), 'podgraph-docker-config-'));
  afterAll(() => rmSync(config, { recursive: true, force: true }));

  beforeEach(async () => {
    await live.sandbox.clear();
    await createInDocker(live.sandbox, STACK);
  });

  test('plan rm -fa --url: the waves, dependents first; nothing is removed', async () => {
    const result = await podgraph(['plan', 'rm', '-fa', '--url', live.sandbox.url]);
    // One line says where: the engine and its version, as /_ping says them, and the URL.
    expect(result.stderr.startsWith(`podgraph: Docker ${engine.version}`)).toBe(true);
    expect(result.stderr.endsWith(` at ${live.sandbox.url}\n`)).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('5 containers and 0 pods selected; 5 calls in 2 waves');
    expect(result.stdout.indexOf('remove container api')).toBeLessThan(result.stdout.indexOf('wave 2'));
    expect(result.stdout.indexOf('remove container db')).toBeGreaterThan(result.stdout.indexOf('wave 2'));
    expect((await live.sandbox.docker('ps', '-aq')).split('\n')).toHaveLength(5);
  });

  test('rm -fa with DOCKER_HOST and no flags removes everything in order, by the events of Docker', async () => {
    const before = (await live.sandbox.destroyEvents()).length;
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const result = await podgraph(['rm', '-fa', '--progress', 'none'], { env: { ...NO_PODMAN, DOCKER_HOST: live.sandbox.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(graph.containerIds().sort());
    expect(await live.sandbox.docker('ps', '-aq')).toBe('');
    expect(brokenByEvents(graph, (await live.sandbox.destroyEvents()).slice(before))).toEqual([]);
  });

  test('--context NAME reads the docker context from DOCKER_CONFIG; rm of a targeted container takes its dependents with --depend', async () => {
    const meta = join(config, 'contexts', 'meta', createHash('sha256').update('sandbox').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'sandbox', Endpoints: { docker: { Host: live.sandbox.url } } }));
    const env = { ...NO_PODMAN, DOCKER_CONFIG: config };
    const refused = await podgraph(['rm', '-f', 'vpn', '--context', 'sandbox'], { env });
    expect(refused.code).toBe(125);
    expect(refused.stderr).toMatch(/container .* has dependent containers which must be removed before it/);
    const result = await podgraph(['rm', '-f', '--depend', 'vpn', '--context', 'sandbox', '--progress', 'none'], { env });
    expect(result.code).toBe(0);
    expect(await live.sandbox.docker('ps', '-a', '--format', '{{.Names}}')).not.toMatch(/^(vpn|app)$/m);
    const unknown = await podgraph(['rm', '-fa', '--context', 'nope'], { env });
    expect(unknown.code).toBe(125);
    expect(unknown.stderr).toContain('docker context "nope" does not exist; known: "default", "sandbox"');
  });

  test('graph --format json is a spec of the Docker host; pod rm -fa finds no pods and removes nothing', async () => {
    const graph = await podgraph(['graph', '--format', 'json', '--url', live.sandbox.url]);
    expect(graph.code).toBe(0);
    const spec = JSON.parse(graph.stdout) as { containers: { name: string; dependsOn?: string[] }[]; pods?: unknown[] };
    expect(spec.containers.map((c) => c.name).sort()).toEqual(['api', 'app', 'db', 'spare', 'vpn']);
    const pods = await podgraph(['pod', 'rm', '-fa', '--url', live.sandbox.url]);
    expect(pods.code).toBe(0);
    expect((await live.sandbox.docker('ps', '-aq')).split('\n')).toHaveLength(5);
  });
});
