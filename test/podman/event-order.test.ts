/**
 * podman's own event log as the judge, over seeded random hosts: pods with `--requires` chains,
 * standalone containers joined by `--requires` and `--network container:`, some running, each
 * removed by one `removeGraph` at concurrency 1, 4 or 16. podman's timestamps must show every
 * dependent removed before what it depends on, every member before its pod, nothing twice, and
 * nothing reported removed that podman did not record; podman must hold nothing after.
 */
import { ContainerGraph, removeGraph } from 'podgraph';
import { expect, test } from 'vitest';
import { seededRandom } from '../../bench/shapes.ts';
import { createInPodman, type Fixture, type FixtureContainer } from '../support/fixtures.ts';
import { checkRemoveEvents, removeEvents, unrecordedRemovals } from '../support/podman-events.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';

/** 20 to 30 containers: up to 3 pods of 1-5 members (chains inside), the rest standalone. */
function randomHost(seed: number): Fixture {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const pods = Array.from({ length: Math.floor(random() * 4) }, (_, p) => `s${seed}p${p}`);
  const containers: FixtureContainer[] = [];
  for (const pod of pods) {
    const members: string[] = [];
    for (let m = 0; m < 1 + Math.floor(random() * 5); m++) {
      const name = `${pod}m${m}`;
      const requires = members.length > 0 && random() < 0.6 ? [pick(members)] : [];
      containers.push({ name, pod, requires });
      members.push(name);
    }
  }
  const standalone: string[] = [];
  const target = 20 + Math.floor(random() * 11);
  while (containers.length < target) {
    const name = `s${seed}c${standalone.length}`;
    const container: FixtureContainer = { name };
    if (standalone.length > 0 && random() < 0.5) container.requires = [pick(standalone)];
    else if (standalone.length > 0 && random() < 0.2) container.networkOf = pick(standalone);
    containers.push(container);
    standalone.push(name);
  }
  // Running: some containers with no dependency of their own and none on them through the
  // network (podman 4.3's `start a b` refuses a dependency graph that reaches outside its list).
  const networked = new Set(containers.flatMap((c) => (c.networkOf === undefined ? [] : [c.name, c.networkOf])));
  for (const c of containers) if (!networked.has(c.name) && (c.requires ?? []).length === 0 && random() < 0.3) c.running = true;
  return { pods, containers };
}

describePodman("podman's event log over seeded random hosts", () => {
  const live = useSandbox();
  const seeds = Array.from({ length: 20 }, (_, k) => k + 1);
  const concurrencies = [1, 4, 16];

  test.each(seeds.map((seed, k) => [seed, concurrencies[k % concurrencies.length]]))(
    'seed %i at concurrency %i: the order held on podman’s timestamps',
    async (seed, concurrency) => {
      await createInPodman(live.sandbox, randomHost(seed));
      const graph = await ContainerGraph.fromRuntime(live.runtime);
      const since = new Date();
      const report = await removeGraph(graph, { all: true, force: true, timeout: 0, concurrency });
      expect(report.ok).toBe(true);
      const events = await removeEvents(live.runtime.url, since);
      expect(events.length).toBeGreaterThanOrEqual(graph.size + graph.podIds().length);
      expect(checkRemoveEvents(graph, events)).toEqual([]);
      expect(unrecordedRemovals(report, events)).toEqual([]);
      expect(await live.sandbox.podman('ps', '-aq')).toBe('');
      expect(await live.sandbox.podman('pod', 'ps', '-q')).toBe('');
    },
  );
});
