/**
 * podgraph side by side with the podman of the same run (podman 4.3.1 and 5.8.6, each in its
 * private sandbox): each scenario builds the same fixture twice under two fresh prefixes, runs
 * `podman ...` on one copy and `podgraph ... --url` on the other, and compares the exit codes,
 * what each printed as removed (ids mapped back to names), what each said on stderr (the same
 * words: podgraph speaks as the podman it talks to) and what is left.
 *
 * podgraph takes podman 5's flags whatever the service's version. Where podman 4.3.1 itself does
 * something else, the test says both, by `engine.major`:
 * - `rm -fa` on a chain a <- a1 <- a2: podman 4.3 removes one level per run (exit 125, the rest
 *   left with "has dependent containers": its workers check for dependents all at once, so with
 *   created containers it fails every time); podman 5 and podgraph remove the chain in one run.
 * - `rm -f a missing`: podman 4.3 removes nothing (and exits 0); podman 5 and podgraph remove `a`.
 * - `-t -1`: podman 4.3 refuses it (its -t is unsigned); podman 5 and podgraph wait forever.
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

type Names = Awaited<ReturnType<typeof namesOf>>;

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

/** Output lines with every full id of `names` replaced by its name (`pod` before a pod's), without the prefix, sorted: podman prints several items in map order. */
function said(text: string, names: Names, prefix: string, podWord = ''): string[] {
  const byId = new Map<string, string>();
  for (const [name, id] of names.containers) byId.set(id, name);
  for (const [name, id] of names.pods) byId.set(id, `${podWord}${name}`);
  return lines(text.replace(/\b[0-9a-f]{64}\b/g, (id) => byId.get(id) ?? id).replaceAll(prefix, '')).sort();
}

interface Side {
  code: number;
  printed: string[];
  stderr: string[];
  left: string[];
}

async function side(result: CliResult, names: Names, prefix: string): Promise<Side> {
  return {
    code: result.code,
    printed: said(result.stdout, names, prefix, 'pod '),
    stderr: said(result.stderr, names, prefix),
    left: await leftOf(prefix),
  };
}

/**
 * Builds `fixture` twice and runs the command on each copy: `args(prefix, names)` gives the
 * arguments (after `rm` or `pod rm`) for a copy, from its prefix and its names -> ids.
 */
async function sideBySide(fixture: Fixture, args: (prefix: string, names: Names) => string[]): Promise<{ podman: Side; podgraph: Side }> {
  const [pm, pg] = [fresh(), fresh()];
  await Promise.all([createInPodman(sandbox, prefixed(pm, fixture)), createInPodman(sandbox, prefixed(pg, fixture))]);
  const names = await namesOf(runtime);
  const podmanResult = await sandbox.podmanExit(...args(pm, names));
  const podgraphResult = await podgraph([...args(pg, names), '--url', sandbox.url, '--progress', 'none']);
  return { podman: await side(podmanResult, names, pm), podgraph: await side(podgraphResult, names, pg) };
}

