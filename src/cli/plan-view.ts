/**
 * `podgraph plan`: what `rm` / `pod rm` would do, without doing it. The calls come from the
 * library's own plan (the DAG of runtime calls removeGraph walks); what each call would answer
 * comes from running the same removal on an in-memory copy of the graph, which follows podman's
 * rules. Wave N holds the calls whose prerequisites are all in earlier waves: the removal never
 * waits for a wave to end (a call starts as soon as its own prerequisites are done, up to
 * --concurrency at a time), so the number of waves is the length of its critical path.
 */
import type { PodgraphError } from '../errors.js';
import { type ContainerGraph, compiledOf } from '../graph/container-graph.js';
import { type RemoveOptions, resolveOptions } from '../removal/options.js';
import { planRemoval } from '../removal/plan.js';
import { removeGraph } from '../removal/remove-graph.js';
import { select } from '../removal/selection.js';
import { MemoryRuntime } from '../runtime/memory/memory-runtime.js';
import { shortId } from './render/drawing.js';

export interface PlannedCall {
  call: 'removeContainer' | 'removePod';
  id: string;
  name?: string;
  /** For removePod: the infra container it takes with it. */
  infra?: string;
  /** `removed`, or the code the call would fail with. */
  expect: string;
}

export interface Refusal {
  kind: 'container' | 'pod';
  id: string;
  name?: string;
  code: string;
  message: string;
}

export interface RemovalPlanView {
  selected: { containers: number; pods: number };
  waves: PlannedCall[][];
  /** Every selected item that would not be removed, in the graph's order, containers first. */
  notRemoved: Refusal[];
}

export async function planView(graph: ContainerGraph, options: RemoveOptions): Promise<RemovalPlanView> {
  const compiled = compiledOf(graph);
  const resolved = resolveOptions(options);
  const plan = planRemoval(compiled, select(compiled, resolved));

  // The same removal on a copy: which calls are made, and what each would answer.
  const copy = new MemoryRuntime(graph, { log: true });
  const report = await removeGraph(graph, { ...options, runtime: copy, signal: undefined, onEvent: undefined, concurrency: Infinity });
  const answers = new Map<string, string>();
  for (const record of copy.log) answers.set(`${record.op}:${record.id}`, record.result ?? 'removed');

  const n = compiled.size;
  const callOf = (node: number): PlannedCall | undefined => {
    const pod = node >= n;
    const id = pod ? compiled.podIds[node - n] : compiled.ids[node];
    const answer = answers.get(`${pod ? 'removePod' : 'removeContainer'}:${id}`);
    if (answer === undefined) return undefined;
    const call: PlannedCall = { call: pod ? 'removePod' : 'removeContainer', id, expect: answer };
    const name = pod ? compiled.podNames[node - n] : compiled.names[node];
    if (name !== undefined) call.name = name;
    if (pod && compiled.podInfra[node - n] !== -1) call.infra = compiled.ids[compiled.podInfra[node - n]];
    return call;
  };

  // Kahn's walk over the plan: a node's wave is one more than the latest wave it waits on.
  const wave = new Int32Array(n + compiled.podCount);
  const waiting = plan.pending.slice();
  const order: number[] = [];
  for (const node of plan.nodes) if (waiting[node] === 0) order.push(node);
  for (let head = 0; head < order.length; head++) {
    const node = order[head];
    wave[node] = Math.max(wave[node], 1);
    for (let k = plan.succStart[node]; k < plan.succStart[node + 1]; k++) {
      const next = plan.succ[k];
      wave[next] = Math.max(wave[next], wave[node] + 1);
      if (--waiting[next] === 0) order.push(next);
    }
  }
  const waves: PlannedCall[][] = [];
  for (const node of plan.nodes) {
    const call = callOf(node);
    if (call === undefined) continue;
    // Only calls that are made count: a node after a refused one is never called, so no gap opens.
    (waves[wave[node] - 1] ??= []).push(call);
  }

  const notRemoved: Refusal[] = [];
  const refusal = (kind: Refusal['kind'], id: string, name: string | undefined, error: PodgraphError) => {
    const entry: Refusal = { kind, id, code: error.code, message: error.message };
    if (name !== undefined) entry.name = name;
    notRemoved.push(entry);
  };
  for (let i = 0; i < n; i++) {
    const error = report.containers.get(compiled.ids[i]);
    if (error) refusal('container', compiled.ids[i], compiled.names[i], error);
  }
  for (let p = 0; p < compiled.podCount; p++) {
    const error = report.pods.get(compiled.podIds[p]);
    if (error) refusal('pod', compiled.podIds[p], compiled.podNames[p], error);
  }
  return { selected: { containers: report.containers.size, pods: report.pods.size }, waves: waves.filter(Boolean), notRemoved };
}

function nameOf(item: { id: string; name?: string }): string {
  return item.name ?? shortId(item.id);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The plan as text: a summary line, the waves, then what would not be removed. */
export function renderPlan(command: string, view: RemovalPlanView): string {
  const calls = view.waves.reduce((sum, wave) => sum + wave.length, 0);
  const failing = view.waves.reduce((sum, wave) => sum + wave.filter((call) => call.expect !== 'removed').length, 0);
  const lines = [
    `${command}: ${plural(view.selected.containers, 'container')} and ${plural(view.selected.pods, 'pod')} selected; ` +
      `${plural(calls, 'call')} in ${plural(view.waves.length, 'wave')}${failing > 0 ? ` (${failing} would fail)` : ''}; ` +
      `${plural(view.notRemoved.length, 'item')} would not be removed`,
  ];
  const width = Math.max(
    0,
    ...view.waves
      .flat()
      .filter((call) => call.expect !== 'removed')
      .map((call) => describeCall(call).length),
  );
  view.waves.forEach((wave, w) => {
    lines.push('', `wave ${w + 1}:`);
    for (const call of wave) {
      const text = describeCall(call);
      lines.push(call.expect === 'removed' ? `  ${text}` : `  ${text.padEnd(width)}  fails: ${call.expect}`);
    }
  });
  if (view.notRemoved.length > 0) {
    lines.push('', 'would not be removed:');
    const rows = view.notRemoved.map((item) => [`${item.kind} ${nameOf(item)}`, item.code, item.message]);
    const first = Math.max(...rows.map((row) => row[0].length));
    const second = Math.max(...rows.map((row) => row[1].length));
    for (const [what, code, message] of rows) lines.push(`  ${what.padEnd(first)}  ${code.padEnd(second)}  ${message}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeCall(call: PlannedCall): string {
  if (call.call === 'removeContainer') return `remove container ${nameOf(call)}`;
  return `remove pod ${nameOf(call)}${call.infra === undefined ? '' : ` (and its infra container ${shortId(call.infra)})`}`;
}
