/**
 * Where a command works: a real podman or Docker (`-c/--connection`, `--context`, `--url`, `-H`,
 * else where their own CLIs would connect; `engine.ts` says which) or a graph in a file
 * (`--spec`), removed on the in-memory runtime: a rehearsal, which changes nothing outside the
 * process (the file itself is never changed).
 */
import { PodgraphError } from '../errors.js';
import { ContainerGraph, DockerRuntime, MemoryRuntime, type Runtime } from '../index.js';
import { CliError } from './cli-error.js';
import { anyConnectionFlag, type ConnectionFlags } from './connection-flags.js';
import { type Dialect, dialectOf, NEWEST } from './dialect.js';
import { type EngineRuntime, openEngine, whereLine } from './engine.js';
import { loadSpecFile } from './spec-file.js';

export interface SourceFlags extends ConnectionFlags {
  spec?: string;
  /** Milliseconds per in-memory call (`--spec` only): slow demos and interrupt tests. */
  latency?: number;
}

/** Where a command worked, as `--json` reports it. */
export interface SourceJson {
  engine: 'podman' | 'docker' | 'memory';
  version?: string;
  url?: string;
  connection?: string;
  context?: string;
  /** podgraph started the podman service for the command (and stopped it). */
  startedService?: true;
  /** `--spec`: a rehearsal in memory; nothing outside the process changed. */
  simulated?: true;
  spec?: string;
}

export interface Source {
  graph: ContainerGraph;
  runtime: Runtime;
  /** `spec FILE` or `podman at URL`, for messages. */
  description: string;
  /** The stderr line that says where (and for `--spec`, that nothing outside the process changes). */
  where: string;
  /** The same for `--json`. */
  json: SourceJson;
  /** The words of the podman it talks to (known once the graph was read); Docker and `--spec` get the newest. */
  dialect: Dialect;
  /** `--spec`: a rehearsal in memory, which changes no file (`pod rm --pod-id-file` deletes none). */
  inMemory: boolean;
  /** Releases the runtime's connections, and stops a podman service podgraph started. */
  close(): Promise<void>;
}

export async function openSource(flags: SourceFlags): Promise<Source> {
  const connectionFlag = anyConnectionFlag(flags);
  if (connectionFlag !== undefined && flags.spec !== undefined) throw new CliError(`${connectionFlag} and --spec cannot be used together`);
  if (flags.spec !== undefined) {
    const { graph } = loadSpecFile(flags.spec);
    const runtime = new MemoryRuntime(graph, { latency: flags.latency ?? 0, log: false });
    const shown = flags.spec === '-' ? 'stdin' : flags.spec;
    return {
      graph,
      runtime,
      description: `spec ${flags.spec}`,
      where: `podgraph: a rehearsal on ${shown}, in memory: nothing outside this process changes`,
      json: { engine: 'memory', simulated: true, spec: flags.spec },
      dialect: NEWEST,
      inMemory: true,
      close: async () => undefined,
    };
  }
  if (flags.latency !== undefined) throw new CliError('--latency applies to --spec only: a real podman takes its own time');
  let runtime: EngineRuntime;
  try {
    runtime = await openEngine(flags);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message;
    throw new CliError(connectionFlag === undefined ? message : `${connectionFlag}: ${message}`);
  }
  const where = destinationText(runtime);
  try {
    const graph = await ContainerGraph.fromRuntime(runtime);
    const dialect = runtime instanceof DockerRuntime ? NEWEST : dialectOf(runtime.version);
    return {
      graph,
      runtime,
      description: where,
      where: whereLine(runtime),
      json: jsonOf(runtime),
      dialect,
      inMemory: false,
      close: () => runtime.close(),
    };
  } catch (error) {
    await runtime.close();
    const message = error instanceof PodgraphError || error instanceof Error ? error.message : String(error);
    // A failure of the connection names the service and its URL already.
    throw new CliError(
      error instanceof PodgraphError && error.url !== undefined
        ? `cannot read the containers: ${message}`
        : `cannot read the containers of ${where}: ${message}`,
    );
  }
}

/** `podman at URL (connection NAME)` or `Docker at URL (context NAME)`, for messages. */
function destinationText(runtime: EngineRuntime): string {
  if (runtime instanceof DockerRuntime) {
    const context = runtime.destination.context;
    return `Docker at ${runtime.url}${context === undefined ? '' : ` (context ${context})`}`;
  }
  return `podman at ${runtime.url}${runtime.connection === undefined ? '' : ` (connection ${runtime.connection})`}`;
}

function jsonOf(runtime: EngineRuntime): SourceJson {
  const json: SourceJson = { engine: runtime instanceof DockerRuntime ? 'docker' : 'podman', url: runtime.url };
  if (runtime.version !== undefined) json.version = runtime.version;
  if (runtime instanceof DockerRuntime) {
    if (runtime.destination.context !== undefined) json.context = runtime.destination.context;
  } else {
    if (runtime.connection !== undefined) json.connection = runtime.connection;
    if (runtime.destination.source === 'started service') json.startedService = true;
  }
  return json;
}
