/**
 * The words podgraph's CLI says itself, by the service's podman version (src/cli/dialect.ts), and
 * the Go it imitates for flags (src/cli/go-text.ts). The sentences were checked on podman 4.3.1
 * and 5.8.6 (test/cli/podman.test.ts compares them side by side) and read in podman 5.0.0,
 * 5.4.2 and 5.5.0's sources; a fake service says each version here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dialectOf, NEWEST } from '../../src/cli/dialect.ts';
import { goQuote, parseGoInt } from '../../src/cli/go-text.ts';
import { type FakePodman, fakePodman } from './fake-podman.ts';
import { podgraph } from './run-cli.ts';

describe('dialectOf: one table row per podman generation', () => {
  test.for([
    ['4.3.1', 'podman 4'],
    ['4.9.4', 'podman 4'],
    ['3.4.4', 'podman 4'],
    ['5.0.0', 'podman 5.0-5.4'],
    ['5.4.2', 'podman 5.0-5.4'],
    ['5.5.0', 'podman 5.5+'],
    ['5.8.6', 'podman 5.5+'],
    ['6.0.0', 'podman 5.5+'],
    [undefined, 'podman 5.5+'],
    ['dev', 'podman 5.5+'],
  ] as const)('%s speaks as %s', ([version, name]) => {
    expect(dialectOf(version).name).toBe(name);
  });

  test('Docker and --spec get the newest', () => {
    expect(NEWEST).toBe(dialectOf('5.8.6'));
  });

  test('unknown names and ambiguous prefixes: BoltDB words on 4, SQLite words on 5', () => {
    const [v4, v50, v55] = ['4.3.1', '5.4.2', '5.8.6'].map(dialectOf);
    expect(v4.noSuchContainer('x', false)).toBe('no container with name or ID "x" found: no such container');
    expect(v4.noSuchContainer('p', true)).toBe('"p" is a pod, not a container: no such container');
    expect(v4.noSuchPod('c', true)).toBe('c is a container, not a pod: no such pod');
    expect(v4.ambiguous('container', 'ab')).toBe('more than one result for container ID ab: container already exists');
    expect(v4.ambiguous('pod', 'ab')).toBe('more than one result for ID or name ab: pod already exists');
    for (const v5 of [v50, v55]) {
      expect(v5.noSuchContainer('x', false)).toBe('no container with ID or name "x" found: no such container');
      expect(v5.noSuchContainer('p', true)).toBe('no container with ID or name "p" found: no such container');
      expect(v5.noSuchPod('c', true)).toBe('no pod with name or ID c found: no such pod');
      expect(v5.ambiguous('container', 'ab')).toBe('more than one result for container "ab": container already exists');
      expect(v5.ambiguous('pod', 'ab')).toBe('more than one result for pod "ab": container already exists');
    }
  });

  test('a blocked pod member: "could not be stopped" from podman 5.5, "could not be removed" before', () => {
    expect(dialectOf('4.3.1').blocked('c')).toBe('a container that depends on container c could not be removed');
    expect(dialectOf('5.4.2').blocked('c')).toBe('a container that depends on container c could not be removed');
    expect(dialectOf('5.5.0').blocked('c')).toBe('a container that depends on container c could not be stopped');
  });

  test("a pod not emptied: podman 4's multi-error block, podman 5's line per failed member", () => {
    const members = [
      ['c1', 'err one'],
      ['c2', 'err two'],
    ] as const;
    expect(dialectOf('4.3.1').podNotEmptied('p', members)).toEqual([
      'Error: 2 errors occurred:\n\t* removing container c1 from pod p: err one\n\t* removing container c2 from pod p: err two\n\n',
    ]);
    expect(dialectOf('4.3.1').podNotEmptied('p', [members[0]])[0]).toMatch(/^Error: 1 error occurred:\n/);
    for (const version of ['5.0.0', '5.8.6']) {
      expect(dialectOf(version).podNotEmptied('p', members)).toEqual([
        'Error: not all containers could be removed from pod p: removing pod containers',
        'Error: error removing container c1 from pod p: err one',
        'Error: error removing container c2 from pod p: err two',
      ]);
    }
  });
});

describe("Go's strconv, as pflag reads podman 5's -t", () => {
  test.for([
    ['10', 10n],
    ['-1', -1n],
    ['+1', 1n],
    ['-0', 0n],
    ['0', 0n],
    ['0x10', 16n],
    ['0X1f', 31n],
    ['010', 8n],
    ['0o17', 15n],
    ['0b101', 5n],
    ['1_000', 1000n],
    ['0x_1', 1n],
    ['9223372036854775807', 2n ** 63n - 1n],
    ['-9223372036854775808', -(2n ** 63n)],
  ] as const)('ParseInt(%j, 0, 64) = %s', ([text, value]) => {
    expect(parseGoInt(text)).toEqual({ value });
  });

  test.for([
    ['', 'invalid syntax'],
    ['-', 'invalid syntax'],
    ['abc', 'invalid syntax'],
    [' 1', 'invalid syntax'],
    ['1.5', 'invalid syntax'],
    ['08', 'invalid syntax'],
    ['0x', 'invalid syntax'],
    ['--1', 'invalid syntax'],
    ['_1', 'invalid syntax'],
    ['1_', 'invalid syntax'],
    ['1__0', 'invalid syntax'],
    ['9223372036854775808', 'value out of range'],
    ['-9223372036854775809', 'value out of range'],
    ['99999999999999999999', 'value out of range'],
    // ParseUint stops at the first digit past 64 bits, before the bad character after it
    ['99999999999999999999x', 'value out of range'],
  ] as const)('ParseInt(%j, 0, 64) fails: %s', ([text, error]) => {
    expect(parseGoInt(text)).toEqual({ error });
  });

  test("%q: Go's quoting", () => {
    expect(goQuote('a b')).toBe('"a b"');
    expect(goQuote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(goQuote('\t\n\x01\x7f')).toBe('"\\t\\n\\x01\\x7f"');
    expect(goQuote('é✓')).toBe('"é✓"');
  });
});

/** A pod `web` (infra `web-infra`, member `app`), a container `db`, and ids sharing prefixes. */
const CONTAINERS = [
  { Id: `ab1${'0'.repeat(61)}`, Name: 'db' },
  { Id: `ab2${'0'.repeat(61)}`, Name: 'app', Pod: `cd1${'0'.repeat(61)}` },
  { Id: `ab3${'0'.repeat(61)}`, Name: 'web-infra', Pod: `cd1${'0'.repeat(61)}`, IsInfra: true },
];
const PODS = [
  { Id: `cd1${'0'.repeat(61)}`, Name: 'web' },
  { Id: `cd2${'0'.repeat(61)}`, Name: 'other' },
];

