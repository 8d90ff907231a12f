/**
 * The rest of podman 4.3's rm flags side by side with the real podman in a private sandbox, as
 * test/cli/podman.test.ts does: each scenario builds the same fixture twice under two fresh
 * prefixes, runs `podman ...` on one copy and `podgraph ... --url` on the other, and compares
 * the exit codes, what each printed as removed (ids mapped back to names) and what is left.
 * Filters act on the whole sandbox, so each copy's containers carry the label `run=<prefix>`
 * and every filter includes it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PodmanRuntime } from 'podgraph';
import { beforeAll, expect, test } from 'vitest';
import { type PodmanSandbox, TINY_IMAGE } from '../support/podman-sandbox.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { type CliResult, lines, podgraph } from './run-cli.ts';

const exec = promisify(execFile);

let sandbox: PodmanSandbox;
let runtime: PodmanRuntime;
let run = 0;
const fresh = () => `q${++run}x`;

interface Ctr {
  name: string;
  /** Extra `podman create` flags (`--label`, `-v`, `--requires` with names already prefixed). */
  flags?: (prefix: string) => string[];
  /** `exited`: run `true` (or `command`) to its end; `running`: started. */
  state?: 'exited' | 'running';
  command?: string[];
}

/** Creates the containers under `prefix`, each labelled `run=<prefix>`, in order. */
async function create(prefix: string, ctrs: Ctr[]): Promise<void> {
  for (const c of ctrs) {
    const args = ['--name', `${prefix}${c.name}`, '--label', `run=${prefix}`, ...(c.flags?.(prefix) ?? [])];
    if (c.state === 'exited') await sandbox.podmanExit('run', ...args, TINY_IMAGE, ...(c.command ?? ['true']));
    else await sandbox.podman('create', ...args, TINY_IMAGE);
    if (c.state === 'running') await sandbox.podman('start', `${prefix}${c.name}`);
  }
}

/** Names (without the prefix) of this copy's containers and pods, and ids -> names for what was printed. */
async function names(prefix: string): Promise<{ left: string[]; byId: Map<string, string> }> {
  const spec = await runtime.inspect();
  const byId = new Map<string, string>();
  for (const pod of spec.pods ?? []) byId.set(pod.id, `pod ${pod.name}`);
  for (const c of spec.containers ?? []) byId.set(c.id, c.name ?? c.id);
  const left = [...byId.values()].filter((name) => name.includes(prefix)).map((name) => name.replaceAll(prefix, ''));
  return { left: left.sort(), byId };
}

interface Side {
  code: number;
  printed: string[];
  left: string[];
  stderr: boolean;
}

async function outcome(prefix: string, command: () => Promise<CliResult>): Promise<Side> {
  const before = await names(prefix);
  const result = await command();
  const printed = lines(result.stdout)
    .map((line) => (before.byId.get(line) ?? line).replaceAll(prefix, ''))
    .sort();
  return { code: result.code, printed, left: (await names(prefix)).left, stderr: result.stderr !== '' };
}

/** The same scenario on two copies: `args(prefix)` are the arguments after `podman` / `podgraph`. */
async function sideBySide(
  ctrs: Ctr[],
  args: (prefix: string) => string[],
  setup?: (prefix: string) => Promise<void>,
): Promise<{ podman: Side; podgraph: Side }> {
  const [pm, pg] = [fresh(), fresh()];
  for (const prefix of [pm, pg]) {
    await setup?.(prefix);
    await create(prefix, ctrs);
  }
  const podman = await outcome(pm, () => sandbox.podmanExit(...args(pm)));
  const podgraphSide = await outcome(pg, () => podgraph([...args(pg), '--url', sandbox.url, '--progress', 'none']));
  return { podman, podgraph: podgraphSide };
}

function expectSame(sides: { podman: Side; podgraph: Side }, code: number): void {
  expect(sides.podgraph).toEqual(sides.podman);
  expect(sides.podman.code).toBe(code);
}

