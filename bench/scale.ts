/**
 * Table 3 of issue 4: engine cost and memory at scale on the zero-latency MemoryRuntime. Graphs of
 * N containers in pods of ten (an infra container and a 9-long chain of members each), removed
 * (all, force) by podgraph, by p-graph, and by the floor: a bare Kahn walk over the same DAG's
 * typed arrays calling a no-op async function per node. Every time is also shown as a multiple of
 * the floor. Heap is measured in separate runs (full GCs mid-removal would distort the times).
 *
 *   npm run bench:scale               # 10k, 100k and 1M
 *   npm run bench:scale -- 100000     # any sizes
 */
import { pathToFileURL } from 'node:url';
import pLimit from 'p-limit';
import { ContainerGraph, defaultConcurrency, type GraphSpec, MemoryRuntime, type Runtime, removeGraph } from 'podgraph';
import { kahnWalk } from './kahn-walk.ts';
import { count, liveHeap, median, ms, ratio, requireGc, table, verifyRemoved } from './measure.ts';
import { pGraphOf } from './peers/p-graph.ts';
import { callNode, type RemovalDag, removalDag } from './removal-dag.ts';
import { podsOfTen } from './shapes.ts';

/** p-graph 2.0.0's constructor is quadratic (an Array.shift queue): about 90 s at 1M, so it is not run past this. */
export const P_GRAPH_MAX = 300_000;

export interface ScaleResult {
  size: number;
  fromSpec: number;
  removeGraph: number;
  /** Time of the first `graph.graphlib` read and the peak heap with the view read (memory run), when measured. */
  graphlib: { time: number; heap: number } | undefined;
  /** Peak live heap of podgraph's run above the spec's (bytes): graph, runtime state, removal, report. */
  podgraphHeap: number;
  pGraph: { model: number; run: number; heap: number } | undefined;
  floor: number;
  /** Indexing the spec into the walk's typed arrays (`removalDag`): with `floor`, the floor of build + remove. */
  floorIndex: number;
  /** The same walk with each no-op through p-limit: what the shared bound's limiter costs by itself. */
  floorWithPLimit: number;
  /** The same walk calling the MemoryRuntime: what the runtime itself costs. */
  floorWithRuntime: number;
}

/** Forwards to a runtime and takes the live heap (after a full GC) at a few points of the removal: the peak of a memory run. */
class HeapSampler implements Runtime {
  peak = 0;
  readonly inner: Runtime;
  readonly #base: number;
  readonly #every: number;
  #calls = 0;

  constructor(inner: Runtime, calls: number, base: number) {
    this.inner = inner;
    this.#base = base;
    this.#every = Math.max(1, Math.floor(calls / 4));
  }

