/**
 * Where podgraph connects, rule by rule (podman 5's order), against fixture trees under
 * test/fixtures/connections/<tree>/ read as if they were the root of the machine: the
 * environment, the user and the files are injected, so nothing here reads the host's config.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionEnvironment } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { containersConfFiles } from '../../src/runtime/podman/connection/config-files.ts';
import { farmConnections, readConnections, resolveDestination } from '../../src/runtime/podman/connection/resolve.ts';
import { thrown } from '../support/failure.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'connections');

/** A machine whose files are those of one fixture tree; HOME=/home/me, uid 1000 unless told. */
function machine(tree: string, env: Record<string, string> = {}, more: Partial<ConnectionEnvironment> = {}): ConnectionEnvironment {
  const root = join(FIXTURES, tree);
  const absent = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  };
  return {
    env: { HOME: '/home/me', ...env },
    uid: 1000,
    platform: 'linux',
    home: env.HOME ?? '/home/me',
    readFile: (path) => {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch (error) {
        return absent(error);
      }
    },
    listDir: (path) => {
      try {
        return readdirSync(join(root, path));
      } catch (error) {
        return absent(error);
      }
    },
    ...more,
  };
}

describe('rule 1: an explicit connection name', () => {
  test('wins over a URL and the environment, with its identity and machine mode', () => {
    const env = { CONTAINER_CONNECTION: 'podman-machine-default', CONTAINER_HOST: 'tcp://1.2.3.4:1' };
    expect(resolveDestination({ connection: 'podman-machine-default-root', url: 'unix:///x.sock' }, machine('machine', env))).toEqual({
      url: 'ssh://root@127.0.0.1:50123/run/podman/podman.sock',
      identity: '/Users/me/.local/share/containers/podman/machine/machine',
      isMachine: true,
      connection: 'podman-machine-default-root',
      source: 'connection',
    });
  });

  test('an unknown name is INVALID_ARG naming it and the known ones', () => {
    const error = thrown(() => resolveDestination({ connection: 'nope' }, machine('machine')));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.path).toBe('connection');
    expect(error.message).toBe('connection "nope" not found; known connections: podman-machine-default, podman-machine-default-root');
    expect(thrown(() => resolveDestination({ connection: 'nope' }, machine('empty'))).message).toBe(
      'connection "nope" not found; no connections are configured (no configuration file was found)',
    );
  });
});

describe('rule 2: an explicit URL', () => {
  test('beats CONTAINER_CONNECTION, CONTAINER_HOST and the default connection', () => {
    const env = { CONTAINER_CONNECTION: 'podman-machine-default', CONTAINER_HOST: 'tcp://1.2.3.4:1' };
    expect(resolveDestination({ url: 'unix:///srv/podman.sock' }, machine('machine', env))).toMatchObject({
      url: 'unix:///srv/podman.sock',
      isMachine: false,
      connection: undefined,
      source: 'url',
    });
  });

  test('keeps the identity the environment chose, as podman does, but not its machine mode; an unknown CONTAINER_CONNECTION is not an error then', () => {
    expect(
      resolveDestination({ url: 'ssh://a@h/s.sock' }, machine('empty', { CONTAINER_HOST: 'tcp://x:1', CONTAINER_SSHKEY: '/k' })),
    ).toMatchObject({
      identity: '/k',
    });
    expect(resolveDestination({ url: 'ssh://a@h/s.sock' }, machine('machine'))).toMatchObject({
      identity: '/Users/me/.local/share/containers/podman/machine/machine',
      isMachine: false,
    });
    const noFiles = {
      ...machine('machine'),
      readFile: () => expect.unreachable('a unix URL reads no file'),
      listDir: () => expect.unreachable(),
    };
    expect(resolveDestination({ url: 'unix:///x.sock' }, noFiles)).toMatchObject({ url: 'unix:///x.sock', identity: undefined });
    expect(resolveDestination({ url: 'ssh://a@h/s.sock' }, machine('machine', { CONTAINER_CONNECTION: 'nope' }))).toMatchObject({
      url: 'ssh://a@h/s.sock',
      identity: undefined,
    });
  });
});

