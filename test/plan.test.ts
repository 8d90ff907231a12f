/**
 * planRemoval: the removal as data. Over random graphs and targets its calls are exactly the
 * calls removeGraph then makes on a fresh runtime whose world is the graph's, in an order that
 * respects every call's `after`, and its expected report is removeGraph's report.
 */
import fc from 'fast-check';
import { ContainerGraph, type GraphSpec, MemoryRuntime, PodgraphError, planRemoval, removeGraph } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { graphSpecArb, targetsArb } from './support/random-graph.ts';

const SEED = 20261201;

describe('planRemoval', () => {
  test('over random graphs: the calls removeGraph makes are the plan’s calls expected to run, after their prerequisites', async () => {
    const arb = graphSpecArb.chain((spec) => fc.record({ spec: fc.constant(spec), targets: targetsArb(spec) }));
    await fc.assert(
      fc.asyncProperty(arb, async ({ spec, targets }) => {
        const graph = ContainerGraph.fromSpec(spec);
        const plan = planRemoval(graph, targets);
        const runtime = new MemoryRuntime(spec);
        const report = await removeGraph(graph, { ...targets, runtime });

        const made = runtime.log.map((r) => `${r.op === 'removePod' ? 'pod' : 'container'} ${r.id}`);
        const expected = plan.calls.filter((call) => call.expectedToRun).map((call) => `${call.kind} ${call.id}`);
        expect([...made].sort()).toEqual([...expected].sort());
        for (const call of plan.calls) {
          const at = made.indexOf(`${call.kind} ${call.id}`);
          if (at === -1) continue;
          const record = runtime.log[at];
          expect(record.result).toBe(call.expected?.code ?? 'removed');
          for (const before of call.after) {
            const prerequisite = runtime.log[made.indexOf(`${plan.calls[before].kind} ${plan.calls[before].id}`)];
            expect(prerequisite.endTick!).toBeLessThan(record.startTick);
          }
        }
        // Codes and messages; the cause of a blocked entry is whichever of its blockers failed first, a matter of timing.
        const codes = (r: typeof report) =>
          [...r.containers, ...r.pods].map(([id, e]) => [id, e === null ? null : `${e.code} ${e.message}`]);
        expect(codes(plan.expected)).toEqual(codes(report));
        expect(plan.expected.ok).toBe(report.ok);
        for (const [id, error] of plan.refused) expect(report.containers.get(id) ?? report.pods.get(id)).toEqual(error);
        expect(new Set(plan.selection.containers)).toEqual(new Set(report.containers.keys()));
        expect(new Set(plan.selection.pods)).toEqual(new Set(report.pods.keys()));
        // Waves: each call one wave after the latest call it waits for.
        plan.waves.forEach((wave, w) => {
          for (const call of wave) {
            expect(call.wave).toBe(w + 1);
            expect(call.wave).toBe(1 + Math.max(0, ...call.after.map((k) => plan.calls[k].wave)));
          }
        });
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('a pod call takes its infra container along and waits for every other member; refusals are decided from the graph', () => {
    const spec: GraphSpec = {
      pods: [{ id: 'p' }],
      containers: [
        { id: 'i', pod: 'p', infra: true },
        { id: 'db', pod: 'p', state: 'running' },
        { id: 'app', pod: 'p', dependsOn: ['db'] },
        { id: 'base' },
        { id: 'tool', dependsOn: ['base'] },
      ],
    };
    const graph = ContainerGraph.fromSpec(spec);
    const plan = planRemoval(graph, { pods: ['p'], containers: ['base'] });
    expect(plan.calls.map((c) => `${c.kind} ${c.id} after [${c.after.map((k) => plan.calls[k].id)}]`)).toEqual([
      'container app after []',
      'container db after [app]',
      'pod p after [app,db]',
    ]);
    expect(plan.calls[2].infra).toBe('i');
    expect(plan.waves.map((wave) => wave.map((c) => c.id))).toEqual([['app'], ['db'], ['p']]);
    expect(plan.calls[1].expected?.code).toBe('CTR_STATE_INVALID');
    expect(plan.calls[2].expectedToRun).toBe(false);
    expect([...plan.refused].map(([id, e]) => `${id} ${e.code}`)).toEqual(['base CTR_EXISTS']);
    expect(plan.expected.pods.get('p')?.code).toBe('REMOVING_CTRS');
    expect(plan.expected.containers.get('i')?.code).toBe('DEPENDENCY_FAILED');
    expect(Object.isFrozen(plan.calls)).toBe(true);
  });

  test('an empty selection is an empty plan; bad options and unknown targets throw as removeGraph rejects', () => {
    const graph = ContainerGraph.fromSpec({ containers: [{ id: 'x' }] });
    for (const options of [{}, { containers: [] }, { containers: ['ghost'], ignore: true }]) {
      const plan = planRemoval(graph, options);
      expect(plan.calls).toEqual([]);
      expect(plan.waves).toEqual([]);
      expect(plan.refused.size).toBe(0);
      expect(plan.expected).toEqual({ containers: new Map(), pods: new Map(), names: new Map(), ok: true });
    }
    expect(() => planRemoval(graph, { containers: ['ghost'] })).toThrow(PodgraphError);
    expect(() => planRemoval(graph, { all: true, concurrency: 0 })).toThrow(/concurrency/);
  });
});
