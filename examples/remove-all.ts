/**
 * `podman pod rm -fa && podman rm -fa` of a small host, in ONE call, on the embedded in-memory
 * runtime: 20 ms per runtime call, 100 ms more to stop a running container.
 *
 *   npm run example
 */
import { ContainerGraph, MemoryRuntime, removeGraph } from 'podgraph';
import { stack } from './stack.ts';

const graph = ContainerGraph.fromSpec(stack);
const runtime = new MemoryRuntime(stack, {
  latency: (call) => (call.state === 'running' || call.state === 'paused' ? 120 : 20),
});

const started = performance.now();
const elapsed = () => `${(performance.now() - started).toFixed(0).padStart(5)} ms`;
console.log(`Removing ${graph.size} containers in ${graph.podIds().length} pods (all, force, concurrency 4)\n`);

const report = await removeGraph(graph, {
  all: true,
  force: true,
  concurrency: 4,
  runtime,
  onEvent: (event) => {
    if (event.type === 'start') return;
    const what = `${event.type.padEnd(7)} ${event.kind.padEnd(9)} ${event.id}`;
    console.log(
      `${elapsed()}  [${String(event.done).padStart(2)}/${event.total}]  ${what}${event.error ? `: ${event.error.message}` : ''}`,
    );
  },
});

console.log(`\nReport: ok=${report.ok}`);
for (const [id, error] of report.pods) console.log(`  pod       ${id.padEnd(15)} ${error ? error.code : 'removed'}`);
for (const [id, error] of report.containers) console.log(`  container ${id.padEnd(15)} ${error ? error.code : 'removed'}`);
const left = await runtime.inspect();
console.log(
  `\nLeft on the runtime: ${left.pods!.length} pods, ${left.containers!.length} containers; ${runtime.log.length} runtime calls in ${elapsed().trim()}.`,
);