  sample(): void {
    this.peak = Math.max(this.peak, liveHeap() - this.#base);
  }

  #tick(): void {
    if (++this.#calls % this.#every === 0) this.sample();
  }

  inspect() {
    return this.inner.inspect();
  }

  removeContainer(id: string, options: Parameters<Runtime['removeContainer']>[1]) {
    this.#tick();
    return this.inner.removeContainer(id, options);
  }

  removePod(id: string, options: Parameters<Runtime['removePod']>[1]) {
    this.#tick();
    return this.inner.removePod(id, options);
  }
}

async function timePodgraph(spec: GraphSpec, dag: RemovalDag, concurrency: number) {
  let start = performance.now();
  const graph = ContainerGraph.fromSpec(spec);
  const fromSpec = performance.now() - start;
  const runtime = new MemoryRuntime(graph, { log: false, wholePods: false });
  start = performance.now();
  const report = await removeGraph(graph, { all: true, force: true, runtime, concurrency });
  const removal = performance.now() - start;
  if (!report.ok) throw new Error('bench: podgraph failed to remove the scale graph');
  verifyRemoved('podgraph', dag, runtime, false);
  return { fromSpec, removal };
}

async function podgraphHeap(spec: GraphSpec, dag: RemovalDag, concurrency: number, withGraphlib: boolean) {
  const base = liveHeap();
  const graph = ContainerGraph.fromSpec(spec);
  let graphlib: number | undefined;
  if (withGraphlib) {
    const start = performance.now();
    if (graph.graphlib.nodeCount() !== spec.containers!.length) throw new Error('bench: graphlib view is incomplete');
    graphlib = performance.now() - start;
  }
  const memory = new MemoryRuntime(graph, { log: false, wholePods: false });
  const sampler = new HeapSampler(memory, dag.nodes.length, base);
  sampler.sample();
  const report = await removeGraph(graph, { all: true, force: true, runtime: sampler, concurrency });
  sampler.sample(); // the report and everything before it still alive
  if (!report.ok || report.containers.size !== spec.containers!.length) throw new Error('bench: podgraph memory run failed');
  verifyRemoved('podgraph', dag, memory, false);
  return { heap: sampler.peak, graphlib };
}

async function timePGraph(spec: GraphSpec, world: ContainerGraph, concurrency: number) {
  const runtime = new MemoryRuntime(world, { log: false, wholePods: false });
  let start = performance.now();
  const dag = removalDag(spec);
  const { graph, nodeOf } = pGraphOf(dag);
  const model = performance.now() - start;
  start = performance.now();
  await graph.run({ concurrency, run: (key) => callNode(dag, runtime, nodeOf.get(key)!) });
  const run = performance.now() - start;
  verifyRemoved('p-graph', dag, runtime, false);
  return { model, run };
}

async function pGraphHeap(spec: GraphSpec, world: ContainerGraph, concurrency: number): Promise<number> {
  const memory = new MemoryRuntime(world, { log: false, wholePods: false });
  const base = liveHeap();
  const dag = removalDag(spec);
  const { graph, nodeOf } = pGraphOf(dag);
  const sampler = new HeapSampler(memory, dag.nodes.length, base);
  sampler.sample();
  await graph.run({ concurrency, run: (key) => callNode(dag, sampler, nodeOf.get(key)!) });
  sampler.sample();
  verifyRemoved('p-graph', dag, memory, false);
  return sampler.peak;
}

/**
 * The floor: a bare Kahn walk calling a no-op async function per node; with `world`, calling a
 * MemoryRuntime of it instead; with `throughPLimit`, each no-op through a p-limit (what one shared
 * bound in p-limit costs by itself).
 */
async function timeFloor(dag: RemovalDag, concurrency: number, world?: ContainerGraph, throughPLimit = false): Promise<number> {
  const roots = dag.nodes.filter((node) => dag.indegree[node] === 0);
  const runtime = world === undefined ? undefined : new MemoryRuntime(world, { log: false, wholePods: false });
  let calls = 0;
  const noop = async (_node: number) => {
    calls++;
  };
  const limit = pLimit(concurrency);
  const limited = (node: number) => limit(noop, node);
  const call = runtime === undefined ? (throughPLimit ? limited : noop) : (node: number) => callNode(dag, runtime, node);
  const start = performance.now();
  await kahnWalk(dag, roots, dag.nodes.length, dag.indegree.slice(), concurrency, call);
  const floor = performance.now() - start;
  if (runtime === undefined && calls !== dag.nodes.length) throw new Error('bench: the floor walk missed nodes');
  if (runtime !== undefined) verifyRemoved('floor', dag, runtime, false);
  return floor;
}

/** Reading `graph.graphlib` costs about 12-20 µs and 1.4 KB per node: `graphlibMax` bounds the sizes where it is measured. */
export async function measureScale(
  sizes: readonly number[],
  graphlibMax = Infinity,
  log: (line: string) => void = () => {},
): Promise<ScaleResult[]> {
  requireGc();
  const concurrency = defaultConcurrency();
  const results: ScaleResult[] = [];
  for (const size of sizes) {
    const repeats = size <= 100_000 ? 3 : 1;
    const spec = podsOfTen(size);
    const dag = removalDag(spec);
    // The peers' and the floor's runtimes start from this graph (built outside any timing).
    const world = ContainerGraph.fromSpec(spec);
    const floors: number[] = [];
    const indexings: number[] = [];
    const floorsWithRuntime: number[] = [];
    const floorsWithPLimit: number[] = [];
    const builds: number[] = [];
    const removals: number[] = [];
    const models: number[] = [];
    const runs: number[] = [];
    for (let rep = 0; rep < repeats; rep++) {
      for (let k = 0; k < 3; k++) floors.push(await timeFloor(dag, concurrency));
      const indexStart = performance.now();
      if (removalDag(spec).nodes.length !== dag.nodes.length) throw new Error('bench: the removal DAG differs between builds');
      indexings.push(performance.now() - indexStart);
      floorsWithRuntime.push(await timeFloor(dag, concurrency, world));
      floorsWithPLimit.push(await timeFloor(dag, concurrency, undefined, true));
      liveHeap(); // start each measured run from a collected heap
      const own = await timePodgraph(spec, dag, concurrency);
      builds.push(own.fromSpec);
      removals.push(own.removal);
      if (size <= P_GRAPH_MAX) {
        liveHeap();
        const peer = await timePGraph(spec, world, concurrency);
        models.push(peer.model);
        runs.push(peer.run);
      }
    }
    log(`  scale ${count(size)}: timed, measuring heap`);
    const own = await podgraphHeap(spec, dag, concurrency, false);
    const withView = size <= graphlibMax ? await podgraphHeap(spec, dag, concurrency, true) : undefined;
    const pGraph =
      size <= P_GRAPH_MAX ? { model: median(models), run: median(runs), heap: await pGraphHeap(spec, world, concurrency) } : undefined;
    results.push({
      size,
      fromSpec: median(builds),
      removeGraph: median(removals),
      podgraphHeap: own.heap,
      pGraph,
      graphlib: withView === undefined ? undefined : { time: withView.graphlib!, heap: withView.heap },
      floor: median(floors),
      floorIndex: median(indexings),
      floorWithRuntime: median(floorsWithRuntime),
      floorWithPLimit: median(floorsWithPLimit),
    });
  }
  return results;
}

export function scaleTable(results: readonly ScaleResult[]): string {
  const rows: string[][] = [];
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  for (const result of results) {
    const { size, floor } = result;
    const timeCells = (time: number) => [ms(time), ((time * 1000) / size).toFixed(2), ratio(time / floor)];
    const sizeCell = count(size);
    rows.push([sizeCell, 'podgraph: `ContainerGraph.fromSpec`', ...timeCells(result.fromSpec), '', '']);
    rows.push([sizeCell, 'podgraph: `removeGraph` (all, force)', ...timeCells(result.removeGraph), '', '']);
    const heapCells = (bytes: number) => [mib(bytes), `${count(Math.round(bytes / size))} B`];
    rows.push([
      sizeCell,
      '**podgraph: build + remove**',
      ...timeCells(result.fromSpec + result.removeGraph),
      ...heapCells(result.podgraphHeap),
    ]);
    rows.push(
      result.graphlib === undefined
        ? [sizeCell, 'podgraph: the same with `graph.graphlib` read', 'not measured in `npm run bench`', '', '', '', '']
        : [
            sizeCell,
            '**podgraph: the same with `graph.graphlib` read** (time: the first read)',
            ...timeCells(result.graphlib.time),
            ...heapCells(result.graphlib.heap),
          ],
    );
    if (result.pGraph === undefined) {
      rows.push([sizeCell, 'p-graph 2.0.0', `not run: its constructor is quadratic`, '', '', '', '']);
    } else {
      const peer = result.pGraph;
      rows.push([sizeCell, 'p-graph: removal DAG + `new PGraph`', ...timeCells(peer.model), '', '']);
      rows.push([sizeCell, 'p-graph: `run`', ...timeCells(peer.run), '', '']);
      rows.push([
        sizeCell,
        '**p-graph: build + run**',
        ...timeCells(peer.model + peer.run),
        mib(peer.heap),
        `${count(Math.round(peer.heap / size))} B`,
      ]);
    }
    rows.push([sizeCell, 'floor: bare Kahn walk, no-op async call', ...timeCells(floor), '', '']);
    rows.push([
      sizeCell,
      'floor of build + remove: the spec indexed into typed arrays, then the walk',
      ...timeCells(result.floorIndex + floor),
      '',
      '',
    ]);
    rows.push([sizeCell, 'the same walk, each no-op through p-limit', ...timeCells(result.floorWithPLimit), '', '']);
    rows.push([sizeCell, 'the same walk calling the MemoryRuntime', ...timeCells(result.floorWithRuntime), '', '']);
  }
  return table(
    ['containers', 'what', 'time', 'µs / container', '× floor', 'peak live heap', 'heap / container'],
    ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number);
  const results = await measureScale(sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000], Infinity, (line) => console.error(line));
  console.log(scaleTable(results));
}