/** Anonymous and named volumes of a container, by name. */
async function volumesOf(container: string): Promise<{ anonymous: string[]; named: string[] }> {
  const mounts = JSON.parse(await sandbox.podman('inspect', '--format', '{{json .Mounts}}', container)) as {
    Name: string;
    Type: string;
  }[];
  const volumes = mounts.filter((m) => m.Type === 'volume').map((m) => m.Name);
  return { anonymous: volumes.filter((v) => /^[0-9a-f]{64}$/.test(v)), named: volumes.filter((v) => !/^[0-9a-f]{64}$/.test(v)) };
}

async function volumeExists(name: string): Promise<boolean> {
  return (await sandbox.podmanExit('volume', 'exists', name)).code === 0;
}

/**
 * A containers.conf like the sandbox's but with its own libpod database: a container created
 * with it is known to the sandbox's containers/storage only, as buildah's working containers are.
 */
function storageOnlyEnv(): NodeJS.ProcessEnv {
  const conf = readFileSync(join(sandbox.dir, 'containers.conf'), 'utf8').replace(
    /^tmp_dir = .*$/m,
    `tmp_dir = "${join(sandbox.dir, 'tmp-storage-only')}"\nstatic_dir = "${join(sandbox.dir, 'libpod-storage-only')}"`,
  );
  const file = join(sandbox.dir, 'storage-only.conf');
  writeFileSync(file, conf);
  return { ...sandbox.env, CONTAINERS_CONF: file };
}

async function externalNames(): Promise<string[]> {
  return lines(await sandbox.podman('ps', '-a', '--external', '--format', '{{.Names}}')).sort();
}

const LABELLED: Ctr[] = [
  { name: 'a1', flags: () => ['--label', 'env=ci'] },
  { name: 'a2', flags: () => ['--label', 'env=prod'] },
  { name: 'b1', flags: (p) => ['--label', 'env=ci', '--requires', `${p}a2`] },
  { name: 'b2', flags: (p) => ['--requires', `${p}a1`] },
  { name: 'x1' },
];

