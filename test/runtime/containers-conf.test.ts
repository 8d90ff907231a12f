/**
 * containers.conf through the public door: `new PodmanRuntime({ environment })` reads injected
 * files, as podman would read them. A file podman refuses is refused, naming the file, the line
 * and the column (a guess would connect somewhere else); TOML that podman reads is read, whatever
 * the values of the keys podgraph has no use for.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type PodmanDestination, PodmanRuntime } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { thrown } from '../support/failure.ts';

const ADMIN = '/etc/containers/containers.conf';
const USER = '/home/me/.config/containers/containers.conf';

/** Where a runtime connects on a machine whose only files are `files` (each given as its lines). */
function destinationOf(files: Record<string, string[]>, options: { connection?: string } = {}): PodmanDestination {
  const text = new Map(Object.entries(files).map(([path, lines]) => [path, lines.join('\n')]));
  const runtime = new PodmanRuntime({
    ...options,
    environment: { env: { HOME: '/home/me' }, uid: 1000, platform: 'linux', readFile: (path) => text.get(path), listDir: () => undefined },
  });
  runtime.close();
  return runtime.destination;
}

const BOX = ['[engine]', 'active_service = "box"', '[engine.service_destinations.box]', 'uri = "unix:///run/box.sock"'];

describe('a containers.conf that podman reads', () => {
  test('a podman 4 file: active_service and service_destinations, quoted names, identity and is_machine', () => {
    const conf = [
      '# podman system connection add, podman 4',
      '[containers]',
      '',
      '[engine]',
      '  active_service = "db 1"',
      '  [engine.service_destinations]',
      '    [engine.service_destinations."db 1"]',
      '      uri = "ssh://root@10.0.0.9:2222/run/podman/podman.sock"',
      '      identity = "/home/me/.ssh/db"',
      '      is_machine = true',
      '    [engine.service_destinations.web]',
      "      uri = 'tcp://10.0.0.7:8080'",
      '',
      '[machine]',
      '',
      '[secrets]',
      '  [secrets.opts]',
    ];
    expect(destinationOf({ [USER]: conf })).toEqual({
      url: 'ssh://root@10.0.0.9:2222/run/podman/podman.sock',
      identity: '/home/me/.ssh/db',
      isMachine: true,
      connection: 'db 1',
      source: 'default connection',
    });
    expect(destinationOf({ [USER]: conf }, { connection: 'web' })).toMatchObject({ url: 'tcp://10.0.0.7:8080', identity: undefined });
  });

  test('every form of TOML in keys podgraph does not read: inf, nan, dates and times, """x""""", big integers', () => {
    const conf = [
      '[x]',
      'floats = [inf, -inf, +inf, nan, -nan, +nan, 6.626e-34, 1_000.5]',
      'when = [1979-05-27T07:32:00Z, 1979-05-27T00:32:00.999-07:00, 1979-05-27 07:32:00, 1979-05-27, 07:32:00]',
      'quotes = """x"""""',
      "literal = '''y'''''",
      'joined = """',
      'one\\',
      '   two"""',
      'ints = [0x2A, 0o52, 0b101010, 1_000, +7, -0, 9223372036854775807]',
      'nested = [ [1, 2], ["a",',
      '  "b", ], ]  # a comment',
      'inline = { k = "v", n.m = true }',
      '"quoted key" = 1',
      'dotted.key = "x"',
      '[[x.list]]',
      'n = 1',
      '[[x.list]]',
      'n = 2',
      ...BOX,
    ];
    expect(destinationOf({ [USER]: conf })).toEqual({
      url: 'unix:///run/box.sock',
      identity: undefined,
      isMachine: false,
      connection: 'box',
      source: 'default connection',
    });
    // Windows line ends too.
    expect(destinationOf({ [USER]: [conf.join('\r\n')] }).connection).toBe('box');
  });

  test('the same key in two files is no duplicate: the later file wins, key by key', () => {
    const admin = [...BOX, '[engine.service_destinations.admin]', 'uri = "unix:///run/admin.sock"'];
    const user = ['[engine]', 'active_service = "admin"', '[engine.service_destinations.box]', 'uri = "unix:///run/user-box.sock"'];
    expect(destinationOf({ [ADMIN]: admin, [USER]: user })).toMatchObject({ url: 'unix:///run/admin.sock', connection: 'admin' });
    expect(destinationOf({ [ADMIN]: admin, [USER]: user }, { connection: 'box' }).url).toBe('unix:///run/user-box.sock');
  });

  test('a date where a connection is expected is not a connection', () => {
    const conf = [...BOX, '[engine.service_destinations]', 'when = 1979-05-27'];
    const error = thrown(() => destinationOf({ [USER]: conf }, { connection: 'when' }));
    expect([error.path, error.message]).toEqual(['connection', 'connection "when" not found; known connections: box']);
  });
});

