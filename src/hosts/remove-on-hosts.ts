/**
 * One removal on several hosts at once: each host its own graph (read from its runtime), its
 * own removeGraph call and concurrency bound, all in parallel; one result per host. Hosts share
 * nothing (podman has no dependencies across hosts), so a host that cannot be read or refuses
 * the options does not stop the others: its result carries the error instead of a report.
 */
import { PodgraphError } from '../errors.js';
import { ContainerGraph } from '../graph/container-graph.js';
import type { RemoveOptions } from '../removal/options.js';
import { removeGraph } from '../removal/remove-graph.js';
import type { RemovalReport } from '../removal/report.js';
import type { Runtime } from '../runtime/runtime.js';

export interface HostRemoval {
  /** The removal's report, when the host's graph was read and the removal ran. */
  report: RemovalReport | undefined;
  /** Why there is no report: the graph could not be read, or removeGraph rejected the call. */
  error: PodgraphError | undefined;
  /** True when the report is ok. */
  ok: boolean;
}

/**
 * Removes on every host at once with the same options (`runtime` aside: each host's is its own),
 * resolving with one result per host, in the order given. `hosts` maps a name (a podman
 * connection's, say) to its runtime.
 */
export async function removeOnHosts(
  hosts: ReadonlyMap<string, Runtime> | Readonly<Record<string, Runtime>>,
  options: Omit<RemoveOptions, 'runtime'>,
): Promise<Map<string, HostRemoval>> {
  const entries = hosts instanceof Map ? [...hosts] : Object.entries(hosts as Record<string, Runtime>);
  const results = await Promise.all(
    entries.map(async ([name, runtime]): Promise<[string, HostRemoval]> => {
      try {
        const graph = await ContainerGraph.fromRuntime(runtime);
        const report = await removeGraph(graph, { ...options, runtime });
        return [name, { report, error: undefined, ok: report.ok }];
      } catch (error) {
        const failure =
          error instanceof PodgraphError
            ? error
            : new PodgraphError('RUNTIME', `host ${name}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
        return [name, { report: undefined, error: failure, ok: false }];
      }
    }),
  );
  return new Map(results);
}
