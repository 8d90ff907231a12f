/**
 * Tables 1 and 2 of issue 4: schedule quality on MemoryRuntime with a fixed latency per call,
 * podgraph against the lower bound and against its peers. Every run removes the same graph on a
 * fresh runtime and is checked: everything gone, no call failed. podgraph's runtimes here take no
 * whole-pod calls (`wholePods: false`): every strategy makes one call per item, so the tables
 * measure the scheduler alone.
 */
import { ContainerGraph, MemoryRuntime, removeGraph } from 'podgraph';
import { count, meanCallDuration, median, ms, ratio, table, verifyRemoved } from './measure.ts';
import { layerByLayer } from './peers/layer-by-layer.ts';
import { pGraph, pGraphCriticalPath } from './peers/p-graph.ts';
import { podmanStrategy } from './peers/podman-strategy.ts';
import { serial } from './peers/serial.ts';
import type { Strategy } from './peers/strategy.ts';
import { longestChain, type RemovalDag, removalDag } from './removal-dag.ts';
import { type Shape, scheduleShapes } from './shapes.ts';

export const PEERS: readonly Strategy[] = [podmanStrategy, layerByLayer, serial, pGraph, pGraphCriticalPath];

export interface Run {
  /** Wall time of the whole removal call (ms). */
  makespan: number;
  /** Runtime calls in the log. */
  calls: number;
  /** Mean measured duration of one call (ms). */
  latency: number;
}

export interface ShapeResult {
  shape: Shape;
  dag: RemovalDag;
  /** Calls on the longest chain of the removal DAG. */
  chain: number;
  /** Strategy name -> concurrency -> runs. */
  runs: Map<string, Map<number, Run[]>>;
}

export interface ScheduleOptions {
  latency: number;
  concurrencies: readonly number[];
  /**
   * Runs per strategy, shape and concurrency (the median is reported): as many as fit in this
   * many ms (judged from the first run), within [minRuns, maxRuns]; concurrency 1 runs
   * `serialRuns` times (its runs take seconds).
   */
  budget: number;
  minRuns: number;
  maxRuns: number;
  serialRuns: number;
}

export const PODGRAPH = 'podgraph';

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function runPodgraph(shape: Shape, dag: RemovalDag, latency: number, concurrency: number): Promise<Run> {
  const graph = ContainerGraph.fromSpec(shape.spec);
  const runtime = new MemoryRuntime(graph, { latency, wholePods: false });
  let ok = false;
  const makespan = await timed(async () => {
    ok = (await removeGraph(graph, { all: true, force: true, runtime, concurrency })).ok;
  });
  if (!ok) throw new Error(`bench: podgraph failed to remove ${shape.name}`);
  verifyRemoved(PODGRAPH, dag, runtime);
  return { makespan, calls: runtime.log.length, latency: meanCallDuration(runtime.log) };
}

async function runPeer(peer: Strategy, shape: Shape, dag: RemovalDag, latency: number, concurrency: number): Promise<Run> {
  const runtime = new MemoryRuntime(shape.spec, { latency, wholePods: false });
  const makespan = await timed(() => peer.remove(dag, runtime, concurrency));
  verifyRemoved(peer.name, dag, runtime);
  return { makespan, calls: runtime.log.length, latency: meanCallDuration(runtime.log) };
}

function record(runs: Map<string, Map<number, Run[]>>, who: string, concurrency: number, run: Run): void {
  let byConcurrency = runs.get(who);
  if (byConcurrency === undefined) runs.set(who, (byConcurrency = new Map()));
  let list = byConcurrency.get(concurrency);
  if (list === undefined) byConcurrency.set(concurrency, (list = []));
  list.push(run);
}

/** Runs podgraph and every peer on every shape and concurrency, in rounds, so that noise hits them alike. */
export async function measureSchedules(options: ScheduleOptions, peers: readonly Strategy[] = PEERS): Promise<ShapeResult[]> {
  const results: ShapeResult[] = [];
  for (const shape of scheduleShapes()) {
    const dag = removalDag(shape.spec);
    const runs = new Map<string, Map<number, Run[]>>();
    for (const concurrency of options.concurrencies) {
      const first = concurrency === 1 ? options.serialRuns : 1;
      const contenders: { who: string; run: () => Promise<Run>; target: number; done: number }[] = [
        { who: PODGRAPH, run: () => runPodgraph(shape, dag, options.latency, concurrency), target: first, done: 0 },
      ];
      for (const peer of peers) {
        // A serial strategy ignores the bound: measure it at the first concurrency only.
        if (peer.serial === true && concurrency !== options.concurrencies[0]) continue;
        contenders.push({ who: peer.name, run: () => runPeer(peer, shape, dag, options.latency, concurrency), target: first, done: 0 });
      }
      while (contenders.some((contender) => contender.done < contender.target)) {
        for (const contender of contenders) {
          if (contender.done >= contender.target) continue;
          const run = await contender.run();
          record(runs, contender.who, concurrency, run);
          if (contender.done++ === 0 && concurrency > 1) {
            contender.target = Math.min(options.maxRuns, Math.max(options.minRuns, Math.floor(options.budget / run.makespan)));
          }
        }
      }
    }
    results.push({ shape, dag, chain: longestChain(dag), runs });
  }
  return results;
}