describePodman('podgraph rm --filter / -v / --cidfile / --pod-id-file / storage-only, side by side with podman 4.3', () => {
  const live = useSandbox();
  beforeAll(() => {
    ({ sandbox, runtime } = live);
  });

  test('--filter label=: an unmatched dependent keeps a match (125); with --depend it goes too (0)', async () => {
    const plain = await sideBySide(LABELLED, (p) => ['rm', '--filter', `label=run=${p}`, '--filter', 'label=env=ci']);
    expectSame(plain, 125);
    expect(plain.podgraph.printed).toEqual(['b1']);
    const depend = await sideBySide(LABELLED, (p) => ['rm', '--depend', '--filter', `label=run=${p}`, '--filter', 'label=env=ci']);
    expectSame(depend, 0);
    expect(depend.podgraph.left).toEqual(['a2', 'x1']);
  });

  test('--filter status=exited (with the copy label: keys AND)', async () => {
    const ctrs: Ctr[] = [
      { name: 'e1', state: 'exited' },
      { name: 'e2', state: 'exited' },
      { name: 'c1' },
      { name: 'r1', state: 'running' },
    ];
    const sides = await sideBySide(ctrs, (p) => ['rm', '--filter', 'status=exited', '--filter', `label=run=${p}`]);
    expectSame(sides, 0);
    expect(sides.podgraph.left).toEqual(['c1', 'r1']);
  });

  test('--filter exited=, since=, before=: exit codes and creation order as podman reads them', async () => {
    const ctrs: Ctr[] = [{ name: 'e3', state: 'exited', command: ['sh', '-c', 'exit 3'] }, { name: 'e0', state: 'exited' }, { name: 'c1' }];
    const exited = await sideBySide(ctrs, (p) => ['rm', '--filter', 'exited=3', '--filter', `label=run=${p}`]);
    expectSame(exited, 0);
    expect(exited.podgraph.left).toEqual(['c1', 'e0']);
    const since = await sideBySide(ctrs, (p) => ['rm', '--filter', `since=${p}e3`, '--filter', `label=run=${p}`]);
    expectSame(since, 0);
    expect(since.podgraph.left).toEqual(['e3']);
    const before = await sideBySide(ctrs, (p) => [
      'rm',
      '--filter',
      `before=${p}c1`,
      '--filter',
      `before=${p}e0`,
      '--filter',
      `label=run=${p}`,
    ]);
    expectSame(before, 0);
    expect(before.podgraph.left).toEqual(['c1', 'e0']);
    const [podmanSays, podgraphSays] = await Promise.all([
      sandbox.podmanExit('rm', '--filter', 'before=nope'),
      podgraph(['rm', '--filter', 'before=nope', '--url', sandbox.url, '--progress', 'none']),
    ]);
    expect(podgraphSays).toEqual(podmanSays);
    expect(podmanSays.code).toBe(1);
  });

  test('--filter name= regex: values OR', async () => {
    const sides = await sideBySide(LABELLED, (p) => ['rm', '--filter', `name=^${p}x`, '--filter', `name=${p}b2$`]);
    expectSame(sides, 0);
    expect(sides.podgraph.printed).toEqual(['b2', 'x1']);
  });

  test('invalid filters: the same words, 125, nothing removed', async () => {
    for (const filter of ['bogus=1', 'label!=env=ci', 'nokey', 'status=stopping', 'exited=x', 'exited=99999999999']) {
      expectSame(await sideBySide([{ name: 'z1' }], () => ['rm', '--filter', filter]), 125);
      const [podmanSays, podgraphSays] = await Promise.all([
        sandbox.podmanExit('rm', '--filter', filter),
        podgraph(['rm', '--filter', filter, '--url', sandbox.url, '--progress', 'none']),
      ]);
      expect(podgraphSays.stderr).toBe(podmanSays.stderr);
    }
  });

  test('-v in every position: the anonymous volume goes, the named one stays; without -v both stay', async () => {
    const variants: ((name: string) => string[])[] = [
      (name) => ['-v', name],
      (name) => ['-fv', name],
      (name) => [name, '-v'],
      (name) => ['--volumes', name],
      (name) => [name],
    ];
    for (const variant of variants) {
      for (const tool of ['podman', 'podgraph'] as const) {
        const p = fresh();
        const name = `${p}v1`;
        await create(p, [{ name: 'v1', flags: () => ['-v', '/data', '-v', `${p}vol:/named`] }]);
        const { anonymous, named } = await volumesOf(name);
        expect(anonymous).toHaveLength(1);
        expect(named).toEqual([`${p}vol`]);
        const args = ['rm', ...variant(name)];
        const result =
          tool === 'podman' ? await sandbox.podmanExit(...args) : await podgraph([...args, '--url', sandbox.url, '--progress', 'none']);
        const withVolumes = args.some((arg) => arg === '-v' || arg === '-fv' || arg === '--volumes');
        expect({
          args: variant('NAME'),
          tool,
          code: result.code,
          stdout: result.stdout,
          anonymous: await volumeExists(anonymous[0]),
        }).toEqual({
          args: variant('NAME'),
          tool,
          code: 0,
          stdout: `${name}\n`,
          anonymous: !withVolumes,
        });
        expect(await volumeExists(named[0])).toBe(true);
      }
    }
  });

  test("pod rm takes its containers' anonymous volumes, as podman 4.3's pod removal always does (it has no -v)", async () => {
    for (const tool of ['podman', 'podgraph'] as const) {
      const p = fresh();
      await sandbox.podman('pod', 'create', '--name', `${p}pod`);
      await sandbox.podman('create', '--pod', `${p}pod`, '--name', `${p}m1`, '-v', '/data', '-v', `${p}vol:/named`, TINY_IMAGE);
      const { anonymous, named } = await volumesOf(`${p}m1`);
      const args = ['pod', 'rm', `${p}pod`];
      const result =
        tool === 'podman' ? await sandbox.podmanExit(...args) : await podgraph([...args, '--url', sandbox.url, '--progress', 'none']);
      expect({ tool, code: result.code, anonymous: await volumeExists(anonymous[0]), named: await volumeExists(named[0]) }).toEqual({
        tool,
        code: 0,
        anonymous: false,
        named: true,
      });
    }
  });

  test('--cidfile (several) and --pod-id-file: the same removals; a missing file the same words', async () => {
    const cid = (p: string, name: string) => join(sandbox.dir, `${p}${name}.cid`);
    const ctrs: Ctr[] = [
      { name: 'k1', flags: (p) => ['--cidfile', cid(p, 'k1')] },
      { name: 'k2', flags: (p) => ['--cidfile', cid(p, 'k2')] },
      { name: 'k3' },
    ];
    const sides = await sideBySide(ctrs, (p) => ['rm', '--cidfile', cid(p, 'k1'), '--cidfile', cid(p, 'k2')]);
    expectSame(sides, 0);
    expect(sides.podgraph.left).toEqual(['k3']);

    const podFile = (p: string) => join(sandbox.dir, `${p}.pod-id`);
    const pods = await sideBySide(
      [],
      (p) => ['pod', 'rm', '--pod-id-file', podFile(p)],
      (p) => sandbox.podman('pod', 'create', '--name', `${p}pod`, '--pod-id-file', podFile(p)).then(() => undefined),
    );
    expectSame(pods, 0);
    expect(pods.podgraph.printed).toEqual(['pod pod']);

    const missing = join(sandbox.dir, 'missing.cid');
    for (const args of [
      ['rm', '--cidfile', missing],
      ['rm', '-i', '--cidfile', missing],
      ['pod', 'rm', '--pod-id-file', missing],
    ]) {
      const [podmanSays, podgraphSays] = await Promise.all([
        sandbox.podmanExit(...args),
        podgraph([...args, '--url', sandbox.url, '--progress', 'none']),
      ]);
      expect(podgraphSays).toEqual({ ...podmanSays, stderr: podmanSays.stderr.replace(/See .*\n$/, '') });
    }
  });

  test('a storage-only container (podman ps -a does not list it) is removed by name; an unknown name is 1 on both', async () => {
    const env = storageOnlyEnv();
    const [pm, pg] = [fresh(), fresh()];
    for (const prefix of [pm, pg]) await exec('podman', ['create', '--name', `${prefix}ext`, TINY_IMAGE], { env });
    const listed = lines(await sandbox.podman('ps', '-a', '--format', '{{.Names}}'));
    expect(listed).not.toContain(`${pm}ext`);
    expect(await externalNames()).toEqual(expect.arrayContaining([`${pm}ext`, `${pg}ext`]));

    const podmanSays = await sandbox.podmanExit('rm', `${pm}ext`);
    const podgraphSays = await podgraph(['rm', `${pg}ext`, '--url', sandbox.url, '--progress', 'none']);
    expect({ ...podgraphSays, stdout: podgraphSays.stdout.replace(pg, 'P') }).toEqual({
      ...podmanSays,
      stdout: podmanSays.stdout.replace(pm, 'P'),
    });
    expect(podgraphSays).toEqual({ code: 0, stdout: `${pg}ext\n`, stderr: '' });
    expect(await externalNames()).not.toEqual(expect.arrayContaining([`${pm}ext`]));
    expect(await externalNames()).not.toEqual(expect.arrayContaining([`${pg}ext`]));

    // -f too (podgraph used to print nothing, exit 0 and leave it)
    for (const prefix of [pm, pg]) await exec('podman', ['create', '--name', `${prefix}ext2`, TINY_IMAGE], { env });
    const forced = await Promise.all([
      sandbox.podmanExit('rm', '-f', `${pm}ext2`),
      podgraph(['rm', '-f', `${pg}ext2`, '--url', sandbox.url, '--progress', 'none']),
    ]);
    expect(forced[1]).toEqual({ ...forced[0], stdout: forced[0].stdout.replace(pm, pg) });
    expect(forced[1]).toEqual({ code: 0, stdout: `${pg}ext2\n`, stderr: '' });
    expect(await externalNames()).not.toEqual(expect.arrayContaining([`${pm}ext2`]));
    expect(await externalNames()).not.toEqual(expect.arrayContaining([`${pg}ext2`]));

    const ghost = await Promise.all([
      sandbox.podmanExit('rm', `${pm}ghost`),
      podgraph(['rm', `${pm}ghost`, '--url', sandbox.url, '--progress', 'none']),
    ]);
    expect(ghost[1]).toEqual(ghost[0]);
    expect(ghost[1].code).toBe(1);
  });
});
