/**
 * podgraph on a real Docker daemon (a private dockerd, test/support/docker-sandbox.ts; never the
 * host's), for each Docker of the engine matrix, against the two ways people tear down a Docker host:
 * - `docker rm -f $(docker ps -aq)`: everything at once (the docker CLI removes its arguments in
 *   parallel), in no order;
 * - compose's: each project level by level of its `depends_on` labels, dependents first, the
 *   projects in parallel (what `docker compose down` does for each), and the containers compose
 *   knows nothing of at once.
 * The host is built afresh through the API before each removal (test/support/large-fixture.ts):
 * fixture 45, 10 compose projects of 4 running services (web -> api -> db, cache) and a 5-level
 * `--network container:` chain; fixture 1000, 80 projects of 10 services with depends_on chains
 * 1 to 10 deep and some on another service's network, and 40 `--network container:` chains of 5,
 * half of it running. For each: wall time, and what it left broken by Docker's own destroy
 * events (each dependent whose dependency was destroyed before it). podgraph must break none.
 *
 *   npm run bench:docker                                    # docker20 then docker28, fixture 45, 3 rounds
 *   npm run bench:docker -- --engine docker28 --fixture 1000 --rounds 1
 *   npm run bench:docker -- --offline                       # the offline rehearsal alone (MemoryRuntime, Docker's rules)
 */
import { ContainerGraph, DockerRuntime, defaultConcurrency, MemoryRuntime, type Runtime, removeGraph } from 'podgraph';
import { type Broken, brokenByEvents } from '../test/support/docker-events.ts';
import {
  COMPOSE_DEPENDS_ON,
  COMPOSE_PROJECT,
  COMPOSE_SERVICE,
  composeDependencies,
  dockerFixtureSpec,
} from '../test/support/docker-fixtures.ts';
import { DockerSandbox, dockerUnavailable } from '../test/support/docker-sandbox.ts';
import { engine as engineNamed } from '../test/support/engines.ts';
import { type BuiltHost, buildInDocker, describeDockerHost, dockerHost } from '../test/support/large-fixture.ts';
import { type EngineBenchArgs, engineBenchArgs, header, Output, rotated, seconds, spread } from './engine-bench.ts';
import { median, table } from './measure.ts';
import { seededRandom } from './shapes.ts';

type EngineId = 'docker20' | 'docker28';
type Size = 45 | 1000;

/** A removal of the whole host; `sandbox` is there on a real daemon, undefined in the offline rehearsal. */
type Strategy = (runtime: Runtime, graph: ContainerGraph, sandbox: DockerSandbox | undefined) => Promise<void>;

/** podgraph's removal, its read included, at a concurrency (undefined: the default). */
const podgraph =
  (concurrency?: number): Strategy =>
  async (runtime) => {
    const graph = await ContainerGraph.fromRuntime(runtime);
    const report = await removeGraph(graph, { all: true, force: true, ...(concurrency === undefined ? {} : { concurrency }) });
    if (!report.ok) {
      const failed = [...report.containers].filter(([, error]) => error !== null);
      throw new Error(`podgraph left ${failed.length} containers, e.g. ${failed[0]?.[0]}: ${failed[0]?.[1]?.message}`);
    }
  };

/**
 * compose's order: in each project, its services level by level of their `depends_on` labels
 * (dependents first, the services of a level at once), every project at once, and the
 * containers of no project at once.
 */
