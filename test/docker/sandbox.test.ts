/**
 * What a Docker runtime for podgraph will rely on, checked on a real dockerd: how each kind of
 * dependency shows in inspect, that Docker removes a container whatever depends on it, and what
 * it answers to concurrent, refused and pointless removals. And what the fixture helper says the
 * graph of a Docker host is.
 */
import { beforeEach, describe, expect, test } from 'vitest';
import {
  COMPOSE_DEPENDS_ON,
  COMPOSE_PROJECT,
  COMPOSE_SERVICE,
  createInDocker,
  type DockerFixture,
  dockerFixtureSpec,
} from '../support/docker-fixtures.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';

/** One container of each dependency kind on `base`, and a compose pair. */
const KINDS: DockerFixture = {
  containers: [
    { name: 'base', running: true },
    { name: 'net-user', running: true, networkOf: 'base' },
    { name: 'ipc-user', running: true, ipcOf: 'base' },
    { name: 'pid-user', running: true, pidOf: 'base' },
    { name: 'vol-user', volumesFrom: ['base:ro'] },
    { name: 'linker', running: true, links: ['base:db'] },
    { name: 'app-db', running: true, compose: { project: 'app', service: 'db' } },
    { name: 'app-web', compose: { project: 'app', service: 'web', dependsOn: 'db:service_started:false' }, labels: { tier: 'front' } },
  ],
};

interface Inspect {
  Id: string;
  Name: string;
  State: { Status: string };
  Config: { Labels: Record<string, string> | null };
  HostConfig: { NetworkMode: string; IpcMode: string; PidMode: string; VolumesFrom: string[] | null; Links: string[] | null };
}

const message = (body: unknown) => (body as { message?: string }).message ?? '';

describeDocker('a private dockerd', (engine) => {
  const live = useDockerSandbox();
  const inspect = async (name: string): Promise<Inspect> => {
    const { status, body } = await live.sandbox.api('GET', `/containers/${name}/json`);
    expect(status, `inspect ${name}`).toBe(200);
    return body as Inspect;
  };

  beforeEach(async () => {
    await live.sandbox.clear();
  });

  test('each dependency kind shows in inspect as the runtime will read it', async () => {
    await createInDocker(live.sandbox, KINDS);
    const base = await inspect('base');
    expect((await inspect('net-user')).HostConfig.NetworkMode).toBe(`container:${base.Id}`);
    expect((await inspect('ipc-user')).HostConfig.IpcMode).toBe(`container:${base.Id}`);
    expect(base.HostConfig.IpcMode).toBe('shareable');
    expect((await inspect('pid-user')).HostConfig.PidMode).toBe(`container:${base.Id}`);
    expect((await inspect('vol-user')).HostConfig.VolumesFrom).toEqual(['base:ro']);
    expect((await inspect('linker')).HostConfig.Links).toEqual(['/base:/linker/db']);
    expect((await inspect('app-web')).Config.Labels).toEqual({
      tier: 'front',
      [COMPOSE_PROJECT]: 'app',
      [COMPOSE_SERVICE]: 'web',
      [COMPOSE_DEPENDS_ON]: 'db:service_started:false',
    });
    // Compose writes the label even with no dependency, and so does the fixture.
    expect((await inspect('app-db')).Config.Labels?.[COMPOSE_DEPENDS_ON]).toBe('');
    // States and labels as the spec states them (the tiny image brings no labels of its own).
    for (const spec of dockerFixtureSpec(KINDS).containers ?? []) {
      const container = await inspect(spec.id);
      expect(container.Name, spec.id).toBe(`/${spec.id}`);
      expect(container.State.Status, spec.id).toBe(spec.state);
      expect(container.Config.Labels ?? {}, spec.id).toEqual(spec.labels ?? {});
    }
  });

  test('a forced DELETE of a container others depend on succeeds: Docker refuses nothing, and its event log shows it', async () => {
    await createInDocker(live.sandbox, KINDS);
    const { Id } = await inspect('base');
    const { status } = await live.sandbox.api('DELETE', '/containers/base?force=true');
    expect(status).toBe(204);
    expect((await live.sandbox.api('GET', '/containers/base/json')).status).toBe(404);
    const destroyed = (await live.sandbox.destroyEvents()).filter((event) => event.id === Id);
    expect(destroyed).toHaveLength(1);
    expect(destroyed[0]!.name).toBe('base');
    expect(destroyed[0]!.timeNano).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    // The dependents are all still there.
    for (const name of ['net-user', 'ipc-user', 'pid-user', 'vol-user', 'linker']) expect((await inspect(name)).Name).toBe(`/${name}`);
  });

  test('8 parallel forced DELETEs of one container: one 204, the others 409 "already in progress" or 404', async () => {
    await createInDocker(live.sandbox, { containers: [{ name: 'target', running: true }] });
    const { Id } = await inspect('target');
    const answers = await Promise.all(Array.from({ length: 8 }, () => live.sandbox.api('DELETE', '/containers/target?force=true')));
    const counts = new Map<number, number>();
    for (const { status } of answers) counts.set(status, (counts.get(status) ?? 0) + 1);
    console.log(`8 parallel DELETEs: ${[...counts].map(([status, n]) => `${n}x ${status}`).join(', ')}`);
    expect(counts.get(204)).toBe(1);
    for (const { status, body } of answers.filter((a) => a.status !== 204)) {
      expect([409, 404]).toContain(status);
      if (status === 409) expect(message(body)).toMatch(/removal of container .* is already in progress/);
      else expect(message(body)).toMatch(/No such container/);
    }
    expect((await live.sandbox.destroyEvents()).filter((event) => event.id === Id)).toHaveLength(1);
  });

  test("destroyEvents keeps removals older than dockerd's memory of its last 256 events", async () => {
    await createInDocker(live.sandbox, { containers: [{ name: 'early-1' }, { name: 'early-2' }] });
    const ids = await Promise.all(['early-1', 'early-2'].map(async (name) => (await inspect(name)).Id));
    await live.sandbox.clear();
    // 260 later events (each a tag of the same image) push the removals out of the daemon's memory.
    for (let i = 0; i < 260; i++)
      expect((await live.sandbox.api('POST', `/images/localhost%2Ftiny:latest/tag?repo=filler&tag=${i % 2}`)).status).toBe(201);
    await live.sandbox.api('DELETE', '/images/filler:0');
    await live.sandbox.api('DELETE', '/images/filler:1');
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['destroy'] }));
    const replay = await live.sandbox.api('GET', `/events?since=0&until=${Math.ceil(Date.now() / 1000)}&filters=${filters}`);
    expect(String(replay.body)).not.toContain(ids[0]);
    const destroyed = (await live.sandbox.destroyEvents()).map((event) => event.id);
    expect(destroyed).toEqual(expect.arrayContaining(ids));
  });

  test('DELETE without force of a running container is 409; of a missing one, 404', async () => {
    await createInDocker(live.sandbox, { containers: [{ name: 'up', running: true }] });
    const running = await live.sandbox.api('DELETE', '/containers/up');
    expect(running.status).toBe(409);
    // Docker changed its words between 20.10 and 25.
    expect(message(running.body)).toMatch(
      engine.major >= 25
        ? /^cannot remove container "[^"]+": container is running: stop the container before removing or force remove$/
        : /^You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove$/,
    );
    const missing = await live.sandbox.api('DELETE', '/containers/nothing-here?force=true');
    expect(missing.status).toBe(404);
    expect(message(missing.body)).toMatch(/No such container/);
  });
});

