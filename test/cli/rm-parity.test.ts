/**
 * The rest of podman 4.3's `rm` and `pod rm` flags on spec files (and, where only the requests
 * show it, on a fake podman service): `-v/--volumes` in every position, labels and `--filter`,
 * `--cidfile`, `--pod-id-file`. podman's words and exit codes were checked on podman 4.3.1;
 * test/cli/podman.test.ts runs the same flags side by side with the real one.
 */

import type { GraphSpec } from 'podgraph';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakePodman, fakePodman } from './fake-podman.ts';
import { lines, podgraph, tempDir, writeSpec } from './run-cli.ts';

const VERSION = '0.2.0';

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

  test('podgraph -v and --version print the version', async ({ expect }) => {
    expect(await podgraph(['-v'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await podgraph(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test("pod rm has no -v in podman 4.3: podman's unknown shorthand flag, 125", async ({ expect }) => {
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