const composeOrder: Strategy = async (runtime, graph) => {
  const remove = (id: string) => runtime.removeContainer(id, { force: true });
  const labels = (id: string) => graph.container(id)!.labels ?? {};
  const byProject = new Map<string, string[]>();
  const plain: string[] = [];
  for (const id of graph.containerIds()) {
    const project = labels(id)[COMPOSE_PROJECT];
    if (project === undefined) plain.push(id);
    else byProject.set(project, [...(byProject.get(project) ?? []), id]);
  }
  const down = async (ids: string[]) => {
    const service = (id: string) => labels(id)[COMPOSE_SERVICE]!;
    const dependsOn = new Map(ids.map((id) => [service(id), composeDependencies(labels(id)[COMPOSE_DEPENDS_ON] ?? '')]));
    // A service's level: 0 when nothing depends on it, else one more than its dependents' highest (relaxed until settled).
    const level = new Map([...dependsOn.keys()].map((name) => [name, 0]));
    for (let changed = true; changed; ) {
      changed = false;
      for (const [dependent, on] of dependsOn) {
        for (const name of on) {
          if (level.has(name) && level.get(name)! < level.get(dependent)! + 1) {
            level.set(name, level.get(dependent)! + 1);
            changed = true;
          }
        }
      }
    }
    const levels: string[][] = [];
    for (const id of ids) (levels[level.get(service(id))!] ??= []).push(id);
    for (const ofLevel of levels) if (ofLevel) await Promise.all(ofLevel.map(remove));
  };
  await Promise.all([...[...byProject.values()].map(down), ...plain.map(remove)]);
};

/** The removals, each with a short name for the per-round line. */
const strategies: { name: string; short: string; remove: Strategy }[] = [
  {
    name: `podgraph \`removeGraph\` (all, force; its read included), concurrency ${defaultConcurrency()} (the default)`,
    short: 'podgraph',
    remove: podgraph(),
  },
  { name: 'podgraph, concurrency Infinity', short: 'podgraph-infinity', remove: podgraph(Number.POSITIVE_INFINITY) },
  {
    name: '`docker rm -f $(docker ps -aq)`',
    short: 'rm-f',
    // Offline, the same: every removal at once, newest first as `docker ps` lists them.
    remove: async (runtime, graph, sandbox) => {
      if (sandbox === undefined) {
        await Promise.all(
          graph
            .containerIds()
            .reverse()
            .map((id) => runtime.removeContainer(id, { force: true })),
        );
        return;
      }
      const ids = (await sandbox.docker('ps', '-aq')).split('\n').filter(Boolean);
      await sandbox.docker('rm', '-f', ...ids);
    },
  },
  { name: "compose's: per project, level by level of depends_on; the rest at once", short: 'compose', remove: composeOrder },
];

interface Run {
  ms: number;
  broken: Broken[];
  build: BuiltHost;
}

async function once(sandbox: DockerSandbox, size: Size, strategy: Strategy): Promise<Run> {
  await sandbox.clear();
  const build = await buildInDocker(sandbox, dockerHost(size));
  const runtime = new DockerRuntime({ url: sandbox.url });
  // Its own runtime for the removal, so podgraph's read pays for its connection as a new process would.
  const removing = new DockerRuntime({ url: sandbox.url });
  try {
    // The graph as it was, for the destroy events to be judged against (read untimed; podgraph reads again).
    const graph = await ContainerGraph.fromRuntime(runtime);
    const before = (await sandbox.destroyEvents()).length;
    const started = performance.now();
    await strategy(removing, graph, sandbox);
    const ms = performance.now() - started;
    const left = await sandbox.docker('ps', '-aq');
    if (left !== '') throw new Error(`${left.split('\n').length} containers are left`);
    return { ms, broken: brokenByEvents(graph, (await sandbox.destroyEvents()).slice(before)), build };
  } finally {
    removing.close();
    runtime.close();
  }
}

/**
 * The same host and strategies on MemoryRuntime with Docker's rules: each removal takes 200 to
 * 400 ms (seeded; about what dockerd takes to remove a running container here, and as uneven, so
 * removals started together end in any order): no daemon needed, and the broken dependents come
 * from the runtime's own record (`brokenDependents()`).
 */
async function rehearse(output: Output, size: Size): Promise<void> {
  output.line(`## Offline rehearsal: fixture ${size} on MemoryRuntime with Docker's rules, 200-400 ms a removal (seeded)\n`);
  const rows: string[][] = [];
  for (const { name, remove: strategy } of strategies) {
    const random = seededRandom(7);
    const runtime = new MemoryRuntime(dockerFixtureSpec(dockerHost(size)), {
      rules: 'docker',
      latency: () => 200 + 200 * random(),
      log: false,
    });
    const graph = await ContainerGraph.fromRuntime(runtime);
    const started = performance.now();
    await strategy(runtime, graph, undefined);
    rows.push([name, seconds(performance.now() - started), `${runtime.brokenDependents().length}`]);
  }
  output.line(table(['removal', 'wall time', 'dependents left broken'], ['l', 'r', 'r'], rows));
  output.line();
}

