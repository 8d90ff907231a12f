/**
 * What a failure does to a removal (`podman pod rm -fa && podman rm -fa` of the same host as
 * remove-all.ts): the failed container's dependencies are kept and reported DEPENDENCY_FAILED,
 * with the failure at the end of their cause chain; its pod is kept (REMOVING_CTRS); every
 * branch that does not depend on the failure is still removed (no fail-fast).
 *
 *   npm run example:faults
 */
import { ContainerGraph, MemoryRuntime, type PodgraphError, removeGraph } from 'podgraph';
import { stack } from './stack.ts';

const graph = ContainerGraph.fromSpec(stack);
const runtime = new MemoryRuntime(stack, {
  latency: 10,
  // The storage under the shop's API container is broken: podman would answer 500.
  fail: (call) =>
    call.id === 'shop-api' ? new Error('unlinkat /var/lib/containers/storage/overlay/3f1c: device or resource busy') : undefined,
});

const report = await removeGraph(graph, { all: true, force: true, runtime, concurrency: 4 });

const chain = (error: PodgraphError): string => {
  const steps: string[] = [];
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const step = `${(cause as PodgraphError).code ?? cause.name}: ${cause.message}`;
    if (steps.at(-1) !== step) steps.push(step);
  }
  return steps.join('\n      caused by ');
};

console.log(`ok=${report.ok}\n`);
for (const [kind, entries] of [
  ['pod', report.pods],
  ['container', report.containers],
] as const) {
  for (const [id, error] of entries) {
    console.log(`${kind} ${id}: ${error === null ? 'removed' : chain(error)}`);
  }
}
const left = await runtime.inspect();
console.log(`\nStill on the runtime: ${left.containers!.map((ctr) => ctr.id).join(', ')}`);
