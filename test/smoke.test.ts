import { expect, test } from 'vitest';
import { ContainerGraph, removeGraph } from '../src/index.ts';

test('a chain is removed in one call, dependents first', async () => {
  const graph = ContainerGraph.fromSpec({ containers: [{ id: 'a' }, { id: 'a1', dependsOn: ['a'] }] });
  const report = await removeGraph(graph, { all: true });
  expect(report.ok).toBe(true);
  expect([...report.containers.keys()]).toEqual(['a', 'a1']);
});
