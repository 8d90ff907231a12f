/**
 * podman 5's `pod rm --pod-id-file`: each file on its own. A file that cannot be read, an id that
 * names no pod (unless `-i` or `-f`), and the pod's own failure are that file's errors, printed in
 * the files' order with the rest still removed; a file whose pod is gone afterwards (removed, or
 * missing and ignored) is deleted, except in a rehearsal on a spec file. podman removes the files' pods one after another; podgraph
 * removes them in one run, as it does named pods.
 */
import type { ContainerGraph, RemovalReport } from '../index.js';
import { CliError, EXIT } from './cli-error.js';
import type { Dialect } from './dialect.js';
import { deleteIdFile } from './id-files.js';
import type { PodIdFile } from './options.js';
import { errorBlocks } from './output.js';
import { resolveTargets } from './targets.js';

export interface PodIdFileTarget {
  file: string;
  /** The pod it names, when the graph has one that no earlier file named. */
  podId?: string;
  /** Why it names no pod to remove, in podman's words, and the exit code that gives; none for a missing pod ignored. */
  error?: CliError;
}

/** Each file's pod, or its error; a pod a file names is removed once, the next file naming it finds it gone. */
export function resolvePodIdFiles(
  files: readonly PodIdFile[],
  graph: ContainerGraph,
  dialect: Dialect,
  ignore: boolean,
): PodIdFileTarget[] {
  const claimed = new Set<string>();
  return files.map((entry): PodIdFileTarget => {
    if ('error' in entry) return { file: entry.file, error: new CliError(entry.error) };
    let podId: string | undefined;
    try {
      const [ref] = resolveTargets(graph, 'pod', [entry.id], dialect).refs;
      podId = graph.pod(ref)?.id;
    } catch (error) {
      if (error instanceof CliError) return { file: entry.file, error };
      throw error;
    }
    if (podId !== undefined && !claimed.has(podId)) {
      claimed.add(podId);
      return { file: entry.file, podId };
    }
    if (ignore) return { file: entry.file };
    const isContainer = graph.container(entry.id)?.name === entry.id;
    return { file: entry.file, error: new CliError(dialect.noSuchPod(entry.id, isContainer), EXIT.noSuch) };
  });
}

/** The first file's error, for a command that stops at it (`plan`). */
export function firstPodIdFileError(targets: readonly PodIdFileTarget[]): CliError | undefined {
  return targets.find((target) => target.error !== undefined)?.error;
}

/**
 * After the removal: each file's `Error:` blocks in the files' order, the files whose pod is gone
 * deleted (unless `keepFiles`: a rehearsal on a spec file changes no file), and whether a pod was
 * missing (podman's exit 1).
 */
export function finishPodIdFiles(
  targets: readonly PodIdFileTarget[],
  graph: ContainerGraph,
  report: RemovalReport,
  dialect: Dialect,
  keepFiles: boolean,
): { blocks: string[]; noSuch: boolean } {
  const blocks: string[] = [];
  let noSuch = false;
  for (const { file, podId, error } of targets) {
    if (error !== undefined) {
      blocks.push(`Error: ${error.message}`);
      noSuch ||= error.exitCode === EXIT.noSuch;
      continue;
    }
    const outcome = podId === undefined ? null : report.pods.get(podId);
    if (outcome === null) {
      const failure = keepFiles ? undefined : deleteIdFile(file);
      if (failure !== undefined) blocks.push(`Error: ${failure}`);
    } else if (podId !== undefined) {
      blocks.push(...errorBlocks('pod', graph, report, dialect, [podId]));
    }
  }
  return { blocks, noSuch };
}
