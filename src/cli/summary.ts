/**
 * What podgraph says on stderr beyond podman's own lines, for a person (never with `--progress
 * none`, whose stderr is podman's alone, nor with `--json`, which carries the same facts): hints
 * that suggest the fix for a refusal, and the summary of a removal, items named by their names.
 */
import type { PodgraphError } from '../errors.js';
import type { ContainerGraph, ItemKind, RemovalReport, RemoveOptions } from '../index.js';
import { rootCause, unknownTarget } from './output.js';
import { shortId } from './render/drawing.js';

/** How an item is named for a person: its name, else its short id. */
function shownName(report: RemovalReport, id: string): string {
  return report.names.get(id) ?? shortId(id);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Names, the first few of them. */
function listed(names: readonly string[], most = 5): string {
  return names.length <= most ? names.join(', ') : `${names.slice(0, most).join(', ')} and ${names.length - most} more`;
}

/**
 * The hint for a removal refused before it started: a pod given to `rm` (`pod rm` removes it), a
 * container given to `pod rm` (`rm` does).
 */
export function refusalHints(error: PodgraphError, kind: ItemKind, graph: ContainerGraph, options: RemoveOptions): string[] {
  const name = unknownTarget(error, options);
  if (name === undefined) return [];
  if (kind === 'container' && graph.pod(name) !== undefined)
    return [`hint: ${name} is a pod: podgraph pod rm ${name} removes it with its containers`];
  if (kind === 'pod' && graph.container(name) !== undefined) return [`hint: ${name} is a container: podgraph rm ${name} removes it`];
  return [];
}

/**
 * Hints for what a removal left: the flag that would have removed it (`--depend` for a container
 * with dependents not selected, `-f` for a running one), and for an item blocked by another's
 * failure, which one (the infra container of a pod stays because a member could not go).
 */
export function removalHints(report: RemovalReport): string[] {
  const byError = new Map<PodgraphError, string>();
  for (const [id, error] of [...report.containers, ...report.pods]) if (error !== null) byError.set(error, id);
  const dependents: string[] = [];
  const running: string[] = [];
  const blocked: string[] = [];
  for (const [id, error] of report.containers) {
    if (error === null) continue;
    if (error.code === 'CTR_EXISTS') dependents.push(shownName(report, id));
    if (error.code === 'CTR_STATE_INVALID') running.push(shownName(report, id));
    if (error.code === 'DEPENDENCY_FAILED') {
      const cause = byError.get(error.cause as PodgraphError);
      if (cause !== undefined)
        blocked.push(`${shownName(report, id)} stays because ${shownName(report, cause)}, which depends on it, could not be removed`);
    }
  }
  const hints: string[] = [];
  if (dependents.length > 0) {
    hints.push(
      `hint: ${listed(dependents)} ${dependents.length === 1 ? 'has' : 'have'} dependents that were not selected: --depend removes them too`,
    );
  }
  if (running.length > 0)
    hints.push(
      `hint: ${listed(running)} ${running.length === 1 ? 'is' : 'are'} running: -f stops and removes ${running.length === 1 ? 'it' : 'them'}`,
    );
  for (const line of blocked.slice(0, 5)) hints.push(`hint: ${line}`);
  return hints;
}

/** `podgraph: removed 17 containers and 3 pods in 0.8 s; 2 failed: web, db`. */
export function summaryLine(report: RemovalReport, elapsedMs: number): string {
  let containers = 0;
  let pods = 0;
  const failed: string[] = [];
  const aborted: string[] = [];
  for (const [kind, entries] of [
    ['container', report.containers],
    ['pod', report.pods],
  ] as const) {
    for (const [id, error] of entries) {
      if (error === null) {
        if (kind === 'pod') pods++;
        else containers++;
      } else if (rootCause(error).code === 'ABORTED') aborted.push(shownName(report, id));
      else failed.push(shownName(report, id));
    }
  }
  const parts = [`podgraph: removed ${plural(containers, 'container')} and ${plural(pods, 'pod')} in ${(elapsedMs / 1000).toFixed(1)} s`];
  if (failed.length > 0) parts.push(`${failed.length} failed: ${listed(failed)}`);
  if (aborted.length > 0) parts.push(`${aborted.length} not attempted`);
  return parts.join('; ');
}
