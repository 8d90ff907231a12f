import { ContainerGraph, MemoryRuntime, removeGraph } from 'podgraph';
import { expect, test } from 'vitest';

test('a chain of 200,000 containers is removed in one call, without a stack overflow', async () => {
  const length = 200_000;
  const containers = Array.from({ length }, (_, i) => ({ id: `c${i}`, dependsOn: i === 0 ? [] : [`c${i - 1}`] }));
  const graph = ContainerGraph.fromSpec({ containers });
  const runtime = new MemoryRuntime(graph);
  const report = await removeGraph(graph, { all: true, runtime });
  expect(report.ok).toBe(true);
  expect(report.containers.size).toBe(length);
  expect(runtime.log[0].id).toBe(`c${length - 1}`);
  expect(runtime.log[length - 1].id).toBe('c0');
  expect((await runtime.inspect()).containers).toEqual([]);
});

test('a failure at the top of a 200,000-long chain blocks the whole chain, each entry citing the one above', async () => {
  const length = 200_000;
  const containers = Array.from({ length }, (_, i) => ({ id: `c${i}`, dependsOn: i === 0 ? [] : [`c${i - 1}`] }));
  const graph = ContainerGraph.fromSpec({ containers });
  const top = `c${length - 1}`;
  const runtime = new MemoryRuntime(graph, { fail: (call) => (call.id === top ? new Error('boom') : undefined) });
  const report = await removeGraph(graph, { all: true, runtime });
  expect(report.containers.get(top)!.code).toBe('RUNTIME');
  expect(report.containers.get('c0')!.code).toBe('DEPENDENCY_FAILED');
  expect(report.containers.get('c0')!.cause).toBe(report.containers.get('c1'));
  expect(runtime.log).toHaveLength(1);
});