/** The lower bound of a run: latency x max(longest chain of calls, ceil(calls / concurrency)). */
export function lowerBound(result: ShapeResult, run: Run, concurrency: number): number {
  return run.latency * Math.max(result.chain, Math.ceil(run.calls / concurrency));
}

/** The run whose ratio to its lower bound is the median one (of two, the higher). */
function medianRun(result: ShapeResult, concurrency: number): { run: Run; bound: number } {
  const runs = result.runs.get(PODGRAPH)!.get(concurrency)!;
  const scored = runs.map((run) => ({ run, bound: lowerBound(result, run, concurrency) }));
  scored.sort((a, b) => a.run.makespan / a.bound - b.run.makespan / b.bound);
  return scored[scored.length >> 1];
}

function medianMakespan(result: ShapeResult, who: string, concurrency: number): number {
  const byConcurrency = result.runs.get(who)!;
  const runs = byConcurrency.get(concurrency) ?? [...byConcurrency.values()][0]; // serial: measured at the first concurrency only
  return median(runs.map((run) => run.makespan));
}

/** Table 1: podgraph's makespan against the lower bound. */
export function scheduleTable(results: readonly ShapeResult[], concurrencies: readonly number[]): { text: string; worst: number } {
  const rows: string[][] = [];
  let worst = 0;
  for (const result of results) {
    for (const concurrency of concurrencies) {
      const { run, bound } = medianRun(result, concurrency);
      const quality = run.makespan / bound;
      worst = Math.max(worst, quality);
      rows.push([
        result.shape.name,
        String(concurrency),
        count(run.calls),
        count(result.chain),
        `${run.latency.toFixed(2)} ms`,
        ms(bound),
        ms(run.makespan),
        ratio(quality),
        String(result.runs.get(PODGRAPH)!.get(concurrency)!.length),
      ]);
    }
  }
  const text = table(
    ['shape', 'concurrency', 'calls', 'longest chain', 'mean call', 'lower bound', 'makespan', 'makespan ÷ bound', 'runs'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
  return { text, worst };
}

/** Table 2: each peer's makespan as a multiple of podgraph's (above 1: podgraph is faster). */
export function peersTable(
  results: readonly ShapeResult[],
  concurrencies: readonly number[],
  peers: readonly Strategy[] = PEERS,
): { text: string; fastestPeerRatio: number; podmanMultiPodRatio: number; slower: string[]; noise: number } {
  const rows: string[][] = [];
  const slower: string[] = [];
  let fastestPeerRatio = Infinity;
  let podmanMultiPodRatio = Infinity;
  for (const result of results) {
    const pods = (result.shape.spec.pods ?? []).length;
    for (const concurrency of concurrencies) {
      const own = medianMakespan(result, PODGRAPH, concurrency);
      const row = [result.shape.name, String(concurrency), ms(own)];
      for (const peer of peers) {
        const peerRatio = medianMakespan(result, peer.name, concurrency) / own;
        fastestPeerRatio = Math.min(fastestPeerRatio, peerRatio);
        if (peerRatio < 0.98) slower.push(`${peer.name} at ${peerRatio.toFixed(3)}× (${result.shape.name}, concurrency ${concurrency})`);
        if (peer === podmanStrategy && pods > 1 && concurrency > 1) podmanMultiPodRatio = Math.min(podmanMultiPodRatio, peerRatio);
        row.push(ratio(peerRatio));
      }
      rows.push(row);
    }
  }
  const text = table(
    ['shape', 'concurrency', 'podgraph (median)', ...peers.map((peer) => peer.name)],
    ['l', 'r', 'r', ...peers.map(() => 'r' as const)],
    rows,
  );
  return { text, fastestPeerRatio, podmanMultiPodRatio, slower, noise: noiseOf(results) };
}

/** Run-to-run noise: the median, over shapes and concurrencies, of the spread (max - min) / median of podgraph's own makespans. */
function noiseOf(results: readonly ShapeResult[]): number {
  const spreads: number[] = [];
  for (const result of results) {
    for (const runs of result.runs.get(PODGRAPH)!.values()) {
      if (runs.length < 2) continue;
      const times = runs.map((run) => run.makespan);
      spreads.push((Math.max(...times) - Math.min(...times)) / median(times));
    }
  }
  return median(spreads);
}
