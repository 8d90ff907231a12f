/** `podgraph plan rm` / `podgraph plan pod rm`: what the removal would do, without doing it. */
import type { RemovalFlags, TargetKind } from '../options.js';
import { planView, type RemovalPlanView, renderPlan } from '../plan-view.js';
import { firstPodIdFileError } from '../pod-id-files.js';
import type { SourceFlags } from '../source.js';
import type { Io } from './io.js';
import { openRemoval } from './open-removal.js';
import { refused } from './remove.js';

export interface PlanFlags extends RemovalFlags, SourceFlags {
  json?: boolean;
}

/** The command as the plan's first line shows it: `pod rm -f -a`. */
function commandText(kind: TargetKind, names: string[], flags: PlanFlags): string {
  const words = [kind === 'pod' ? 'pod rm' : 'rm'];
  if (flags.all) words.push('-a');
  if (flags.force) words.push('-f');
  if (flags.depend) words.push('--depend');
  if (flags.ignore) words.push('-i');
  if (flags.volumes) words.push('-v');
  if (flags.time !== undefined) words.push(`-t ${flags.time}`);
  for (const filter of flags.filter ?? []) words.push(`--filter ${filter}`);
  for (const file of flags.cidfile ?? []) words.push(`--cidfile ${file}`);
  for (const file of flags.podIdFile ?? []) words.push(`--pod-id-file ${file}`);
  return [...words, ...names].join(' ');
}

export async function runPlan(kind: TargetKind, names: string[], flags: PlanFlags, io: Io): Promise<number> {
  const { request, source, options, podIdFiles } = await openRemoval(kind, names, flags);
  try {
    const { graph } = source;
    // A plan shows one removal: a file that names no pod stops it, as an unknown name does.
    const fileError = firstPodIdFileError(podIdFiles);
    if (fileError !== undefined) throw fileError;
    let view: RemovalPlanView;
    try {
      view = planView(graph, options);
    } catch (error) {
      throw refused(error, source, request.names);
    }
    io.stdout.write(flags.json === true ? `${JSON.stringify(view, null, 2)}\n` : renderPlan(commandText(kind, names, flags), view));
    return 0;
  } finally {
    source.close();
  }
}
