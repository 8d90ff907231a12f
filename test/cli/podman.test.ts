/**
 * podgraph side by side with podman 4.3 on a real podman (a private sandbox): each scenario builds
 * the same fixture twice under two fresh prefixes, runs `podman ...` on one copy and
 * `podgraph ... --url` on the other, and compares the exit codes, what each printed as removed
 * (ids mapped back to names) and what is left.
 *
 * Where podman 4.3 is wrong, the test says so: `rm -fa` on a chain a <- a1 <- a2 removes one
 * level per run in podman (exit 125, the rest left with "has dependent containers"); podgraph
 * removes the chain in one run (exit 0, nothing left). podman's workers check for dependents all
 * at once, so with created containers it fails every time (8 runs of 8, chains of 3 and 5); a
 * running one is stopped first, which can give its dependents time to go.
 */

import type { PodmanRuntime } from 'podgraph';
import { beforeAll, expect, test } from 'vitest';
import { createInPodman, describeState, type Fixture, namesOf } from '../support/fixtures.ts';
import type { PodmanSandbox } from '../support/podman-sandbox.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { type CliResult, lines, podgraph } from './run-cli.ts';

let sandbox: PodmanSandbox;
let runtime: PodmanRuntime;
let run = 0;
/** A prefix no other scenario uses, so copies never collide. */
const fresh = () => `t${++run}x`;

/** The fixture with every name (and `requires` / `networkOf` reference) behind `prefix`. */
function prefixed(prefix: string, fixture: Fixture): Fixture {
  const p = (name: string) => `${prefix}${name}`;
  return {
    pods: fixture.pods?.map(p),
    containers: fixture.containers.map((c) => ({
      name: p(c.name),
      ...(c.pod ? { pod: p(c.pod) } : {}),
      ...(c.running ? { running: true } : {}),
      ...(c.requires ? { requires: c.requires.map(p) } : {}),
      ...(c.networkOf ? { networkOf: p(c.networkOf) } : {}),
    })),
  };
}

/** What is left of one copy, in names without the prefix. */
async function leftOf(prefix: string): Promise<string[]> {
  return (await describeState(runtime))
    .filter((line) => line.includes(prefix))
    .map((line) => line.replaceAll(prefix, ''))
    .sort();
}

/** The removed items a command printed, as names without the prefix (podman prints full ids for some). */
function printed(result: CliResult, names: Awaited<ReturnType<typeof namesOf>>, prefix: string): string[] {
  const byId = new Map<string, string>();
  for (const [name, id] of names.containers) byId.set(id, name);
  for (const [name, id] of names.pods) byId.set(id, `pod ${name}`);
  return lines(result.stdout)
    .map((line) => (byId.get(line) ?? line).replaceAll(prefix, ''))
    .sort();
}

interface Side {
  result: CliResult;
  printed: string[];
  left: string[];
}

/**
 * Builds `fixture` twice and runs the command on each copy: `args(prefix, names)` gives the
 * arguments (after `rm` or `pod rm`) for a copy, from its prefix and its names -> ids.
 */
async function sideBySide(
  fixture: Fixture,
  args: (prefix: string, names: Awaited<ReturnType<typeof namesOf>>) => string[],
): Promise<{ podman: Side; podgraph: Side }> {
  const [pm, pg] = [fresh(), fresh()];
  await Promise.all([createInPodman(sandbox, prefixed(pm, fixture)), createInPodman(sandbox, prefixed(pg, fixture))]);
  const names = await namesOf(runtime);
  const podmanResult = await sandbox.podmanExit(...args(pm, names));
  const podgraphResult = await podgraph([...args(pg, names), '--url', sandbox.url, '--progress', 'none']);
  return {
    podman: { result: podmanResult, printed: printed(podmanResult, names, pm), left: await leftOf(pm) },
    podgraph: { result: podgraphResult, printed: printed(podgraphResult, names, pg), left: await leftOf(pg) },
  };
}

/** The same exit code, the same items printed as removed, the same left over, and errors on both sides or neither. */
function expectSame(sides: { podman: Side; podgraph: Side }, code: number): void {
  expect({ podgraph: sides.podgraph.result.code, podman: sides.podman.result.code }).toEqual({ podgraph: code, podman: code });
  expect(sides.podgraph.printed).toEqual(sides.podman.printed);
  expect(sides.podgraph.left).toEqual(sides.podman.left);
  expect(sides.podgraph.result.stderr === '').toBe(sides.podman.result.stderr === '');
}

const STOPPED: Fixture = { containers: [{ name: 's1' }, { name: 's2' }] };
const RUNNING: Fixture = { containers: [{ name: 'r1', running: true }] };
const CHAIN: Fixture = { containers: [{ name: 'c0' }, { name: 'c1', requires: ['c0'] }, { name: 'c2', requires: ['c1'] }] };
const POD_RUNNING: Fixture = {
  pods: ['p1'],
  containers: [
    { name: 'p1-a', pod: 'p1', running: true },
    { name: 'p1-b', pod: 'p1' },
  ],
};
const EMPTY_POD: Fixture = { pods: ['p3'], containers: [] };
const MIXED: Fixture = {
  pods: ['m1', 'm2', 'm3'],
  containers: [
    { name: 'm1-a', pod: 'm1', running: true },
    { name: 'm1-b', pod: 'm1', requires: ['m1-a'], running: true },
    { name: 'm2-a', pod: 'm2' },
    { name: 'm2-b', pod: 'm2', requires: ['m2-a'] },
    { name: 'loner', running: true },
  ],
};

