/** Small helpers shared by the benchmarks: timing, statistics, checks and number formatting. */
import type { MemoryRuntime, OperationRecord } from 'podgraph';
import type { RemovalDag } from './removal-dag.ts';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Mean duration (ms) of the calls in a runtime log. */
export function meanCallDuration(log: readonly OperationRecord[]): number {
  let sum = 0;
  for (const record of log) sum += record.end! - record.start;
  return sum / log.length;
}

/** A full GC (the benchmark runs with --expose-gc), then the live heap in bytes. */
export function liveHeap(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

export function requireGc(): void {
  if (globalThis.gc === undefined) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
}

/**
 * Throws unless the runtime holds nothing of the DAG any more and, with `strict`, every call in
 * its log removed what it was asked to (a wrong order shows as CTR_EXISTS or INFRA_CTR): a
 * strategy that skips or misorders work cannot look fast.
 */
export function verifyRemoved(who: string, dag: RemovalDag, runtime: MemoryRuntime, strict = true): void {
  for (const node of dag.nodes) {
    const left = dag.isPod[node] === 1 ? runtime.hasPod(dag.ids[node]) : runtime.has(dag.ids[node]);
    if (left) throw new Error(`bench: ${who} left ${dag.isPod[node] === 1 ? 'pod' : 'container'} ${dag.ids[node]} behind`);
  }
  if (!strict) return;
  const failed = runtime.log.find((record) => record.result !== 'removed');
  if (failed !== undefined) throw new Error(`bench: ${who}: ${failed.op} ${failed.id} failed with ${failed.result}`);
  if (runtime.log.length !== dag.nodes.length) {
    throw new Error(`bench: ${who} made ${runtime.log.length} runtime calls for ${dag.nodes.length} nodes`);
  }
}

export const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} ms`;
export const ratio = (value: number): string => `${value.toFixed(2)}×`;
export const count = (value: number): string => value.toLocaleString('en');

export function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}