describe.for(['4.3.1', '5.4.2', '5.8.6'])('the CLI on a podman %s service speaks its words', (version) => {
  let fake: FakePodman;
  beforeAll(async () => {
    fake = await fakePodman(CONTAINERS, [], { version, pods: PODS });
  });
  afterAll(() => fake.close());
  const run = (...args: string[]) => podgraph([...args, '--url', fake.url, '--progress', 'none']);
  const v4 = version.startsWith('4');

  test('an unknown container, and a pod named to rm', async () => {
    const words = v4 ? 'name or ID' : 'ID or name';
    expect(await run('rm', 'ghost')).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: no container with ${words} "ghost" found: no such container\n`,
    });
    expect(await run('rm', 'web')).toEqual({
      code: 1,
      stdout: '',
      stderr: v4
        ? 'Error: "web" is a pod, not a container: no such container\n'
        : 'Error: no container with ID or name "web" found: no such container\n',
    });
  });

  test('an unknown pod, and a container named to pod rm (skipped with -i)', async () => {
    expect(await run('pod', 'rm', 'ghost')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no pod with name or ID ghost found: no such pod\n',
    });
    expect(await run('pod', 'rm', 'db')).toEqual({
      code: 1,
      stdout: '',
      stderr: v4 ? 'Error: db is a container, not a pod: no such pod\n' : 'Error: no pod with name or ID db found: no such pod\n',
    });
    expect(await run('pod', 'rm', '-i', 'db')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('ambiguous id prefixes, -f or not: 125', async () => {
    for (const force of [[], ['-f']]) {
      expect(await run('rm', ...force, 'ab')).toEqual({
        code: 125,
        stdout: '',
        stderr: v4
          ? 'Error: more than one result for container ID ab: container already exists\n'
          : 'Error: more than one result for container "ab": container already exists\n',
      });
      expect(await run('pod', 'rm', ...force, 'cd')).toEqual({
        code: 125,
        stdout: '',
        stderr: v4
          ? 'Error: more than one result for ID or name cd: pod already exists\n'
          : 'Error: more than one result for pod "cd": container already exists\n',
      });
    }
  });
});