describe('rule 3: CONTAINER_CONNECTION', () => {
  test('beats CONTAINER_HOST (podman 4.3 had it the other way round)', () => {
    const env = { CONTAINER_CONNECTION: 'prod', CONTAINER_HOST: 'tcp://1.2.3.4:1', CONTAINER_SSHKEY: '/k' };
    expect(resolveDestination({}, machine('podman43', env))).toEqual({
      url: 'ssh://deploy@prod.example.com:22/run/user/1001/podman/podman.sock',
      identity: '/home/me/.ssh/id_ed25519',
      isMachine: false,
      connection: 'prod',
      source: 'CONTAINER_CONNECTION',
    });
  });

  test('an unknown name is an error naming the known ones (podman 4.3 fell back to the socket)', () => {
    const error = thrown(() => resolveDestination({}, machine('podman43', { CONTAINER_CONNECTION: 'nope', CONTAINER_HOST: 'tcp://x:1' })));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toBe(
      'CONTAINER_CONNECTION: connection "nope" not found; known connections: podman-machine-default, podman-machine-default-root, prod',
    );
  });
});

describe('rule 4: CONTAINER_HOST', () => {
  test('with CONTAINER_SSHKEY as its identity, beats the default connection', () => {
    expect(resolveDestination({}, machine('machine', { CONTAINER_HOST: 'ssh://me@h:2222/s.sock', CONTAINER_SSHKEY: '/k' }))).toEqual({
      url: 'ssh://me@h:2222/s.sock',
      identity: '/k',
      isMachine: false,
      connection: undefined,
      source: 'CONTAINER_HOST',
    });
    expect(resolveDestination({}, machine('machine', { CONTAINER_HOST: 'tcp://h:1' })).identity).toBeUndefined();
  });
});

describe('rule 5: the default connection', () => {
  test("podman machine 5.x: podman-connections.json's Default", () => {
    expect(resolveDestination({}, machine('machine'))).toEqual({
      url: 'ssh://core@127.0.0.1:50123/run/user/501/podman/podman.sock',
      identity: '/Users/me/.local/share/containers/podman/machine/machine',
      isMachine: true,
      connection: 'podman-machine-default',
      source: 'default connection',
    });
  });

  test("podman 4.3: containers.conf's active_service and service_destinations, is_machine kept", () => {
    expect(resolveDestination({}, machine('podman43'))).toEqual({
      url: 'ssh://core@localhost:40937/run/user/1000/podman/podman.sock',
      identity: '/home/me/.ssh/podman-machine-default',
      isMachine: true,
      connection: 'podman-machine-default',
      source: 'default connection',
    });
  });

  test('merged files: vendor, admin, admin .d (sorted, .conf only), user, user .d; the last active_service wins', () => {
    const environment = machine('layered');
    expect(containersConfFiles(environment)).toEqual([
      '/usr/share/containers/containers.conf',
      '/etc/containers/containers.conf',
      '/etc/containers/containers.conf.d/50-staging.conf',
      '/home/me/.config/containers/containers.conf',
      '/home/me/.config/containers/containers.conf.d/90-user.conf',
    ]);
    expect(resolveDestination({}, environment)).toMatchObject({
      url: 'ssh://core@web1.example.com:22/run/podman/podman.sock',
      connection: 'web1',
    });
    // XDG_CONFIG_HOME moves the user's files (and the JSON file): then the admin's .d has the last word.
    const moved = machine('layered', { XDG_CONFIG_HOME: '/nowhere' });
    expect(resolveDestination({}, moved)).toMatchObject({ url: 'tcp://10.0.0.7:8080', connection: 'staging', identity: undefined });
  });

  test('CONTAINERS_CONF_OVERRIDE is read last; CONTAINERS_CONF is read alone; both must exist', () => {
    expect(resolveDestination({}, machine('layered', { CONTAINERS_CONF_OVERRIDE: '/opt/override.conf' }))).toMatchObject({
      url: 'ssh://root@10.0.0.9:2222/run/podman/podman.sock',
      connection: 'db 1',
    });
    const alone = machine('layered', { CONTAINERS_CONF: '/opt/alone.conf' });
    expect(containersConfFiles(alone)).toEqual(['/opt/alone.conf']);
    expect(resolveDestination({}, alone)).toMatchObject({ url: 'unix:///srv/solo.sock', connection: 'solo' });
    expect(thrown(() => resolveDestination({}, machine('layered', { CONTAINERS_CONF: '/opt/missing.conf' }))).message).toBe(
      'CONTAINERS_CONF names /opt/missing.conf, which does not exist',
    );
  });

  test("podman-connections.json's Default beats active_service, and its entries win by name; PODMAN_CONNECTIONS_CONF moves it", () => {
    const environment = machine('layered', { PODMAN_CONNECTIONS_CONF: '/home/me/.config/containers/podman-connections.json' });
    expect(resolveDestination({ connection: 'laptop' }, environment)).toMatchObject({
      url: 'ssh://me@127.0.0.1:2222/run/user/1000/podman/podman.sock',
      identity: '/home/me/.ssh/laptop',
    });
    // Go's encoding/json matches field names case-insensitively: "uri", "isMachine" count.
    expect(resolveDestination({ connection: 'vm' }, environment)).toMatchObject({
      isMachine: true,
      url: 'ssh://core@127.0.0.1:50123/run/user/1000/podman/podman.sock',
    });
    expect(
      resolveDestination(
        {},
        machine('layered', {
          PODMAN_CONNECTIONS_CONF: '/home/me/.config/containers/podman-connections.json',
          CONTAINERS_CONF: '/opt/alone.conf',
        }),
      ),
    ).toMatchObject({ connection: 'solo' });
    expect(resolveDestination({}, machine('machine', { PODMAN_CONNECTIONS_CONF: '/nowhere.json' })).source).toBe('default socket');
  });

  test('a default that names no connection falls back to the socket, as podman does', () => {
    const environment = machine('layered', { CONTAINERS_CONF: '/opt/override.conf' }); // active_service = "db 1", defined elsewhere
    expect(resolveDestination({}, environment)).toMatchObject({ source: 'default socket' });
  });
});