describePodman('podgraph rm / pod rm side by side with podman rm / pod rm', () => {
  const live = useSandbox();
  beforeAll(() => {
    ({ sandbox, runtime } = live);
  });

  test('rm of stopped containers: 0', async () => {
    expectSame(await sideBySide(STOPPED, (p) => ['rm', `${p}s1`, `${p}s2`]), 0);
  });

  test('rm of a running container: 2 without -f, 0 with -f', async () => {
    expectSame(await sideBySide(RUNNING, (p) => ['rm', `${p}r1`]), 2);
    expectSame(await sideBySide(RUNNING, (p) => ['rm', '-f', '-t', '0', `${p}r1`]), 0);
  });

  test("rm of a chain's base: 125 without --depend, 0 with it (the whole chain goes)", async () => {
    expectSame(await sideBySide(CHAIN, (p) => ['rm', `${p}c0`]), 125);
    const depend = await sideBySide(CHAIN, (p) => ['rm', '--depend', `${p}c0`]);
    expectSame(depend, 0);
    expect(depend.podgraph.left).toEqual([]);
  });

  test('bogus names: 1, and 0 with -i', async () => {
    expectSame(await sideBySide(STOPPED, (p) => ['rm', `${p}bogus`]), 1);
    expectSame(await sideBySide(STOPPED, (p) => ['rm', `${p}s1`, `${p}bogus`]), 1);
    expectSame(await sideBySide(STOPPED, (p) => ['rm', '-i', `${p}s1`, `${p}bogus`]), 0);
    expectSame(await sideBySide(EMPTY_POD, (p) => ['pod', 'rm', `${p}bogus`]), 1);
    expectSame(await sideBySide(EMPTY_POD, (p) => ['pod', 'rm', '-i', `${p}p3`, `${p}bogus`]), 0);
  });

  test('pod rm of a pod with a running member: 125 without -f (stopped members go, the pod stays), 0 with -f', async () => {
    const refused = await sideBySide(POD_RUNNING, (p) => ['pod', 'rm', `${p}p1`]);
    expectSame(refused, 125);
    expect(refused.podgraph.left).toEqual(['p1-a running [p1]', 'p1-infra running [p1]', 'pod p1']);
    expectSame(await sideBySide(POD_RUNNING, (p) => ['pod', 'rm', '-f', '-t', '0', `${p}p1`]), 0);
  });

  test('the infra container alone: 125; with --depend it takes its pod, 0', async () => {
    const infra = (p: string, names: Awaited<ReturnType<typeof namesOf>>) => names.containers.get(`${p}p3-infra`)!;
    expectSame(await sideBySide(EMPTY_POD, (p, names) => ['rm', infra(p, names)]), 125);
    const depend = await sideBySide(EMPTY_POD, (p, names) => ['rm', '--depend', infra(p, names)]);
    expectSame(depend, 0);
    expect(depend.podgraph.left).toEqual([]);
  });

  test('pod rm -fa on mixed pods: every pod goes, the container outside pods stays, 0', async () => {
    // -a acts on the whole sandbox: one copy at a time.
    const outcome = async (command: (prefix: string) => Promise<CliResult>) => {
      await sandbox.clear();
      const prefix = fresh();
      await createInPodman(sandbox, prefixed(prefix, MIXED));
      const names = await namesOf(runtime);
      const result = await command(prefix);
      return { code: result.code, printed: printed(result, names, prefix), left: await leftOf(prefix) };
    };
    const podman = await outcome(() => sandbox.podmanExit('pod', 'rm', '-fa', '-t', '0'));
    const podgraphResult = await outcome(() => podgraph(['pod', 'rm', '-fa', '-t', '0', '--url', sandbox.url, '--progress', 'none']));
    expect(podgraphResult).toEqual(podman);
    expect(podman).toEqual({ code: 0, printed: ['pod m1', 'pod m2', 'pod m3'], left: ['loner running'] });
  });

  test('rm -fa on a chain, where podman 4.3 is wrong: podman removes one level per run (125), podgraph the whole chain (0)', async () => {
    await sandbox.clear();
    const prefix = fresh();
    await createInPodman(sandbox, prefixed(prefix, CHAIN));
    const podman = await sandbox.podmanExit('rm', '-fa', '-t', '0');
    expect(podman.code).toBe(125);
    expect(lines(podman.stderr).every((line) => line.includes('has dependent containers which must be removed before it'))).toBe(true);
    expect(await leftOf(prefix)).not.toEqual([]);

    await sandbox.clear();
    await createInPodman(sandbox, prefixed(prefix, CHAIN));
    const podgraphResult = await podgraph(['rm', '-fa', '-t', '0', '--url', sandbox.url, '--progress', 'none']);
    expect(podgraphResult).toMatchObject({ code: 0, stderr: '' });
    expect(lines(podgraphResult.stdout)).toHaveLength(3);
    expect(await leftOf(prefix)).toEqual([]);
  });
});
