/**
 * A Docker host of 200 containers (16 compose-labelled projects of 10 services whose depends_on
 * chains run up to 10 deep, some services on another's network; 8 `--network container:` chains
 * of 5 outside compose; half of it running), built through the API, read back and removed in one
 * call: a correctness test at a size where a scheduling mistake would show, not a benchmark (no
 * time is asserted; `npm run bench:docker` measures). Docker refuses no removal for dependents,
 * so its own destroy events are the judge: no dependent may outlive what it depends on.
 */
import { ContainerGraph, removeGraph } from 'podgraph';
import { beforeAll, expect, test } from 'vitest';
import { brokenByEvents } from '../support/docker-events.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';
import { failedItems } from '../support/failure.ts';
import { buildInDocker, dockerHost } from '../support/large-fixture.ts';

// Building and removing 200 containers on a loaded 2-core machine takes a minute or two; the limits only catch a hang.
const MINUTES = 60_000;

describeDocker('a host of 200 containers', () => {
  const live = useDockerSandbox();
  const fixture = dockerHost('ci');

  beforeAll(async () => {
    await buildInDocker(live.sandbox, fixture);
  }, 10 * MINUTES);

  test(
    "removeGraph(all, force) removes every container and breaks no dependent by Docker's destroy events",
    async () => {
      const graph = await ContainerGraph.fromRuntime(live.runtime);
      expect(graph.size).toBe(fixture.containers.length);
      const edges = graph.containerIds().reduce((sum, id) => sum + graph.dependenciesOf(id).length, 0);
      expect(edges).toBeGreaterThan(fixture.containers.length / 2);

      const before = (await live.sandbox.destroyEvents()).length;
      const report = await removeGraph(graph, { all: true, force: true });
      expect(failedItems(report)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.containers.size).toBe(graph.size);

      expect(await live.sandbox.docker('ps', '-aq')).toBe('');
      const destroyed = (await live.sandbox.destroyEvents()).slice(before);
      expect(destroyed).toHaveLength(graph.size);
      expect(brokenByEvents(graph, destroyed)).toEqual([]);
    },
    10 * MINUTES,
  );
});