describe('rule 6: the default socket', () => {
  test('rootful for uid 0, rootless under XDG_RUNTIME_DIR, else /run/user/UID', () => {
    expect(resolveDestination({}, machine('empty', {}, { uid: 0 })).url).toBe('unix:///run/podman/podman.sock');
    expect(resolveDestination({}, machine('empty', { XDG_RUNTIME_DIR: '/run/user/1000/' }))).toEqual({
      url: 'unix:///run/user/1000/podman/podman.sock',
      identity: undefined,
      isMachine: false,
      connection: undefined,
      source: 'default socket',
    });
    expect(resolveDestination({}, machine('empty', {}, { uid: 1234 })).url).toBe('unix:///run/user/1234/podman/podman.sock');
    // podman on macOS and Windows has no local service: its constant, which fails naming the URL.
    expect(resolveDestination({}, machine('empty', {}, { platform: 'darwin', uid: 501 })).url).toBe('unix:///run/podman/podman.sock');
  });
});

describe('an explicit identity', () => {
  test('always wins', () => {
    const cases: Array<[Record<string, string>, { connection?: string; url?: string }]> = [
      [{}, { connection: 'prod' }],
      [{}, { url: 'ssh://a@b/c' }],
      [{ CONTAINER_CONNECTION: 'prod' }, {}],
      [{ CONTAINER_HOST: 'ssh://a@b/c', CONTAINER_SSHKEY: '/k' }, {}],
      [{}, {}],
    ];
    for (const [env, request] of cases) {
      expect(resolveDestination({ ...request, identity: '/mine' }, machine('podman43', env)).identity, JSON.stringify([env, request])).toBe(
        '/mine',
      );
    }
  });
});

describe('podgraph system connection list', () => {
  test("every connection of both stores, sorted, the JSON's winning by name, the default marked, ReadWrite for the JSON's", () => {
    const all = readConnections(machine('layered'));
    expect(all.defaultName).toBe('web1');
    expect(all.connections.map((c) => [c.name, c.uri, c.default, c.readWrite])).toEqual([
      ['db 1', 'ssh://root@10.0.0.9:2222/run/podman/podman.sock', false, false],
      ['laptop', 'ssh://me@127.0.0.1:2222/run/user/1000/podman/podman.sock', false, true],
      ['prod', 'ssh://deploy@10.0.0.5/run/user/1001/podman/podman.sock', false, false],
      ['staging', 'tcp://10.0.0.7:8080', false, false],
      ['vm', 'ssh://core@127.0.0.1:50123/run/user/1000/podman/podman.sock', false, true],
      ['web1', 'ssh://core@web1.example.com:22/run/podman/podman.sock', true, false],
      ['web2', 'ssh://core@web2.example.com:22/run/podman/podman.sock', false, false],
    ]);
  });

  test("farms: containers.conf's [farms] and the JSON's Farm; a member must exist in its own store's connections", () => {
    const environment = machine('layered');
    expect(farmConnections(readConnections(environment), undefined)).toMatchObject({
      farm: 'web',
      connections: [{ name: 'web1' }, { name: 'web2' }],
    });
    expect(farmConnections(readConnections(environment), 'both').connections.map((c) => c.name)).toEqual(['laptop', 'vm']);
    expect(thrown(() => farmConnections(readConnections(environment), 'broken')).message).toMatch(
      /^farm "broken": connection "nowhere" not found; known connections: db 1, laptop/,
    );
    expect(thrown(() => farmConnections(readConnections(environment), 'none')).message).toBe(
      'farm "none" not found; known farms: both, broken, web',
    );
  });
});
