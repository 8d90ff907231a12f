/**
 * Where a command works: a real podman (`-c/--connection`, `--url`, `-H`, else where
 * `podman --remote` would connect) or a graph in a file (`--spec`), removed on the in-memory
 * runtime: a dry run or a demo, the file itself is never changed.
 */
import { PodgraphError } from '../errors.js';
import { ContainerGraph } from '../graph/container-graph.js';
import { MemoryRuntime } from '../runtime/memory/memory-runtime.js';
import { PodmanRuntime } from '../runtime/podman/podman-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { CliError } from './cli-error.js';
import { anyConnectionFlag, type ConnectionFlags, runtimeOptionsOf } from './connection-flags.js';
import { loadSpecFile } from './spec-file.js';

export interface SourceFlags extends ConnectionFlags {
  spec?: string;
  /** Milliseconds per in-memory call (`--spec` only): slow demos and interrupt tests. */
  latency?: number;
}

export interface Source {
  graph: ContainerGraph;
  runtime: Runtime;
  /** `spec FILE` or `podman at URL`, for messages. */
  description: string;
  /** Releases the runtime's connections. */
  close(): void;
}

export async function openSource(flags: SourceFlags): Promise<Source> {
  const connectionFlag = anyConnectionFlag(flags);
  if (connectionFlag !== undefined && flags.spec !== undefined) throw new CliError(`${connectionFlag} and --spec cannot be used together`);
  if (flags.spec !== undefined) {
    const { graph } = loadSpecFile(flags.spec);
    const runtime = new MemoryRuntime(graph, { latency: flags.latency ?? 0, log: false });
    return { graph, runtime, description: `spec ${flags.spec}`, close: () => undefined };
  }
  if (flags.latency !== undefined) throw new CliError('--latency applies to --spec only: a real podman takes its own time');
  let runtime: PodmanRuntime;
  try {
    runtime = new PodmanRuntime(runtimeOptionsOf(flags));
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message.replace(/^`(connection|url|identity)`: /, '');
    throw new CliError(connectionFlag === undefined ? message : `${connectionFlag}: ${message}`);
  }
  const url = runtime.connection === undefined ? runtime.url : `${runtime.url} (connection ${runtime.connection})`;
  try {
    const graph = await ContainerGraph.fromRuntime(runtime);
    return { graph, runtime, description: `podman at ${url}`, close: () => runtime.close() };
  } catch (error) {
    runtime.close();
    const message = error instanceof PodgraphError || error instanceof Error ? error.message : String(error);
    // The runtime's own messages already say where (`podman service at URL (connection NAME): ...`).
    throw new CliError(
      message.startsWith('podman service at ')
        ? `cannot read the containers: ${message}`
        : `cannot read the containers of podman at ${url}: ${message}`,
    );
  }
}