describe('a containers.conf that podman refuses is INVALID_ARG naming the file, the line and the column', () => {
  const refused = (conf: string[]) => {
    const error = thrown(() => destinationOf({ [ADMIN]: BOX, [USER]: conf }));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.cause).toBeInstanceOf(Error);
    return error.message;
  };
  const redefined = 'trying to redefine an already defined table or value';

  test('a duplicate key (no "last wins")', () => {
    expect(refused(['[engine]', 'active_service = "a"', 'active_service = "b"'])).toBe(
      `cannot read ${USER}: line 3, column 1: ${redefined}`,
    );
  });

  test('a duplicate table, or a table a dotted key already defined', () => {
    const twice = [...BOX, '', '[engine.service_destinations.box]', 'uri = "unix:///run/other.sock"'];
    expect(refused(twice)).toBe(`cannot read ${USER}: line 6, column 2: ${redefined}`);
    const dotted = ['[engine]', 'service_destinations.box.uri = "unix:///run/box.sock"', '[engine.service_destinations.box]'];
    expect(refused(dotted)).toBe(`cannot read ${USER}: line 3, column 2: ${redefined}`);
  });

  test('a leading zero: `a = 007`', () => {
    expect(refused(['[x]', 'a = 007'])).toBe(`cannot read ${USER}: line 2, column 5: illegal leading zero`);
  });

  test('a syntax error', () => {
    expect(refused(['[engine]', 'active_service = "x'])).toBe(`cannot read ${USER}: line 2, column 18: unfinished string`);
    expect(refused(['[engine'])).toBe(`cannot read ${USER}: line 1, column 2: incomplete key-value: cannot find end of key`);
    expect(refused(['a = 1 b = 2'])).toBe(
      `cannot read ${USER}: line 1, column 7: each key-value declaration must be followed by an end-of-line`,
    );
  });
});

test('importing podgraph loads no TOML parser; reading a containers.conf does', async () => {
  // require.cache sees the CommonJS build that config-files.ts requires; a static import of it
  // (the ES build) would not show here, and test/package.test.ts refuses one.
  const index = new URL('../../dist/index.js', import.meta.url).href;
  const script = `
    const loaded = () => Object.keys(require.cache).some((path) => path.includes('/node_modules/smol-toml/'));
    (async () => {
      const { PodmanRuntime } = await import(${JSON.stringify(index)});
      const environment = (files) => ({ env: { HOME: '/home/me' }, uid: 1000, platform: 'linux', readFile: (path) => files[path], listDir: () => undefined });
      const seen = [loaded()];
      new PodmanRuntime({ environment: environment({}) }).close();
      seen.push(loaded());
      const conf = '[engine]\\nactive_service = "box"\\n[engine.service_destinations.box]\\nuri = "unix:///run/box.sock"\\n';
      const runtime = new PodmanRuntime({ environment: environment({ ${JSON.stringify(USER)}: conf }) });
      runtime.close();
      seen.push(loaded());
      console.log(JSON.stringify({ seen, url: runtime.url }));
    })();`;
  const { stdout } = await promisify(execFile)('node', ['-e', script]);
  expect(JSON.parse(stdout)).toEqual({ seen: [false, false, true], url: 'unix:///run/box.sock' });
});
