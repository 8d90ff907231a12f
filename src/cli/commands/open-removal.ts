/** What `rm`, `pod rm` and `plan` share: the flags checked, the graph read, the names resolved. */
import type { RemoveOptions } from '../../removal/options.js';
import { type RemovalFlags, removalRequest, removeOptionsOf, type TargetKind } from '../options.js';
import { openSource, type Source, type SourceFlags } from '../source.js';
import { resolveTargets, type Targets } from '../targets.js';

export interface OpenRemoval {
  source: Source;
  targets: Targets;
  /** The removal's options, without runtime, signal or listener. */
  options: RemoveOptions;
}

/** podman's argument errors first, before anything is read; the caller closes `source`. */
export async function openRemoval(kind: TargetKind, names: string[], flags: RemovalFlags & SourceFlags): Promise<OpenRemoval> {
  const request = removalRequest(kind, names, flags);
  const source = await openSource(flags);
  try {
    const targets = resolveTargets(source.graph, kind, request.names, request.ignore);
    return { source, targets, options: removeOptionsOf(request, targets.refs, source.graph.podIds()) };
  } catch (error) {
    source.close();
    throw error;
  }
}
