/**
 * Targets the graph does not know, with a runtime that can be asked about them
 * (`removeUnlistedContainer`, as PodmanRuntime for podman's storage-only containers): each is
 * one call of the plan, resolved by the runtime at run time, before the graph's calls unless
 * unknown targets are ignored; only the runtime's NO_SUCH_CTR makes it unknown. Plan and run
 * agree, and the events count them in the same done/total.
 */
import {
  ContainerGraph,
  type GraphSpec,
  MemoryRuntime,
  PodgraphError,
  planRemoval,
  type RemovalEvent,
  type RemoveCallOptions,
  type Runtime,
  removeGraph,
} from 'podgraph';
import { describe, expect, test } from 'vitest';

const SPEC: GraphSpec = { containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }] };

/** A MemoryRuntime plus containers only "storage" knows; `refuse` names fail with that code. */
function storageRuntime(storage: string[], refuse: Record<string, string> = {}) {
  const memory = new MemoryRuntime(SPEC);
  const left = new Set(storage);
  const asked: { id: string; options: RemoveCallOptions }[] = [];
  const runtime: Runtime = {
    inspect: () => memory.inspect(),
    removeContainer: (id, options) => memory.removeContainer(id, options),
    removePod: (id, options) => memory.removePod(id, options),
    removeUnlistedContainer: async (id, options) => {
      asked.push({ id, options });
      if (refuse[id] !== undefined) throw Object.assign(new Error(`refused ${id}`), { code: refuse[id] });
      if (!left.delete(id)) throw new PodgraphError('NO_SUCH_CTR', `no container with name or ID "${id}" found: no such container`);
    },
  };
  return { runtime, memory, asked, left };
}

const graph = ContainerGraph.fromSpec(SPEC);

describe('a runtime that can be asked', () => {
  test('a graph read with fromRuntime asks its own runtime, when removeGraph is given none', async () => {
    const { runtime, left } = storageRuntime(['ext1']);
    const own = await ContainerGraph.fromRuntime(runtime);
    const report = await removeGraph(own, { containers: ['ext1'] });
    expect([...report.containers]).toEqual([['ext1', null]]);
    expect(left.size).toBe(0);
  });

  test('an unknown target is removed by its own call, reported under the name given, with events', async () => {
    const { runtime, memory, asked, left } = storageRuntime(['ext1']);
    const events: RemovalEvent[] = [];
    const report = await removeGraph(graph, {
      containers: ['b', 'ext1'],
      runtime,
      volumes: true,
      force: true,
      timeout: 2,
      onEvent: (e) => events.push(e),
    });
    expect(report.ok).toBe(true);
    expect([...report.containers]).toEqual([
      ['b', null],
      ['ext1', null],
    ]);
    expect(left.size).toBe(0);
    expect(asked.map(({ id, options }) => [id, options.force, options.volumes, options.timeout])).toEqual([['ext1', true, true, 2]]);
    expect(memory.log.map((r) => r.id)).toEqual(['b']);
    expect(events.filter((e) => e.id === 'ext1').map((e) => e.type)).toEqual(['start', 'removed']);
  });

  test("the runtime's NO_SUCH_CTR rejects the call with podman's words, before any graph call", async () => {
    const { runtime, memory, asked } = storageRuntime(['ext1']);
    const error = await removeGraph(graph, { containers: ['b', 'ghost'], runtime }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(PodgraphError);
    expect(error).toMatchObject({ code: 'NO_SUCH_CTR', message: 'no container with name or ID "ghost" found: no such container' });
    expect(asked.map((a) => a.id)).toEqual(['ghost']);
    expect(memory.log).toEqual([]);
  });

  test('with ignore (or force) an unknown one is skipped and has no entry; the rest goes on', async () => {
    for (const flags of [{ ignore: true }, { force: true }]) {
      const { runtime } = storageRuntime([]);
      const report = await removeGraph(graph, { containers: ['b', 'ghost'], runtime, ...flags });
      expect([...report.containers.keys()]).toEqual(['b']);
      expect(report.ok).toBe(true);
    }
  });

  test("any other refusal is the item's report entry (its code), not a rejection", async () => {
    const { runtime } = storageRuntime(['ext1'], { ext1: 'CTR_STATE_INVALID' });
    const report = await removeGraph(graph, { containers: ['ext1'], runtime });
    expect(report.ok).toBe(false);
    expect(report.containers.get('ext1')).toMatchObject({ code: 'CTR_STATE_INVALID', message: 'refused ext1' });
  });

  test('they are calls of the plan, resolved at run time; the graph waits for them unless unknown targets are ignored', () => {
    const { runtime } = storageRuntime(['ext1']);
    const plan = planRemoval(graph, { containers: ['b', 'ext1'], runtime });
    expect(plan.calls.map((call) => [call.kind, call.id, call.unlisted, call.after])).toEqual([
      ['container', 'ext1', true, []],
      ['container', 'b', undefined, [0]],
    ]);
    expect(plan.expected.containers).toEqual(
      new Map([
        ['b', null],
        ['ext1', null],
      ]),
    );
    const ignoring = planRemoval(graph, { containers: ['b', 'ext1'], runtime, ignore: true });
    expect(ignoring.calls.map((call) => [call.id, call.after])).toEqual([
      ['b', []],
      ['ext1', []],
    ]);
    expect(ignoring.waves).toHaveLength(1);
  });

  test('one event counter over the whole call: done counts up to one total, the asked target included', async () => {
    const { runtime } = storageRuntime(['ext1']);
    const events: RemovalEvent[] = [];
    await removeGraph(graph, { containers: ['a', 'b', 'ext1'], runtime, onEvent: (e) => events.push(e) });
    const settled = events.filter((e) => e.type !== 'start');
    expect(settled.map((e) => [e.id, e.done, e.total])).toEqual([
      ['ext1', 1, 3],
      ['b', 2, 3],
      ['a', 3, 3],
    ]);
  });

  test("one bound: the asked targets and the graph share the call's concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    const memory = new MemoryRuntime({ containers: [{ id: 'g1' }, { id: 'g2' }, { id: 'g3' }] });
    const slow = async <T>(work: () => Promise<T>) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return work();
    };
    const runtime: Runtime = {
      inspect: () => memory.inspect(),
      removeContainer: (id, options) => slow(() => memory.removeContainer(id, options)),
      removePod: (id, options) => memory.removePod(id, options),
      removeUnlistedContainer: () => slow(async () => undefined),
    };
    const report = await removeGraph(await ContainerGraph.fromRuntime(runtime), {
      containers: ['g1', 'g2', 'g3', 'e1', 'e2', 'e3'],
      runtime,
      ignore: true,
      concurrency: 2,
    });
    expect(report.ok).toBe(true);
    expect(most).toBe(2);
  });

  test('a name given twice is asked once', async () => {
    const { runtime, asked } = storageRuntime(['ext1']);
    await removeGraph(graph, { containers: ['ext1', 'ext1'], runtime });
    expect(asked).toHaveLength(1);
  });
});

describe('a runtime that cannot be asked (MemoryRuntime): nothing changes', () => {
  test('an unknown target rejects before any call', async () => {
    const runtime = new MemoryRuntime(SPEC);
    await expect(removeGraph(graph, { containers: ['b', 'ghost'], runtime })).rejects.toMatchObject({ code: 'NO_SUCH_CTR' });
    expect(runtime.log).toEqual([]);
  });
});
