/**
 * The rest of podman's `rm` and `pod rm` flags on spec files (and, where only the requests or the
 * service's version show it, on a fake podman service): `-v/--volumes` in every position, labels
 * and `--filter`, `--cidfile`, `--pod-id-file`. The flags are podman 5.8's, whatever the service;
 * the words on a spec file are the newest podman's (5.5+), on a service its version's. podman's
 * words and exit codes were checked on podman 4.3.1 and 5.8.6; test/cli/podman-parity.test.ts
 * runs the same flags side by side with the real ones.
 */

import { readFileSync } from 'node:fs';
import type { GraphSpec } from 'podgraph';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakePodman, fakePodman } from './fake-podman.ts';
import { lines, podgraph, tempDir, writeSpec } from './run-cli.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const SMALL: GraphSpec = { containers: [{ id: 'x' }, { id: 'y' }, { id: 'z', dependsOn: ['y'] }] };

let small: string;
beforeAll(() => {
  small = writeSpec(tempDir(), 'small.json', SMALL);
});

const onSpec =
  (file: () => string) =>
  (...args: string[]) =>
    podgraph([...args, '--spec', file(), '--progress', 'none']);

describe.concurrent('-v is --volumes after rm, the version before any command (podman)', () => {
  const run = onSpec(() => small);
  test.for([
    ['rm', '-v', 'x'],
    ['rm', '-fv', 'x'],
    ['rm', '-vf', 'x'],
    ['rm', 'x', '-v'],
    ['rm', '--volumes', 'x'],
    ['rm', '-f', '-v', '-t', '0', 'x'],
  ])('podgraph %j removes x and prints it, never the version', async (args, { expect }) => {
    expect(await run(...args)).toEqual({ code: 0, stdout: 'x\n', stderr: '' });
  });

  test("podman's hidden, deprecated --storage is taken and changes nothing", async ({ expect }) => {
    expect(await run('rm', '--storage', 'x')).toEqual({ code: 0, stdout: 'x\n', stderr: '' });
    expect((await podgraph(['rm', '--help'])).stdout).not.toContain('--storage');
  });

  test('podgraph -v and --version print the version', async ({ expect }) => {
    expect(await podgraph(['-v'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await podgraph(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test("pod rm has no -v in podman (4.3 or 5.8): podman's unknown shorthand flag, 125", async ({ expect }) => {
    expect(await run('pod', 'rm', '-v', 'p')).toEqual({
      code: 125,
      stdout: '',
      stderr: "Error: unknown shorthand flag: 'v' in -v\nSee 'podgraph pod rm --help'\n",
    });
  });

  test('rm --help lists -v, --volumes', async ({ expect }) => {
    expect((await podgraph(['rm', '--help'])).stdout).toMatch(/-v, --volumes\s+Remove anonymous volumes/);
  });

  test('plan rm -v shows -v and the same removal', async ({ expect }) => {
    const result = await podgraph(['plan', 'rm', '-v', '--depend', 'y', '--spec', small]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[0]).toContain('rm --depend -v y');
  });
});

describe('what -v sends to podman: libpod `volumes=true` on every container DELETE, only with -v', () => {
  let fake: FakePodman;
  beforeAll(async () => {
    fake = await fakePodman([
      { Id: 'a'.repeat(64), Name: 'va' },
      { Id: 'b'.repeat(64), Name: 'vb' },
      { Id: 'c'.repeat(64), Name: 'vc' },
    ]);
  });
  afterAll(() => fake.close());
  const deletes = () => fake.requests.filter((line) => line.startsWith('DELETE'));

  test.for([
    [['rm', '-v', 'va'], 'va', true],
    [['rm', 'vb', '-fv'], 'vb', true],
    [['rm', 'vc'], 'vc', false],
  ] as const)('podgraph %j', async ([args, name, volumes]) => {
    fake.requests.length = 0;
    const result = await podgraph([...args, '--url', fake.url, '--progress', 'none']);
    expect(result).toEqual({ code: 0, stdout: `${name}\n`, stderr: '' });
    expect(deletes()).toHaveLength(1);
    expect(deletes()[0].includes('volumes=true')).toBe(volumes);
  });
});

describe("what -t sends to podman: podman 5's signed int, -1 as a timeout every podman reads as forever", () => {
  let fake: FakePodman;
  beforeAll(async () => {
    fake = await fakePodman(['1', '2', '3', '4', '5'].map((n) => ({ Id: n.repeat(64), Name: `t${n}`, State: 'running' })));
  });
  afterAll(() => fake.close());

  test.for([
    [['-t', '-1'], 't1', 'timeout=4294967295'],
    [['--time=-1'], 't2', 'timeout=4294967295'],
    [['-t', '0x10'], 't3', 'timeout=16'],
    [['-t', '010'], 't4', 'timeout=8'],
    [['-t', '-5'], 't5', 'timeout=4294967295'],
  ] as const)('podgraph rm -f %j', async ([time, name, query]) => {
    fake.requests.length = 0;
    const result = await podgraph(['rm', '-f', ...time, name, '--url', fake.url, '--progress', 'none']);
    expect(result).toEqual({ code: 0, stdout: `${name}\n`, stderr: '' });
    expect(fake.requests.filter((line) => line.startsWith('DELETE'))).toEqual([
      `DELETE /v4.0.0/libpod/containers/${name.slice(1).repeat(64)}?force=true&${query}`,
    ]);
  });
});

describe('labels in spec files', () => {
  test('graph --format json keeps the labels of pods and containers, and reads back the same', async () => {
    const spec: GraphSpec = {
      pods: [{ id: 'p', labels: { team: 'a' } }],
      containers: [
        { id: 'i', pod: 'p', infra: true },
        { id: 'a', pod: 'p', labels: { env: 'ci', 'org.x/y': 'z=w' } },
      ],
    };
    const file = writeSpec(tempDir(), 'labels.json', spec);
    const result = await podgraph(['graph', '--format', 'json', '--spec', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(spec);
    const again = writeSpec(tempDir(), 'again.json', result.stdout);
    expect((await podgraph(['graph', '--format', 'json', '--spec', again])).stdout).toBe(result.stdout);
  });
});

/** Labels, states, a pod and a chain: ids are hex, as podman's. */
const LABELLED: GraphSpec = {
  pods: [{ id: 'f0f0', name: 'web', labels: { team: 'a' } }],
  containers: [
    { id: 'a1a1', name: 'a1', state: 'exited', exitCode: 3, created: '2026-12-01T08:00:01Z', labels: { env: 'ci', run: '7' } },
    { id: 'a2a2', name: 'a2', created: '2026-12-01T08:00:02Z', labels: { env: 'prod' } },
    { id: 'b1b1', name: 'b1', state: 'running', created: '2026-12-01T08:00:03Z', labels: { env: 'ci' }, dependsOn: ['a2'] },
    { id: 'b2b2', name: 'b2', created: '2026-12-01T08:00:04Z', dependsOn: ['a1'] },
    { id: 'c1c1', name: 'web-infra', pod: 'web', infra: true, created: '2026-12-01T08:00:05Z', labels: { team: 'a' } },
    {
      id: 'c2c2',
      name: 'web-app',
      pod: 'web',
      state: 'exited',
      exitCode: 0,
      created: '2026-12-01T08:00:06Z',
      labels: { env: 'ci', run: '7' },
    },
  ],
};

describe.concurrent('rm --filter on a spec file with labels', () => {
  let file: string;
  beforeAll(() => {
    file = writeSpec(tempDir(), 'labelled.json', LABELLED);
  });
  const run = (...args: string[]) => podgraph([...args, '--spec', file, '--progress', 'none']);
  /** What rm removed, sorted: podman prints every container a filter selects by full id. */
  const removed = async (...args: string[]) => {
    const result = await run('rm', ...args);
    return { code: result.code, removed: lines(result.stdout).sort(), stderr: lines(result.stderr) };
  };

  test.for<[string[], string[]]>([
    [
      ['--filter', 'id=^a'],
      ['a1a1', 'a2a2'],
    ],
    // podman 5: a hex id value is a prefix, anything else an expression
    [['--filter', 'id=2a'], []],
    [['--filter', 'id=a2'], ['a2a2']],
    [['--filter', 'id=.2a'], ['a2a2']],
    // podman 5's negated label: not every given label matches
    [
      ['--filter', 'label!=run=7'],
      ['a2a2', 'b1b1', 'b2b2', 'c1c1'],
    ],
    [
      ['--filter', 'name=^web'],
      ['c1c1', 'c2c2'],
    ],
    [['--filter', 'name=app$'], ['c2c2']],
    [
      ['--filter', 'label=run'],
      ['a1a1', 'c2c2'],
    ],
    [['--filter', 'label=env=prod'], ['a2a2']],
    [
      ['--filter', 'label=*un=7'],
      ['a1a1', 'c2c2'],
    ],
    [
      ['--filter', 'status=exited'],
      ['a1a1', 'c2c2'],
    ],
    [
      ['--filter', 'status=stopped'],
      ['a1a1', 'c2c2'],
    ],
    [['--filter', 'pod=web', '--filter', 'status=exited'], ['c2c2']],
    // OR within a key
    [
      ['--filter', 'name=a2', '--filter', 'name=app'],
      ['a2a2', 'c2c2'],
    ],
    // one filter per flag, commas included (podman 5's StringArray; podman 4.3 split on commas):
    // the name regex `a2,name=app` matches no name
    [['--filter', 'name=a2,name=app'], []],
    // label: every value must match; keys AND
    [
      ['--filter', 'label=env=ci', '--filter', 'label=run=7'],
      ['a1a1', 'c2c2'],
    ],
    [['--filter', 'label=env=ci', '--filter', 'status=exited', '--filter', 'name=^a'], ['a1a1']],
    [['--filter', 'label=none'], []],
  ])('rm %j selects what podman ps -a --filter lists', async ([args, expected], { expect }) => {
    const result = await run('rm', '-f', '--json', ...args);
    const report = JSON.parse(lines(result.stdout).at(-1)!);
    expect(Object.keys(report.containers).sort()).toEqual(expected);
  });

  test('name=^web selects the infra container too: refused without its pod, as podman', async ({ expect }) => {
    expect(await removed('--filter', 'name=^web-i')).toEqual({
      code: 125,
      removed: [],
      stderr: ['Error: container c1c1 is the infra container of pod f0f0 and cannot be removed without removing the pod'],
    });
  });

  test('without --depend an unmatched dependent keeps its dependency (125); with --depend it goes too', async ({ expect }) => {
    expect(await removed('--filter', 'label=run=7')).toEqual({
      code: 125,
      removed: ['c2c2'],
      stderr: ['Error: container a1a1 has dependent containers which must be removed before it: b2b2: container already exists'],
    });
    expect(await removed('--depend', '--filter', 'label=run=7')).toEqual({ code: 0, removed: ['a1a1', 'b2b2', 'c2c2'], stderr: [] });
  });

  test('--depend with a running dependent: exit 2 without -f, everything with -f', async ({ expect }) => {
    expect((await removed('--depend', '--filter', 'label=env=prod')).code).toBe(2);
    expect(await removed('-f', '--depend', '--filter', 'label=env=prod')).toEqual({ code: 0, removed: ['a2a2', 'b1b1'], stderr: [] });
  });

  test('-a with --filter: the filter selects, and -a still implies --depend, as podman 5 (4.3 dropped --depend)', async ({ expect }) => {
    expect(await removed('-a', '--filter', 'label=run=7')).toEqual({ code: 0, removed: ['a1a1', 'b2b2', 'c2c2'], stderr: [] });
  });

  test('a filter that matches nothing: nothing removed, exit 0; --filter "" is an invalid filter, as podman 5', async ({ expect }) => {
    expect(await run('rm', '--filter', 'label=nope')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run('rm', '--filter', '')).toEqual({ code: 125, stdout: '', stderr: 'Error: invalid filter ""\n' });
  });

  test.for<[string[], string]>([
    [['rm', '--filter', 'x'], 'Error: invalid filter "x"'],
    [['rm', '--filter', 'bogus=1'], 'Error: bogus is an invalid filter'],
    [['rm', '--filter', 'status=stopping'], 'Error: unknown container state: stopping: invalid argument'],
    [['rm', '--filter', 'label=env=ci', 'a1'], 'Error: --filter takes no arguments'],
    [['rm', '--filter', 'label=env=ci', '-a', 'a1'], 'Error: --filter takes no arguments'],
    [['plan', 'rm', '--filter', 'x'], 'Error: invalid filter "x"'],
    [['graph', '--filter', 'x'], 'Error: invalid filter "x"'],
  ])('podgraph %j: exit 125, nothing removed', async ([args, stderr], { expect }) => {
    expect(await podgraph([...args, '--spec', file])).toEqual({ code: 125, stdout: '', stderr: `${stderr}\n` });
  });

  test('until and other keys needing facts the model lacks: refused saying so, exit 125', async ({ expect }) => {
    for (const filter of ['until=1h', 'ancestor=tiny', 'volume=v']) {
      const result = await run('rm', '--filter', filter);
      expect(result.code).toBe(125);
      expect(result.stderr).toMatch(/^Error: [\w-]+ is a podman filter podgraph cannot apply: the model has no /);
    }
  });

  test('exited=, before=, since= on created times and exit codes; an unknown before= container is 1, as podman', async ({ expect }) => {
    const selected = async (...filters: string[]) => {
      const result = await run('rm', '-f', '--json', ...filters.flatMap((f) => ['--filter', f]));
      return Object.keys(JSON.parse(lines(result.stdout).at(-1)!).containers).sort();
    };
    expect(await selected('exited=3')).toEqual(['a1a1']);
    expect(await selected('exited=0', 'exited=3')).toEqual(['a1a1', 'c2c2']);
    expect(await selected('before=b2')).toEqual(['a1a1', 'a2a2', 'b1b1']);
    expect(await selected('since=b1', 'label=env=ci')).toEqual(['c2c2']);
    // podman 5 still says "name or ID" here: it is the state's lookup, not rm's
    expect(await run('rm', '--filter', 'before=nope')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no container with name or ID "nope" found: no such container\n',
    });
    expect((await run('rm', '--filter', 'exited=x')).stderr).toBe(
      `Error: exited code out of range '\\x00': strconv.ParseInt: parsing "x": invalid syntax\n`,
    );
  });

  test('pod rm has no --filter in podman (4.3 or 5.8)', async ({ expect }) => {
    expect(await run('pod', 'rm', '--filter', 'label=team=a')).toEqual({
      code: 125,
      stdout: '',
      stderr: "Error: unknown flag: --filter\nSee 'podgraph pod rm --help'\n",
    });
  });

  test('plan rm --filter previews the same removal', async ({ expect }) => {
    const result = await podgraph(['plan', 'rm', '--json', '--depend', '--filter', 'label=run=7', '--spec', file]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.selected).toEqual({ containers: 3, pods: 0 });
    expect(plan.notRemoved).toEqual([]);
  });

  test('graph --filter: the matches, what they depend on and their pods, as a valid spec', async ({ expect }) => {
    const result = await podgraph(['graph', '--format', 'json', '--filter', 'name=b1', '--filter', 'name=app', '--spec', file]);
    expect(result.code).toBe(0);
    const spec = JSON.parse(result.stdout) as GraphSpec;
    expect(spec.pods?.map((p) => p.id)).toEqual(['f0f0']);
    expect(spec.containers?.map((c) => c.id)).toEqual(['a2a2', 'b1b1', 'c1c1', 'c2c2']);
  });
});

describe.concurrent('rm --cidfile and pod rm --pod-id-file', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir();
    file = writeSpec(dir, 'labelled.json', LABELLED);
    writeSpec(dir, 'a2.cid', 'a2a2\n');
    writeSpec(dir, 'b1.cid', 'b1b1\nsecond line is not read\n');
    writeSpec(dir, 'empty.cid', '');
    writeSpec(dir, 'ghost.cid', 'dead\n');
    writeSpec(dir, 'c2.cid', 'c2c2\n');
    writeSpec(dir, 'web.pid', 'f0f0');
  });
  const at = (name: string) => `${dir}/${name}`;
  const run = (...args: string[]) => podgraph([...args, '--spec', file, '--progress', 'none']);

  test('several files: each first line is a target, printed as read', async ({ expect }) => {
    const result = await run('rm', '-f', '--cidfile', at('b1.cid'), '--cidfile', at('a2.cid'));
    expect({ ...result, stdout: lines(result.stdout) }).toEqual({ code: 0, stdout: ['b1b1', 'a2a2'], stderr: '' });
  });

  test("a missing file: podman's reading error, exit 125; skipped with an explicit -i only (podman 5), not with -f", async ({ expect }) => {
    const message = `Error: reading CIDFile: open ${at('nope.cid')}: no such file or directory\n`;
    expect(await run('rm', '--cidfile', at('nope.cid'))).toEqual({ code: 125, stdout: '', stderr: message });
    expect(await run('rm', '-f', '--cidfile', at('nope.cid'))).toEqual({ code: 125, stdout: '', stderr: message });
    expect(await run('rm', '-i', '--cidfile', at('nope.cid'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run('rm', '-i', '--cidfile', at('nope.cid'), '--cidfile', at('c2.cid'))).toEqual({
      code: 0,
      stdout: 'c2c2\n',
      stderr: '',
    });
    expect(await run('rm', '--cidfile', dir)).toEqual({
      code: 125,
      stdout: '',
      stderr: `Error: reading CIDFile: read ${dir}: is a directory\n`,
    });
  });

  test('an empty file: name or ID cannot be empty, exit 125, -i or not', async ({ expect }) => {
    for (const flags of [[], ['-i']]) {
      expect(await run('rm', ...flags, '--cidfile', at('empty.cid'))).toEqual({
        code: 125,
        stdout: '',
        stderr: 'Error: name or ID cannot be empty\n',
      });
    }
  });

  test('an id nobody knows: exit 1; -i skips it', async ({ expect }) => {
    expect(await run('rm', '--cidfile', at('ghost.cid'))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no container with ID or name "dead" found: no such container\n',
    });
    expect(await run('rm', '-i', '--cidfile', at('ghost.cid'), '--cidfile', at('c2.cid'))).toEqual({
      code: 0,
      stdout: 'c2c2\n',
      stderr: '',
    });
  });

  test('with --filter, only the file ids that match (libpod)', async ({ expect }) => {
    expect(await run('rm', '--cidfile', at('c2.cid'), '--filter', 'label=env=prod')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run('rm', '--cidfile', at('c2.cid'), '--filter', 'label=env=ci')).toEqual({ code: 0, stdout: 'c2c2\n', stderr: '' });
  });

  test('pod rm --pod-id-file: the pod goes (the file stays: a spec file is a rehearsal); missing, empty and unknown files as podman', async ({
    expect,
  }) => {
    expect(await run('pod', 'rm', '--pod-id-file', at('web.pid'))).toEqual({ code: 0, stdout: 'f0f0\n', stderr: '' });
    expect(await run('pod', 'rm', '--pod-id-file', at('nope.pid'))).toEqual({
      code: 125,
      stdout: '',
      stderr: `Error: reading pod ID file: open ${at('nope.pid')}: no such file or directory\n`,
    });
    expect(await run('pod', 'rm', '-i', '--pod-id-file', at('empty.cid'))).toEqual({
      code: 125,
      stdout: '',
      stderr: 'Error: name or ID cannot be empty\n',
    });
    expect(await run('pod', 'rm', '--pod-id-file', at('ghost.cid'))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no pod with name or ID dead found: no such pod\n',
    });
    expect(await run('pod', 'rm', '-i', '--pod-id-file', at('ghost.cid'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(at('web.pid'), 'utf8')).toBe('f0f0');
  });

  test('pod rm --pod-id-file takes each file on its own (podman 5): the others still go, the errors in file order, 1 for a missing pod', async ({
    expect,
  }) => {
    const result = await run(
      'pod',
      'rm',
      '--pod-id-file',
      at('nope.pid'),
      '--pod-id-file',
      at('ghost.cid'),
      '--pod-id-file',
      at('web.pid'),
      '--pod-id-file',
      at('web.pid'),
    );
    expect(result).toEqual({
      code: 1,
      stdout: 'f0f0\n',
      stderr: [
        `Error: reading pod ID file: open ${at('nope.pid')}: no such file or directory`,
        'Error: no pod with name or ID dead found: no such pod',
        // the second file finds its pod gone, as podman's one-by-one removal does
        'Error: no pod with name or ID f0f0 found: no such pod',
        '',
      ].join('\n'),
    });
    expect(await run('pod', 'rm', '--pod-id-file', at('nope.pid'), '--pod-id-file', at('web.pid'))).toEqual({
      code: 125,
      stdout: 'f0f0\n',
      stderr: `Error: reading pod ID file: open ${at('nope.pid')}: no such file or directory\n`,
    });
  });

  test.for<[string[], string]>([
    [['rm', '--cidfile', 'f', 'a1'], 'Error: no arguments are needed with --latest or --cidfile'],
    [['rm', '-a', '--cidfile', 'f'], 'Error: --all, --latest, and --cidfile cannot be used together'],
    [['pod', 'rm', '--pod-id-file', 'f', 'web'], 'Error: no arguments are needed with --latest or --pod-id-file'],
    [['pod', 'rm', '-a', '--pod-id-file', 'f'], 'Error: --all, --latest, and --pod-id-file cannot be used together'],
    [['rm', '-t', '1', '--cidfile', 'nope'], 'Error: --force option must be specified to use the --time option'],
    // podman 5 checks -t before it reads the files (podman 4.3 read them first)
    [['pod', 'rm', '-t', '1', '--pod-id-file', 'nope'], 'Error: --force option must be specified to use the --time option'],
  ])('podgraph %j: exit 125, in podman 5 order', async ([args, stderr], { expect }) => {
    expect(await podgraph(args)).toEqual({ code: 125, stdout: '', stderr: `${stderr}\n` });
  });
});

describe('names only podman storage knows (buildah working containers): asked of podman', () => {
  let fake: FakePodman;
  beforeAll(async () => {
    fake = await fakePodman([{ Id: 'd'.repeat(64), Name: 'listed' }], ['ext1', 'ext2', 'ext3']);
  });
  afterAll(() => fake.close());
  const run = (...args: string[]) => podgraph([...args, '--url', fake.url, '--progress', 'none']);

  test('rm NAME removes it by its own DELETE and prints it as given', async () => {
    expect(await run('rm', 'ext1')).toEqual({ code: 0, stdout: 'ext1\n', stderr: '' });
    expect(fake.requests).toContain('DELETE /v4.0.0/libpod/containers/ext1?force=false');
  });

  test("podman's 404: no such container, exit 1, and the named graph container stays; -i and -f skip it", async () => {
    // This fake says its version in /_ping only: an unknown version gets the newest words.
    const missing = 'Error: no container with ID or name "ghost" found: no such container\n';
    expect(await run('rm', 'listed', 'ghost')).toEqual({ code: 1, stdout: '', stderr: missing });
    expect(fake.requests.filter((line) => line.startsWith('DELETE') && line.includes('ddd'))).toEqual([]);
    expect(await run('rm', '-f', 'ghost')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run('rm', '-i', 'ghost', 'ext2')).toEqual({ code: 0, stdout: 'ext2\n', stderr: '' });
  });

  test('with -v the storage container goes with volumes=true', async () => {
    expect(await run('rm', '-v', 'ext3')).toEqual({ code: 0, stdout: 'ext3\n', stderr: '' });
    expect(fake.requests).toContain('DELETE /v4.0.0/libpod/containers/ext3?force=false&volumes=true');
  });
});
