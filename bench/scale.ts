/**
 * Engine cost at scale on the zero-latency MemoryRuntime: build + validate, then remove all
 * (force) a graph of N containers in pods of 10 (an infra container and a 9-long chain of
 * members each). Prints one markdown row per size.
 *
 *   npm run bench:scale               # 10k and 100k
 *   npm run bench:scale -- 1000000    # any sizes
 */
import { ContainerGraph, type ContainerSpec, type GraphSpec, MemoryRuntime, removeGraph } from '../src/index.ts';

function podsOfTen(size: number): GraphSpec {
  const pods = [];
  const containers: ContainerSpec[] = [];
  for (let p = 0; p < size / 10; p++) {
    const pod = `pod${p}`;
    pods.push({ id: pod });
    containers.push({ id: `${pod}-infra`, pod, infra: true, state: 'running' });
    for (let m = 1; m < 10; m++) {
      containers.push({ id: `${pod}-c${m}`, pod, state: m % 3 === 0 ? 'running' : 'exited', dependsOn: m > 1 ? [`${pod}-c${m - 1}`] : [] });
    }
  }
  return { pods, containers };
}

const heapMiB = () => process.memoryUsage().heapUsed / 2 ** 20;
const sizes = process.argv.slice(2).map(Number);
console.log('| containers | build + validate | removeGraph (all, force) | µs / container | heap after build |');
console.log('|---:|---:|---:|---:|---:|');
for (const size of sizes.length > 0 ? sizes : [10_000, 100_000]) {
  const spec = podsOfTen(size);
  globalThis.gc?.();
  const heapBefore = heapMiB();
  let start = performance.now();
  const graph = ContainerGraph.fromSpec(spec);
  const build = performance.now() - start;
  globalThis.gc?.();
  const heapGraph = heapMiB() - heapBefore;
  const runtime = new MemoryRuntime(graph, { log: false });
  start = performance.now();
  const report = await removeGraph(graph, { all: true, force: true, runtime });
  const removal = performance.now() - start;
  if (!report.ok) throw new Error('the benchmark removal failed');
  console.log(
    `| ${size.toLocaleString('en')} | ${build.toFixed(0)} ms | ${removal.toFixed(0)} ms | ${((removal * 1000) / size).toFixed(2)} | ${heapGraph.toFixed(0)} MiB (${((heapGraph * 2 ** 20) / size).toFixed(0)} B / container) |`,
  );
}