async function benchEngine(id: EngineId, args: EngineBenchArgs<EngineId, Size>, output: Output): Promise<boolean> {
  const engine = engineNamed(id);
  const unavailable = dockerUnavailable(engine);
  if (unavailable !== undefined) {
    output.line(`## ${engine.label}: skipped (${unavailable})\n`);
    return true;
  }
  const fixture = dockerHost(args.fixture);
  const results = new Map<string, Run[]>(strategies.map(({ short }) => [short, []]));
  const sandbox = await DockerSandbox.start(engine);
  try {
    for (let round = 0; round < args.rounds; round++) {
      for (const { short, remove } of rotated(strategies, round)) {
        output.progress(`${engine.label}, fixture ${args.fixture}, round ${round + 1}/${args.rounds}: ${short}`);
        const run = await once(sandbox, args.fixture, remove);
        results.get(short)!.push(run);
        output.progress(`  ${seconds(run.ms)}, ${run.broken.length} broken (built in ${seconds(run.build.ms)})`);
      }
    }
  } finally {
    await sandbox.dispose().catch((error: unknown) => output.line(`**The sandbox's own check failed**: ${String(error)}\n`));
  }
  const spec = dockerFixtureSpec(fixture);
  const edges = spec.containers!.reduce((sum, c) => sum + (c.dependsOn?.length ?? 0), 0);
  const builds = [...results.values()].flat().map((run) => run.build);
  output.line(`## ${engine.label}, fixture ${args.fixture}\n`);
  output.line(
    `${describeDockerHost(fixture)}; ${edges} dependency edges. Median of ${args.rounds} round${args.rounds === 1 ? '' : 's'}, removals rotated each round. ` +
      `Built through the API before every removal, 8 requests in flight: ${spread(builds.map((b) => b.ms))}, ${builds[0]!.requests} requests.\n`,
  );
  const rmF = median(results.get('rm-f')!.map((run) => run.ms));
  output.line(
    table(
      ['removal', 'wall time, median (min-max)', 'ratio to `docker rm -f`', 'dependents left broken (median)', 'e.g.'],
      ['l', 'r', 'r', 'r', 'l'],
      strategies.map(({ name, short }) => {
        const runs = results.get(short)!;
        return [
          name,
          spread(runs.map((run) => run.ms)),
          `${(median(runs.map((run) => run.ms)) / rmF).toFixed(2)}×`,
          `${median(runs.map((run) => run.broken.length))}`,
          runs
            .flatMap((run) => run.broken)
            .slice(0, 2)
            .map((b) => `${b.container} lost ${b.lost}`)
            .join('; '),
        ];
      }),
    ),
  );
  output.line();
  output.line(
    `Rounds (s): ${[...results].map(([short, runs]) => `${short} ${runs.map((run) => (run.ms / 1000).toFixed(2)).join(', ')}`).join('; ')}\n`,
  );
  const podgraphBroke = [...results]
    .filter(([name]) => name.startsWith('podgraph'))
    .some(([, runs]) => runs.some((run) => run.broken.length > 0));
  if (podgraphBroke) output.line('**podgraph broke a dependent**: see the table.\n');
  return !podgraphBroke;
}

const args = engineBenchArgs('bench:docker', ['docker20', 'docker28'] as const, [45, 1000] as const, ['offline']);
const output = new Output(args.out);
header(output, 'bench:docker', "podgraph on Docker against `docker rm -f` of everything and compose's order");
// The rehearsal at 1000 takes minutes (podgraph at concurrency 7, 300 ms a removal): only when asked.
if (args.fixture === 45 || args.flags.offline) await rehearse(output, args.fixture);
if (!args.flags.offline) {
  let clean = true;
  for (const id of args.engines) clean = (await benchEngine(id, args, output)) && clean;
  if (!clean) process.exitCode = 1;
}
