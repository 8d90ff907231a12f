/**
 * `podgraph rm` and `podgraph pod rm` as a subprocess against a spec file: podman's own scenarios,
 * with podman's stdout, stderr and exit codes. On a spec file podgraph speaks as the newest podman
 * (5.5+: the words and layouts checked against podman 5.8.6 in a sandbox; the side-by-side runs
 * on podman 4.3.1 and 5.8.6 are test/cli/podman.test.ts), and takes podman 5.8's flags. Lines
 * whose order the graph does not fix are compared sorted; a chain's are compared in order.
 */

import type { GraphSpec } from 'podgraph';
import { beforeAll, describe, test } from 'vitest';
import { lines, podgraph, tempDir, writeSpec } from './run-cli.ts';

const DB = `ab12${'0'.repeat(60)}`;
const APP = `ab34${'0'.repeat(60)}`;

/** A small host: stopped and running containers, a chain, named containers with podman-like ids, and three pods. */
const HOST: GraphSpec = {
  pods: [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }],
  containers: [
    { id: 's1', state: 'exited' },
    { id: 's2' },
    { id: 'r1', state: 'running' },
    { id: 'c0' },
    { id: 'c1', dependsOn: ['c0'] },
    { id: 'c2', dependsOn: ['c1'] },
    { id: DB, name: 'db' },
    { id: APP, name: 'app', dependsOn: ['db'] },
    // p1: a running member; p2: a chain of stopped members; p3: the infra container alone.
    { id: 'p1-infra', pod: 'p1', infra: true, state: 'running' },
    { id: 'p1-a', pod: 'p1', state: 'running' },
    { id: 'p1-b', pod: 'p1' },
    { id: 'p2-infra', pod: 'p2', infra: true },
    { id: 'p2-a', pod: 'p2' },
    { id: 'p2-b', pod: 'p2', dependsOn: ['p2-a'] },
    { id: 'p3-infra', pod: 'p3', infra: true },
  ],
};

const RUNNING = (id: string) =>
  `Error: cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper`;

let spec: string;
beforeAll(() => {
  spec = writeSpec(tempDir(), 'host.json', HOST);
});

// `--progress none`: podman's output and nothing else, as a script that parses stderr asks for it
// (on a pipe the default adds plain progress lines on stderr; see the test at the end).
const run = (...args: string[]) => podgraph([...args, '--spec', spec, '--progress', 'none']);