describe('dockerFixtureSpec', () => {
  const dependsOf = (fixture: DockerFixture) =>
    Object.fromEntries((dockerFixtureSpec(fixture).containers ?? []).map((c) => [c.id, c.dependsOn]));

  test('namespaces, volumes (without :ro/:rw) and links (without the alias) are dependencies', () => {
    expect(dependsOf(KINDS)).toEqual({
      base: [],
      'net-user': ['base'],
      'ipc-user': ['base'],
      'pid-user': ['base'],
      'vol-user': ['base'],
      linker: ['base'],
      'app-db': [],
      'app-web': ['app-db'],
    });
    const spec = dockerFixtureSpec({ containers: [{ name: 'a' }, { name: 'b', running: true, volumesFrom: ['a:rw'], links: ['a'] }] });
    expect(spec.containers).toEqual([
      { id: 'a', state: 'created', dependsOn: [] },
      { id: 'b', state: 'running', dependsOn: ['a'] },
    ]);
  });

  test.each([
    ['v2.0-v2.2', 'db,cache'],
    ['v2.3-v2.16', 'db:service_started,cache:service_healthy'],
    ['v2.17+', 'cache:service_completed_successfully:true,db:service_started:false'],
  ])('compose depends_on in the %s format resolves to the containers of those services in the same project', (_, label) => {
    const fixture: DockerFixture = {
      containers: [
        { name: 'p-db-1', compose: { project: 'p', service: 'db' } },
        { name: 'p-db-2', compose: { project: 'p', service: 'db' } },
        { name: 'p-cache-1', compose: { project: 'p', service: 'cache' } },
        { name: 'q-db-1', compose: { project: 'q', service: 'db' } },
        { name: 'loose-db', labels: { [COMPOSE_SERVICE]: 'db' } },
        { name: 'p-web-1', compose: { project: 'p', service: 'web', dependsOn: label } },
      ],
    };
    expect([...(dependsOf(fixture)['p-web-1'] ?? [])].sort()).toEqual(['p-cache-1', 'p-db-1', 'p-db-2']);
    const web = (dockerFixtureSpec(fixture).containers ?? []).find((c) => c.id === 'p-web-1');
    expect(web?.labels).toEqual({ [COMPOSE_PROJECT]: 'p', [COMPOSE_SERVICE]: 'web', [COMPOSE_DEPENDS_ON]: label });
  });

  test('an empty depends_on label, and one naming a service with no container, add nothing', () => {
    const fixture: DockerFixture = {
      containers: [
        { name: 'p-db-1', compose: { project: 'p', service: 'db' } },
        { name: 'p-web-1', compose: { project: 'p', service: 'web', dependsOn: 'gone:service_started:false' } },
      ],
    };
    expect(dependsOf(fixture)).toEqual({ 'p-db-1': [], 'p-web-1': [] });
    expect((dockerFixtureSpec(fixture).containers ?? [])[0]?.labels?.[COMPOSE_DEPENDS_ON]).toBe('');
  });
});
