/**
 * `podgraph plan`: what `rm` / `pod rm` would do, without doing it, read from the library's own
 * plan (`planRemoval`): its calls by wave, what each is expected to answer by podman's rules,
 * and what would not be removed. Wave N holds the calls whose prerequisites are all in earlier
 * waves: the removal never waits for a wave to end (a call starts as soon as its own
 * prerequisites are done, up to --concurrency at a time), so the number of waves is the length
 * of its critical path.
 */
import { type ContainerGraph, planRemoval, type RemovalReport, type RemoveOptions } from '../index.js';
import { shortId } from './render/drawing.js';
import type { SourceJson } from './source.js';

interface PlannedCallView {
  call: 'removeContainer' | 'removePod';
  id: string;
  name?: string;
  /** For removePod: the infra container it takes with it, and its name. */
  infra?: string;
  infraName?: string;
  /** For a removePod that removes the pod's containers itself (the whole pod in one call): those, dependents first. */
  members?: { id: string; name?: string }[];
  /** `removed`, or the code the call would fail with. */
  expect: string;
}

interface Refusal {
  kind: 'container' | 'pod';
  id: string;
  name?: string;
  code: string;
  message: string;
}

interface RemovalPlanView {
  /** Where it would run (`--json`): the engine and its URL, or `simulated` for a spec file. */
  source?: SourceJson;
  selected: { containers: number; pods: number };
  waves: PlannedCallView[][];
  /** Every selected item that would not be removed, in the graph's order, containers first. */
  notRemoved: Refusal[];
}

/** The plan as the CLI shows it, and the report the removal would give if every call answered as expected. */
export function planView(graph: ContainerGraph, options: RemoveOptions): { view: RemovalPlanView; expected: RemovalReport } {
  const plan = planRemoval(graph, options);
  // Only calls that would be made are shown: a call after one expected to fail is never made.
  const waves = plan.waves
    .map((wave) =>
      wave
        .filter((call) => call.expectedToRun)
        .map((call): PlannedCallView => {
          const item = call.kind === 'pod' ? graph.pod(call.id) : graph.container(call.id);
          const view: PlannedCallView = {
            call: call.kind === 'pod' ? 'removePod' : 'removeContainer',
            id: call.id,
            expect: call.expected?.code ?? 'removed',
          };
          if (item?.name !== undefined) view.name = item.name;
          if (call.infra !== undefined) {
            view.infra = call.infra;
            const infraName = graph.container(call.infra)?.name;
            if (infraName !== undefined) view.infraName = infraName;
          }
          if (call.members !== undefined) view.members = call.members.map((id) => ({ id, ...nameField(graph.container(id)?.name) }));
          return view;
        }),
    )
    .filter((wave) => wave.length > 0);

  const notRemoved: Refusal[] = [];
  const entries = [
    ...[...plan.expected.containers].map(([id, error]) => ({ kind: 'container' as const, id, error, name: graph.container(id)?.name })),
    ...[...plan.expected.pods].map(([id, error]) => ({ kind: 'pod' as const, id, error, name: graph.pod(id)?.name })),
  ];
  for (const { kind, id, error, name } of entries) {
    if (error === null) continue;
    const entry: Refusal = { kind, id, code: error.code, message: error.message };
    if (name !== undefined) entry.name = name;
    notRemoved.push(entry);
  }
  return {
    view: { selected: { containers: plan.selection.containers.length, pods: plan.selection.pods.length }, waves, notRemoved },
    expected: plan.expected,
  };
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

function nameField(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}

function describeCall(call: PlannedCallView): string {
  if (call.call === 'removeContainer') return `remove container ${nameOf(call)}`;
  const taken = (call.members ?? []).map(nameOf);
  if (call.infra !== undefined) taken.push(`its infra container ${call.infraName ?? shortId(call.infra)}`);
  return `remove pod ${nameOf(call)}${taken.length === 0 ? '' : ` (and ${taken.join(', ')})`}`;
}