describe.concurrent('rm on a spec file: podman rm scenarios', () => {
  test('stopped containers are removed and printed as named, exit 0', async ({ expect }) => {
    const result = await run('rm', 's1', 's2');
    expect(result).toEqual({ code: 0, stdout: 's1\ns2\n', stderr: '' });
  });

  test('a running container without -f: container state improper, exit 2, nothing on stdout', async ({ expect }) => {
    expect(await run('rm', 'r1')).toEqual({ code: 2, stdout: '', stderr: `${RUNNING('r1')}\n` });
    expect(await run('rm', 'p1-a')).toEqual({ code: 2, stdout: '', stderr: `${RUNNING('p1-a')}\n` });
  });

  test('a running container with -f (and -t 0) is removed, exit 0', async ({ expect }) => {
    expect(await run('rm', '-f', 'r1')).toEqual({ code: 0, stdout: 'r1\n', stderr: '' });
    expect(await run('rm', '-f', '-t', '0', 'p1-a')).toEqual({ code: 0, stdout: 'p1-a\n', stderr: '' });
  });

  test('a container with dependents, without --depend: container already exists, exit 125', async ({ expect }) => {
    expect(await run('rm', 'c0')).toEqual({
      code: 125,
      stdout: '',
      stderr: 'Error: container c0 has dependent containers which must be removed before it: c1: container already exists\n',
    });
  });

  test('--depend removes the whole chain in one run, dependents first; added ones by id, the named one as typed', async ({ expect }) => {
    expect(await run('rm', '--depend', 'c0')).toEqual({ code: 0, stdout: 'c2\nc1\nc0\n', stderr: '' });
    expect(await run('rm', '--depend', 'db')).toEqual({ code: 0, stdout: `${APP}\ndb\n`, stderr: '' });
  });

  test('--depend on a running chain member without -f: what depends on it goes, it stays, exit 2', async ({ expect }) => {
    const result = await run('rm', '--depend', 'r1');
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${RUNNING('r1')}\n` });
  });

  test('a unique id prefix names a container and is printed as typed; an ambiguous one is refused (podman 5 SQLite words)', async ({
    expect,
  }) => {
    expect(await run('rm', 'ab34')).toEqual({ code: 0, stdout: 'ab34\n', stderr: '' });
    expect(await run('rm', 'ab')).toEqual({
      code: 125,
      stdout: '',
      stderr: 'Error: more than one result for container "ab": container already exists\n',
    });
  });

  test("a leading / is dropped from rm's names and from what is printed, as podman 5 (Docker's names have one)", async ({ expect }) => {
    expect(await run('rm', '/s1', '/ab34')).toEqual({ code: 0, stdout: 's1\nab34\n', stderr: '' });
    expect(await run('rm', '//s1')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no container with ID or name "/s1" found: no such container\n',
    });
  });

  test('bogus names: exit 1 and nothing removed; with -i skipped; -f implies -i (podman 5)', async ({ expect }) => {
    const missing = 'Error: no container with ID or name "bogus" found: no such container\n';
    expect(await run('rm', 'bogus')).toEqual({ code: 1, stdout: '', stderr: missing });
    expect(await run('rm', 's1', 'bogus')).toEqual({ code: 1, stdout: '', stderr: missing });
    expect(await run('rm', '-i', 'bogus')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run('rm', '-i', 's1', 'bogus')).toEqual({ code: 0, stdout: 's1\n', stderr: '' });
    // podman 5 removes what exists (4.3 removed nothing here and exited 0).
    expect(await run('rm', '-f', 's1', 'bogus')).toEqual({ code: 0, stdout: 's1\n', stderr: '' });
    expect(await run('rm', '-t', '-1', '-f', 'bogus')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('infra alone: refused without its pod (125); with --depend it takes its pod', async ({ expect }) => {
    expect(await run('rm', 'p3-infra')).toEqual({
      code: 125,
      stdout: '',
      stderr: 'Error: container p3-infra is the infra container of pod p3 and cannot be removed without removing the pod\n',
    });
    expect(await run('rm', '--depend', 'p3-infra')).toEqual({ code: 0, stdout: 'p3-infra\n', stderr: '' });
    expect(await run('pod', 'rm', 'p3')).toEqual({ code: 0, stdout: 'p3\n', stderr: '' });
  });

  test('rm -a without -f: everything stopped goes (chains in one run), the running ones and what they need stay, exit 2', async ({
    expect,
  }) => {
    const result = await run('rm', '-a');
    expect(result.code).toBe(2);
    expect(lines(result.stdout).sort()).toEqual(
      [APP, DB, 'c0', 'c1', 'c2', 'p1-b', 'p2-a', 'p2-b', 'p2-infra', 'p3-infra', 's1', 's2'].sort(),
    );
    expect(lines(result.stdout).indexOf('c2')).toBeLessThan(lines(result.stdout).indexOf('c1'));
    expect(lines(result.stderr)).toEqual([
      RUNNING('r1'),
      'Error: a container that depends on container p1-infra could not be stopped: container state improper',
      RUNNING('p1-a'),
    ]);
  });

  test('rm -fa: every container, pods and the whole chain included, in one run, exit 0', async ({ expect }) => {
    const result = await run('rm', '-fa');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(lines(result.stdout).sort()).toEqual([...(HOST.containers ?? []).map((c) => c.id)].sort());
  });
});

describe.concurrent('pod rm on a spec file: podman pod rm scenarios', () => {
  test("a pod with a running member, without -f: its stopped members go, the pod stays; podman 5's lines, exit 125", async ({ expect }) => {
    expect(await run('pod', 'rm', 'p1')).toEqual({
      code: 125,
      stdout: '',
      stderr: [
        'Error: not all containers could be removed from pod p1: removing pod containers',
        'Error: error removing container p1-infra from pod p1: a container that depends on container p1-infra could not be stopped: container state improper',
        `Error: error removing container p1-a from pod p1: ${RUNNING('p1-a').slice('Error: '.length)}`,
        '',
      ].join('\n'),
    });
  });

  test('the same pod with -f is removed, printed by id', async ({ expect }) => {
    expect(await run('pod', 'rm', '-f', 'p1')).toEqual({ code: 0, stdout: 'p1\n', stderr: '' });
  });

  test('bogus pods: exit 1 and nothing removed; -i skips them; a container is no pod (podman 5 says no more)', async ({ expect }) => {
    const missing = 'Error: no pod with name or ID bogus found: no such pod\n';
    expect(await run('pod', 'rm', 'bogus')).toEqual({ code: 1, stdout: '', stderr: missing });
    expect(await run('pod', 'rm', 'p2', 'bogus')).toEqual({ code: 1, stdout: '', stderr: missing });
    expect(await run('pod', 'rm', '-i', 'p2', 'bogus')).toEqual({ code: 0, stdout: 'p2\n', stderr: '' });
    expect(await run('pod', 'rm', '-f', '-t', '-1', 'p2', 'bogus')).toEqual({ code: 0, stdout: 'p2\n', stderr: '' });
    expect(await run('pod', 'rm', 's1')).toEqual({ code: 1, stdout: '', stderr: 'Error: no pod with name or ID s1 found: no such pod\n' });
    // No slash is dropped for pods.
    expect(await run('pod', 'rm', '/p2')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no pod with name or ID /p2 found: no such pod\n',
    });
  });

  test('pod rm -fa on mixed pods removes every pod, leaves the containers outside pods alone, exit 0', async ({ expect }) => {
    const result = await run('pod', 'rm', '-fa', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(lines(result.stdout).at(-1)!);
    expect(Object.keys(report.pods).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(Object.keys(report.containers).sort()).toEqual(['p1-a', 'p1-b', 'p1-infra', 'p2-a', 'p2-b', 'p2-infra', 'p3-infra']);
    expect(report.ok).toBe(true);
    const text = await run('pod', 'rm', '-fa');
    expect({ ...text, stdout: lines(text.stdout).sort() }).toEqual({ code: 0, stdout: ['p1', 'p2', 'p3'], stderr: '' });
  });

  test("pod rm -a without -f: the pods that can go, go; exit 125 as podman's pod rm", async ({ expect }) => {
    const result = await run('pod', 'rm', '-a');
    expect(result.code).toBe(125);
    expect(lines(result.stdout).sort()).toEqual(['p2', 'p3']);
    expect(lines(result.stderr)[0]).toBe('Error: not all containers could be removed from pod p1: removing pod containers');
  });
});

describe.concurrent("podman's argument errors, exit 125, before anything is read", () => {
  // No --spec: these must fail before the source is opened (CONTAINER_HOST points nowhere).
  test.for<[string[], string]>([
    [['rm'], 'Error: you must provide at least one name or id'],
    [['pod', 'rm'], 'Error: you must provide at least one name or id'],
    [['rm', '-a', 'x'], 'Error: no arguments are needed with --all'],
    [['pod', 'rm', '-a', 'x'], 'Error: no arguments are needed with --all'],
    [['rm', '-a', '-l'], 'Error: --all and --latest cannot be used together'],
    [['rm', '-l', 'x'], 'Error: --latest and containers cannot be used together'],
    [['rm', '-t', '3', 'x'], 'Error: --force option must be specified to use the --time option'],
    [['pod', 'rm', '-t', '3', 'x'], 'Error: --force option must be specified to use the --time option'],
    [['rm', '-t', '-1', 'x'], 'Error: --force option must be specified to use the --time option'],
    [
      ['rm', '-t', 'abc', 'x'],
      'Error: invalid argument "abc" for "-t, --time" flag: strconv.ParseInt: parsing "abc": invalid syntax\nSee \'podgraph rm --help\'',
    ],
    [
      ['pod', 'rm', '-f', '-t', '1.5', 'x'],
      'Error: invalid argument "1.5" for "-t, --time" flag: strconv.ParseInt: parsing "1.5": invalid syntax\nSee \'podgraph pod rm --help\'',
    ],
    [
      ['rm', '-f', '-t', '9223372036854775808', 'x'],
      'Error: invalid argument "9223372036854775808" for "-t, --time" flag: strconv.ParseInt: parsing "9223372036854775808": value out of range\nSee \'podgraph rm --help\'',
    ],
    [['rm', '--bogus', 'x'], "Error: unknown flag: --bogus\nSee 'podgraph rm --help'"],
    [['pod', 'rm', '--depend', 'x'], "Error: unknown flag: --depend\nSee 'podgraph pod rm --help'"],
    [['rm', '--url', 'unix:///x.sock', '--spec', 'x.json', 'x'], 'Error: --url and --spec cannot be used together'],
  ])('podgraph %j', async ([args, stderr], { expect }) => {
    expect(await podgraph(args)).toEqual({ code: 125, stdout: '', stderr: `${stderr}\n` });
  });

  test('an empty name, as podman', async ({ expect }) => {
    expect(await run('rm', '', 's1')).toEqual({ code: 125, stdout: '', stderr: 'Error: name or ID cannot be empty\n' });
  });
});
