/**
 * Table 4 of issue 4: 8 removeGraph calls at once over overlapping targets on one runtime of
 * 10,000 containers (1,000 pods of ten), against one call over their union. Each call targets
 * 250 pods (every pod is in two calls) and, with `depend`, the middle of the chain of 50 pods
 * that other calls remove whole. The runtime's log counts every successful removal per id: a
 * second one for the same id would be a double removal.
 */
import { ContainerGraph, MemoryRuntime, type OperationRecord, type RemoveOptions, removeGraph } from 'podgraph';
import { count, median, ms, ratio, table, verifyRemoved } from './measure.ts';
import { removalDag } from './removal-dag.ts';
import { podsOfTen } from './shapes.ts';

const SIZE = 10_000;
const CALLS = 8;

export interface ContentionResult {
  latency: number;
  union: number;
  concurrent: number;
  unionCalls: number;
  concurrentCalls: number;
  /** Calls that found their item already removed by another call (NO_SUCH_CTR / NO_SUCH_POD). */
  foundGone: number;
  /** Ids with more than one successful removal. */
  doubleRemovals: number;
  /** Every report of the 8 calls has every entry null (rule 7: gone counts as removed). */
  reportsOk: boolean;
}

/** The targets of call k of 8: pods [125k, 125k + 250) and the 5th container of 50 more pods' chains, with its dependents. */
export function overlappingTargets(k: number, pods: number): RemoveOptions {
  const podTargets: string[] = [];
  for (let j = 0; j < 250; j++) podTargets.push(`pod${(k * 125 + j) % pods}`);
  const containerTargets: string[] = [];
  for (let j = 0; j < 50; j++) containerTargets.push(`pod${(k * 125 + 500 + j) % pods}-c5`);
  return { pods: podTargets, containers: containerTargets, depend: true, force: true };
}

/** Successful removals per id and calls that found their item gone, from a runtime's log. */
function tally(log: readonly OperationRecord[]): { doubles: number; foundGone: number; failed: OperationRecord | undefined } {
  const removed = new Map<string, number>();
  let foundGone = 0;
  let failed: OperationRecord | undefined;
  for (const record of log) {
    if (record.result === 'removed') {
      const key = `${record.op}:${record.id}`;
      removed.set(key, (removed.get(key) ?? 0) + 1);
    } else if (record.result === 'NO_SUCH_CTR' || record.result === 'NO_SUCH_POD') {
      foundGone++;
    } else {
      failed ??= record;
    }
  }
  let doubles = 0;
  for (const times of removed.values()) if (times > 1) doubles++;
  return { doubles, foundGone, failed };
}

async function once(latency: number) {
  const spec = podsOfTen(SIZE);
  const dag = removalDag(spec);
  const pods = spec.pods!.length;

  const unionGraph = ContainerGraph.fromSpec(spec);
  const unionRuntime = new MemoryRuntime(unionGraph, { latency, wholePods: false });
  let start = performance.now();
  const unionReport = await removeGraph(unionGraph, { all: true, force: true, runtime: unionRuntime });
  const union = performance.now() - start;
  if (!unionReport.ok) throw new Error('bench: the union call failed');
  verifyRemoved('podgraph (union)', dag, unionRuntime);

  const graph = ContainerGraph.fromSpec(spec);
  const runtime = new MemoryRuntime(graph, { latency, wholePods: false });
  start = performance.now();
  const reports = await Promise.all(
    Array.from({ length: CALLS }, (_, k) => removeGraph(graph, { ...overlappingTargets(k, pods), runtime })),
  );
  const concurrent = performance.now() - start;
  verifyRemoved('podgraph (8 calls)', dag, runtime, false);
  const { doubles, foundGone, failed } = tally(runtime.log);
  if (failed !== undefined) throw new Error(`bench: ${failed.op} ${failed.id} failed with ${failed.result} under contention`);
  return {
    union,
    concurrent,
    unionCalls: unionRuntime.log.length,
    concurrentCalls: runtime.log.length,
    foundGone,
    doubleRemovals: doubles,
    reportsOk: reports.every((report) => report.ok),
  };
}

export async function measureContention(latencies: readonly number[] = [0, 2], repeats = 3): Promise<ContentionResult[]> {
  const results: ContentionResult[] = [];
  for (const latency of latencies) {
    const runs = [];
    for (let rep = 0; rep < (latency === 0 ? repeats : 1); rep++) runs.push(await once(latency));
    runs.sort((a, b) => a.concurrent / a.union - b.concurrent / b.union);
    const mid = runs[(runs.length - 1) >> 1];
    results.push({
      latency,
      ...mid,
      union: median(runs.map((run) => run.union)),
      concurrent: median(runs.map((run) => run.concurrent)),
      doubleRemovals: Math.max(...runs.map((run) => run.doubleRemovals)),
      reportsOk: runs.every((run) => run.reportsOk),
    });
  }
  return results;
}

export function contentionTable(results: readonly ContentionResult[]): string {
  return table(
    [
      'latency per call',
      'one call over the union',
      `${CALLS} concurrent calls`,
      `${CALLS} calls ÷ one`,
      'runtime calls (one / 8)',
      'calls that found the item gone',
      'double removals',
      'every report ok',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    results.map((result) => [
      `${result.latency} ms`,
      ms(result.union),
      ms(result.concurrent),
      ratio(result.concurrent / result.union),
      `${count(result.unionCalls)} / ${count(result.concurrentCalls)}`,
      count(result.foundGone),
      count(result.doubleRemovals),
      result.reportsOk ? 'yes' : '**no**',
    ]),
  );
}
