/**
 * Where a command works: a real podman or Docker (`-c/--connection`, `--context`, `--url`, `-H`,
 * else where their own CLIs would connect; `engine.ts` says which) or a graph in a file
 * (`--spec`), removed on the in-memory runtime: a dry run or a demo, the file itself is never changed.
 */
import { PodgraphError } from '../errors.js';
import { ContainerGraph } from '../graph/container-graph.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { MemoryRuntime } from '../runtime/memory/memory-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { DOCKER_SERVICE, PODMAN_SERVICE } from '../runtime/service/service-name.js';
import { CliError } from './cli-error.js';
import { anyConnectionFlag, type ConnectionFlags } from './connection-flags.js';
import { type Dialect, dialectOf, NEWEST } from './dialect.js';
import { type EngineRuntime, openEngine, type RuntimeTuning } from './engine.js';
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
  /** The words of the podman it talks to (known once the graph was read); Docker and `--spec` get the newest. */
  dialect: Dialect;
  /** `--spec`: a rehearsal in memory, which changes no file (`pod rm --pod-id-file` deletes none). */
  inMemory: boolean;
  /** Releases the runtime's connections. */
  close(): void;
}

export async function openSource(flags: SourceFlags, tuning: RuntimeTuning = {}): Promise<Source> {
  const connectionFlag = anyConnectionFlag(flags);
  if (connectionFlag !== undefined && flags.spec !== undefined) throw new CliError(`${connectionFlag} and --spec cannot be used together`);
  if (flags.spec !== undefined) {
    const { graph } = loadSpecFile(flags.spec);
    const runtime = new MemoryRuntime(graph, { latency: flags.latency ?? 0, log: false });
    return { graph, runtime, description: `spec ${flags.spec}`, dialect: NEWEST, inMemory: true, close: () => undefined };
  }
  if (flags.latency !== undefined) throw new CliError('--latency applies to --spec only: a real podman takes its own time');
  let runtime: EngineRuntime;
  try {
    runtime = await openEngine(flags, tuning);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message.replace(/^`(connection|context|url|identity)`: /, '');
    throw new CliError(connectionFlag === undefined ? message : `${connectionFlag}: ${message}`);
  }
  const where = placeOf(runtime);
  try {
    const graph = await ContainerGraph.fromRuntime(runtime);
    const dialect = runtime instanceof DockerRuntime ? NEWEST : dialectOf(runtime.version);
    return { graph, runtime, description: where, dialect, inMemory: false, close: () => runtime.close() };
  } catch (error) {
    runtime.close();
    const message = error instanceof PodgraphError || error instanceof Error ? error.message : String(error);
    // The runtime's own messages already say where (`podman service at URL (connection NAME): ...`).
    throw new CliError(
      [PODMAN_SERVICE, DOCKER_SERVICE].some((service) => message.startsWith(`${service.label} at `))
        ? `cannot read the containers: ${message}`
        : `cannot read the containers of ${where}: ${message}`,
    );
  }
}

/** `podman at URL (connection NAME)` or `Docker at URL (context NAME)`, for messages. */
function placeOf(runtime: EngineRuntime): string {
  if (runtime instanceof DockerRuntime) {
    const context = runtime.destination.context;
    return `Docker at ${runtime.url}${context === undefined ? '' : ` (context ${context})`}`;
  }
  return `podman at ${runtime.url}${runtime.connection === undefined ? '' : ` (connection ${runtime.connection})`}`;
}
