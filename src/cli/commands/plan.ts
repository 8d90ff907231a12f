/** `podgraph plan rm` / `podgraph plan pod rm`: what the removal would do, without doing it. */
import type { ItemKind } from '../../index.js';
import type { RemovalFlags } from '../options.js';
import { removalExitCode } from '../output.js';
import { planView, renderPlan } from '../plan-view.js';
import { firstPodIdFileError } from '../pod-id-files.js';
import type { Io } from '../progress.js';
import type { SourceFlags } from '../source.js';
import { openRemoval } from './open-removal.js';
import { refused } from './remove.js';

export interface PlanFlags extends RemovalFlags, SourceFlags {
  json?: boolean;
}

/** The command as the plan's first line shows it: `pod rm -f -a`. */
function commandText(kind: ItemKind, names: string[], flags: PlanFlags): string {
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

/**
 * Prints the plan and exits with the code `rm` would exit with if every call answered as the
 * graph says (0 when everything would go), so a pipeline can gate on it.
 */
export async function runPlan(kind: ItemKind, names: string[], flags: PlanFlags, io: Io): Promise<number> {
  const { source, options, podIdFiles } = await openRemoval(kind, names, flags);
  try {
    const { graph } = source;
    const json = flags.json === true;
    // A plan shows one removal: a file that names no pod stops it, as an unknown name does.
    const fileError = firstPodIdFileError(podIdFiles);
    if (fileError !== undefined) throw fileError;
    let planned: ReturnType<typeof planView>;
    try {
      planned = planView(graph, options);
    } catch (error) {
      throw refused(error, source, kind, options, json);
    }
    if (json) io.stdout.write(`${JSON.stringify({ ...planned.view, source: source.json }, null, 2)}\n`);
    else {
      io.stderr.write(`${source.where}\n`);
      io.stdout.write(renderPlan(commandText(kind, names, flags), planned.view));
    }
    return removalExitCode(kind, planned.expected, false);
  } finally {
    await source.close();
  }
}
