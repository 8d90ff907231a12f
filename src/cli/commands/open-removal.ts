/** What `rm`, `pod rm` and `plan` share: the flags checked, the graph read, the names resolved. */
import type { ItemKind, RemoveOptions } from '../../index.js';
import { type RemovalFlags, type RemovalRequest, removalRequest, removeOptionsOf } from '../options.js';
import { type PodIdFileTarget, resolvePodIdFiles } from '../pod-id-files.js';
import { openSource, type Source, type SourceFlags } from '../source.js';
import { resolveTargets, type Targets } from '../targets.js';

export interface OpenRemoval {
  request: RemovalRequest;
  source: Source;
  targets: Targets;
  /** The removal's options, without runtime, signal or listener. */
  options: RemoveOptions;
  /** `pod rm --pod-id-file`: each file's pod or error, in order (the options name only their pods). */
  podIdFiles: PodIdFileTarget[];
}

/** podman's argument errors first, before anything is read; the caller closes `source`. */
export async function openRemoval(kind: ItemKind, names: string[], flags: RemovalFlags & SourceFlags): Promise<OpenRemoval> {
  const request = removalRequest(kind, names, flags);
  const source = await openSource(flags);
  try {
    const { graph, dialect } = source;
    if (request.podIdFiles.length > 0) {
      const podIdFiles = resolvePodIdFiles(request.podIdFiles, graph, dialect, request.ignore);
      const pods = podIdFiles.flatMap((target) => (target.podId === undefined ? [] : [target.podId]));
      const targets: Targets = { refs: pods, typed: new Map() };
      return { request, source, targets, options: removeOptionsOf(request, pods, graph.podIds()), podIdFiles };
    }
    const targets = resolveTargets(graph, kind, request.names, dialect);
    return { request, source, targets, options: removeOptionsOf(request, targets.refs, graph.podIds()), podIdFiles: [] };
  } catch (error) {
    await source.close();
    throw error;
  }
}
