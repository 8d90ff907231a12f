/**
 * A host of about 200 containers (16 pods of 8 members with `--requires` chains inside, half of
 * them running; chains outside pods up to 10 deep; containers on a chain container's network,
 * some running), built through the API, read back and removed in one call: a correctness test at
 * a size where a scheduling or locking mistake would show, not a benchmark (no time is asserted;
 * `npm run bench:podman` measures). podman's own event log is the judge of the order.
 */
import { ContainerGraph, removeGraph } from 'podgraph';
import { beforeAll, expect, test } from 'vitest';
import { failedItems } from '../support/failure.ts';
import { buildInPodman, keepWholeEventLog, podmanContainerCount, podmanHost } from '../support/large-fixture.ts';
import { checkRemoveEvents, removeEvents, unrecordedRemovals } from '../support/podman-events.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';

// Building and removing 200 containers on a loaded 2-core machine takes a minute or two; the limits only catch a hang.
const MINUTES = 60_000;

describePodman('a host of about 200 containers', () => {
  const live = useSandbox();
  const fixture = podmanHost('ci');

  beforeAll(async () => {
    await keepWholeEventLog(live.sandbox);
    await buildInPodman(live.sandbox, fixture);
  }, 10 * MINUTES);

  test(
    "removeGraph(all, force) removes every pod and container, dependents first by podman's event log",
    async () => {
      const graph = await ContainerGraph.fromRuntime(live.runtime);
      expect(graph.size).toBe(podmanContainerCount(fixture));
      expect(graph.podIds()).toHaveLength(fixture.pods!.length);

      const since = new Date();
      const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
      expect(failedItems(report)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.containers.size).toBe(graph.size);
      expect(report.pods.size).toBe(fixture.pods!.length);

      expect(await live.sandbox.podman('ps', '-aq')).toBe('');
      expect(await live.sandbox.podman('pod', 'ps', '-q')).toBe('');
      const events = await removeEvents(live.sandbox.url, since);
      expect(checkRemoveEvents(graph, events)).toEqual([]);
      expect(unrecordedRemovals(report, events)).toEqual([]);
    },
    10 * MINUTES,
  );
});