/** The same exit code, the same items printed as removed, the same words on stderr, the same left over. */
function expectSame(sides: { podman: Side; podgraph: Side }, code: number): void {
  expect(sides.podgraph).toEqual(sides.podman);
  expect(sides.podman.code).toBe(code);
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

describePodman('podgraph rm / pod rm side by side with podman rm / pod rm', (engine) => {
  const live = useSandbox();
  beforeAll(() => {
    ({ sandbox, runtime } = live);
  });

  test('rm of stopped containers: 0; with a leading / only podman 5 and podgraph find them', async () => {
    expectSame(await sideBySide(STOPPED, (p) => ['rm', `${p}s1`, `${p}s2`]), 0);
    const slashed = await sideBySide(STOPPED, (p) => ['rm', `/${p}s1`]);
    if (engine.major >= 5) {
      expectSame(slashed, 0);
    } else {
      // podman 4.3 looks the name up with its slash: no such container.
      expect(slashed.podman).toMatchObject({ code: 1, stderr: ['Error: no container with name or ID "/s1" found: no such container'] });
      expect(slashed.podgraph).toMatchObject({ code: 0, printed: ['s1'], stderr: [] });
    }
  });

  test('rm of a running container: 2 without -f, 0 with -f', async () => {
    expectSame(await sideBySide(RUNNING, (p) => ['rm', `${p}r1`]), 2);
    expectSame(await sideBySide(RUNNING, (p) => ['rm', '-f', '-t', '0', `${p}r1`]), 0);
  });

  test("rm -f -t -1 (wait forever): podman 5's -t; podman 4.3 refuses it, podgraph takes it on both", async () => {
    const forever = await sideBySide(RUNNING, (p) => ['rm', '-f', '-t', '-1', `${p}r1`]);
    if (engine.major >= 5) {
      expectSame(forever, 0);
    } else {
      expect(forever.podman).toMatchObject({
        code: 125,
        stderr: [
          'Error: invalid argument "-1" for "-t, --time" flag: strconv.ParseUint: parsing "-1": invalid syntax',
          "See 'podman rm --help'",
        ],
      });
      expect(forever.podgraph).toEqual({ code: 0, printed: ['r1'], stderr: [], left: [] });
    }
  });

  test("rm of a chain's base: 125 without --depend, 0 with it (the whole chain goes)", async () => {
    expectSame(await sideBySide(CHAIN, (p) => ['rm', `${p}c0`]), 125);
    // (podman 4.3 prints the named one by its full id, podman 5 and podgraph as typed: the same name here.)
    const depend = await sideBySide(CHAIN, (p) => ['rm', '--depend', `${p}c0`]);
    expectSame(depend, 0);
    expect(depend.podgraph.left).toEqual([]);
  });

  test("bogus names: 1 and nothing removed, in the service's words; 0 with -i", async () => {
    expectSame(await sideBySide(STOPPED, (p) => ['rm', `${p}bogus`]), 1);
    expectSame(await sideBySide(STOPPED, (p) => ['rm', `${p}s1`, `${p}bogus`]), 1);
    expectSame(await sideBySide(STOPPED, (p) => ['rm', '-i', `${p}s1`, `${p}bogus`]), 0);
    expectSame(await sideBySide(EMPTY_POD, (p) => ['pod', 'rm', `${p}bogus`]), 1);
    expectSame(await sideBySide(EMPTY_POD, (p) => ['pod', 'rm', '-i', `${p}p3`, `${p}bogus`]), 0);
    // A pod's name to rm, a container's to pod rm: podman 4.3's BoltDB says which it is, podman 5's SQLite does not.
    expectSame(await sideBySide(EMPTY_POD, (p) => ['rm', `${p}p3`]), 1);
    expectSame(await sideBySide(STOPPED, (p) => ['pod', 'rm', `${p}s1`]), 1);
    const words = await sideBySide(STOPPED, (p) => ['rm', `${p}bogus`]);
    expect(words.podgraph.stderr).toEqual([
      `Error: no container with ${engine.major >= 5 ? 'ID or name' : 'name or ID'} "bogus" found: no such container`,
    ]);
  });

  test('rm -f with a bogus name: podman 5 and podgraph remove the rest (0); podman 4.3 removes nothing (0)', async () => {
    const forced = await sideBySide(STOPPED, (p) => ['rm', '-f', `${p}s1`, `${p}bogus`]);
    if (engine.major >= 5) {
      expectSame(forced, 0);
    } else {
      expect(forced.podman).toEqual({ code: 0, printed: [], stderr: [], left: ['s1 created', 's2 created'] });
    }
    expect(forced.podgraph).toEqual({ code: 0, printed: ['s1'], stderr: [], left: ['s2 created'] });
    const pods = await sideBySide(EMPTY_POD, (p) => ['pod', 'rm', '-f', `${p}p3`, `${p}bogus`]);
    if (engine.major >= 5) expectSame(pods, 0);
    else expect(pods.podman).toEqual({ code: 0, printed: [], stderr: [], left: ['p3-infra created [p3]', 'pod p3'] });
    expect(pods.podgraph).toEqual({ code: 0, printed: ['pod p3'], stderr: [], left: [] });
  });

  test("pod rm of a pod with a running member: 125 without -f (stopped members go, the pod stays, the service's layout), 0 with -f", async () => {
    const refused = await sideBySide(POD_RUNNING, (p) => ['pod', 'rm', `${p}p1`]);
    if (engine.major < 5) {
      // podman 4.3.1 walks the pod's members in map order (libpod/container_graph.go removeNode): when it
      // reaches the stopped member first, the infra container's "could not be removed" is overwritten
      // by "still exists: dependency exists". podgraph says the first, which it says every time.
      const either = /a container that depends on container (\S+) still exists: dependency exists$/;
      refused.podman.stderr = refused.podman.stderr
        .map((line) => line.replace(either, 'a container that depends on container $1 could not be removed: container state improper'))
        .sort();
    }
    expectSame(refused, 125);
    expect(refused.podgraph.left).toEqual(['p1-a running [p1]', 'p1-infra running [p1]', 'pod p1']);
    const running =
      'cannot remove container p1-a as it is running - running or paused containers cannot be removed without force: container state improper';
    expect(refused.podgraph.stderr).toEqual(
      engine.major >= 5
        ? [
            `Error: error removing container p1-a from pod p1: ${running}`,
            'Error: error removing container p1-infra from pod p1: a container that depends on container p1-infra could not be stopped: container state improper',
            'Error: not all containers could be removed from pod p1: removing pod containers',
          ]
        : [
            '',
            '',
            `\t* removing container p1-a from pod p1: ${running}`,
            '\t* removing container p1-infra from pod p1: a container that depends on container p1-infra could not be removed: container state improper',
            'Error: 2 errors occurred:',
          ],
    );
    expectSame(await sideBySide(POD_RUNNING, (p) => ['pod', 'rm', '-f', '-t', '0', `${p}p1`]), 0);
  });

  test('the infra container alone: 125; with --depend it takes its pod, 0', async () => {
    const infra = (p: string, names: Names) => names.containers.get(`${p}p3-infra`)!;
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
      return side(await command(prefix), names, prefix);
    };
    const podman = await outcome(() => sandbox.podmanExit('pod', 'rm', '-fa', '-t', '0'));
    const podgraphSide = await outcome(() => podgraph(['pod', 'rm', '-fa', '-t', '0', '--url', sandbox.url, '--progress', 'none']));
    expect(podgraphSide).toEqual(podman);
    expect(podman).toEqual({ code: 0, printed: ['pod m1', 'pod m2', 'pod m3'], stderr: [], left: ['loner running'] });
  });

  test('rm -fa on a chain: podman 5 and podgraph remove it in one run (0); podman 4.3 one level per run (125)', async () => {
    const outcome = async (command: () => Promise<CliResult>) => {
      await sandbox.clear();
      const prefix = fresh();
      await createInPodman(sandbox, prefixed(prefix, CHAIN));
      const names = await namesOf(runtime);
      return side(await command(), names, prefix);
    };
    const podman = await outcome(() => sandbox.podmanExit('rm', '-fa', '-t', '0'));
    const podgraphSide = await outcome(() => podgraph(['rm', '-fa', '-t', '0', '--url', sandbox.url, '--progress', 'none']));
    expect(podgraphSide).toEqual({ code: 0, printed: ['c0', 'c1', 'c2'], stderr: [], left: [] });
    if (engine.major >= 5) {
      expect(podman).toEqual(podgraphSide);
    } else {
      expect(podman.code).toBe(125);
      expect(podman.stderr.every((line) => line.includes('has dependent containers which must be removed before it'))).toBe(true);
      expect(podman.left).not.toEqual([]);
    }
  });
});
