// The README's usage example, kept here so that `npm test` type-checks and runs it.
import { ContainerGraph, MemoryRuntime, removeGraph } from 'podgraph';

const graph = ContainerGraph.fromSpec({
  pods: [{ id: 'web' }],
  containers: [
    { id: 'web-infra', pod: 'web', infra: true, state: 'running' },
    { id: 'db', pod: 'web', state: 'running' },
    { id: 'app', pod: 'web', state: 'running', dependsOn: ['db'] },
    { id: 'base' },
    { id: 'tool', dependsOn: ['base'] },
  ],
});

const runtime = new MemoryRuntime(graph, { latency: 5 });
const report = await removeGraph(graph, {
  all: true,
  force: true,
  runtime,
  onEvent: (event) => console.log(event.type, event.kind, event.id, `${event.done}/${event.total}`),
});

console.log(report.ok); // true
for (const [id, error] of report.containers) console.log(id, error?.code ?? 'removed');
