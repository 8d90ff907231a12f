/**
 * podgraph on a real Docker daemon (a private dockerd, test/support/docker-sandbox.ts; never the
 * host's), against the two ways people tear down a Docker host:
 * - `docker rm -f $(docker ps -aq)`: everything at once (the docker CLI removes its arguments in
 *   parallel), in no order;
 * - compose's: each project level by level, dependents first, the projects in parallel (what
 *   `docker compose down` does for each), and the containers compose knows nothing of at once.
 * The host, built afresh before each removal: 10 compose-labelled projects of 4 running services
 * (web -> api -> db, cache) and a 5-level `--network container:` chain of running containers.
 * For each: wall time (median of the rounds), and what it left broken by Docker's own destroy
 * events: each dependent whose dependency was destroyed before it. The order has a price the
 * others do not pay: the chain's five removals go one after another (a forced removal of a
 * running container takes about 0.3 s on this dockerd), where the others remove it at once.
 *
 *   npm run bench:docker          # 3 rounds
 *   npm run bench:docker -- 5     # rounds
 *   npm run bench:docker -- 1 offline   # the offline rehearsal alone (MemoryRuntime, Docker's rules)
 */
import { ContainerGraph, DockerRuntime, defaultConcurrency, MemoryRuntime, type Runtime, removeGraph } from 'podgraph';
import { type Broken, brokenByEvents } from '../test/support/docker-events.ts';
import { createInDocker, type DockerFixture, dockerFixtureSpec } from '../test/support/docker-fixtures.ts';
import { DockerSandbox, dockerUnavailable } from '../test/support/docker-sandbox.ts';
import { median } from './measure.ts';
import { seededRandom } from './shapes.ts';

const PROJECTS = 10;
const CHAIN = 5;
/** compose's order inside a project: the levels of its depends_on, dependents first. */
const LEVELS = [['web'], ['api'], ['db', 'cache']];

function host(): DockerFixture {
  const containers: DockerFixture['containers'] = [];
  for (let p = 0; p < PROJECTS; p++) {
    const project = `shop${p}`;
    const service = (name: string, dependsOn: string) => ({
      name: `${project}-${name}-1`,
      running: true,
      compose: { project, service: name, dependsOn },
    });
    containers.push(service('db', ''), service('cache', ''), service('api', 'db:service_started:false,cache:service_started:false'));
    containers.push(service('web', 'api:service_started:false'));
  }
  for (let i = 0; i < CHAIN; i++) containers.push({ name: `vpn${i}`, running: true, ...(i > 0 ? { networkOf: `vpn${i - 1}` } : {}) });
  return { containers };
}

interface Run {
  ms: number;
  broken: Broken[];
}

/** A removal of the whole host; `sandbox` is there on a real daemon, undefined in the offline rehearsal. */
type Strategy = (runtime: Runtime, graph: ContainerGraph, sandbox: DockerSandbox | undefined) => Promise<void>;

/** podgraph's removal, its inspect included, at a concurrency (undefined: the default). */
const podgraph =
  (concurrency?: number): Strategy =>
  async (runtime) => {
    const graph = await ContainerGraph.fromRuntime(runtime);
    const report = await removeGraph(graph, { all: true, force: true, ...(concurrency === undefined ? {} : { concurrency }) });
    if (!report.ok) throw new Error('podgraph left something');
  };

const strategies: Record<string, Strategy> = {
  [`podgraph \`removeGraph\` (all, force; its inspect included), concurrency ${defaultConcurrency()} (the default)`]: podgraph(),
  'podgraph, concurrency Infinity': podgraph(Number.POSITIVE_INFINITY),
  // Offline, the same: every removal at once, newest first as `docker ps` lists them.
  '`docker rm -f $(docker ps -aq)`': async (runtime, graph, sandbox) => {
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
  "compose's: per project, level by level; the rest at once": async (runtime, graph) => {
    const remove = (id: string) => runtime.removeContainer(id, { force: true });
    const ids = graph.containerIds();
    const labels = (id: string) => graph.container(id)!.labels ?? {};
    const projects = [...new Set(ids.map((id) => labels(id)['com.docker.compose.project']).filter((p) => p !== undefined))];
    const down = async (project: string) => {
      for (const level of LEVELS) {
        const inLevel = ids.filter(
          (id) => labels(id)['com.docker.compose.project'] === project && level.includes(labels(id)['com.docker.compose.service']!),
        );
        await Promise.all(inLevel.map(remove));
      }
    };
    const plain = ids.filter((id) => labels(id)['com.docker.compose.project'] === undefined);
    await Promise.all([...projects.map(down), ...plain.map(remove)]);
  },
};

async function once(sandbox: DockerSandbox, runtime: DockerRuntime, strategy: Strategy): Promise<Run> {
  await sandbox.clear();
  await createInDocker(sandbox, host());
  const graph = await ContainerGraph.fromRuntime(runtime);
  const before = (await sandbox.destroyEvents()).length;
  const started = performance.now();
  await strategy(runtime, graph, sandbox);
  const ms = performance.now() - started;
  if ((await sandbox.docker('ps', '-aq')) !== '') throw new Error('containers are left');
  return { ms, broken: brokenByEvents(graph, (await sandbox.destroyEvents()).slice(before)) };
}

/**
 * The same host and strategies on MemoryRuntime with Docker's rules: each removal takes 200 to
 * 400 ms (seeded; about what this dockerd takes to remove a running container, and as uneven, so
 * removals started together end in any order): no daemon needed, and the broken dependents come
 * from the runtime's own record (`brokenDependents()`).
 */
async function rehearse(): Promise<void> {
  console.log("Offline rehearsal: the same host on MemoryRuntime with Docker's rules, 200-400 ms a removal (seeded)\n");
  console.log('| removal | wall time | dependents left broken |');
  console.log('|---|---:|---:|');
  for (const [name, strategy] of Object.entries(strategies)) {
    const random = seededRandom(7);
    const runtime = new MemoryRuntime(dockerFixtureSpec(host()), { rules: 'docker', latency: () => 200 + 200 * random(), log: false });
    const graph = await ContainerGraph.fromRuntime(runtime);
    const started = performance.now();
    await strategy(runtime, graph, undefined);
    const ms = performance.now() - started;
    console.log(`| ${name} | ${(ms / 1000).toFixed(2)} s | ${runtime.brokenDependents().length} |`);
  }
  console.log();
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  await rehearse();
  if (process.argv.includes('offline')) return;
  const unavailable = dockerUnavailable();
  if (unavailable !== undefined) {
    console.log(`On a real dockerd: skipped (${unavailable})`);
    return;
  }
  const sandbox = await DockerSandbox.start();
  const runtime = new DockerRuntime({ url: sandbox.url });
  try {
    const version = JSON.stringify(((await sandbox.api('GET', '/version')).body as { Version?: string }).Version);
    const results = new Map<string, Run[]>();
    for (let round = 0; round < rounds; round++) {
      for (const [name, strategy] of Object.entries(strategies))
        results.set(name, [...(results.get(name) ?? []), await once(sandbox, runtime, strategy)]);
    }
    const total = PROJECTS * 4 + CHAIN;
    console.log(
      `Docker ${version}, ${PROJECTS} compose projects x 4 running services + a ${CHAIN}-level --network container: chain (${total} containers, ${PROJECTS * 3 + CHAIN - 1} dependency edges), median of ${rounds} rounds\n`,
    );
    console.log('| removal | wall time | dependents left broken (median) | e.g. |');
    console.log('|---|---:|---:|---|');
    const base = median(
      results
        .values()
        .next()
        .value!.map((r) => r.ms),
    );
    for (const [name, runs] of results) {
      const ms = median(runs.map((r) => r.ms));
      const broken = median(runs.map((r) => r.broken.length));
      const example = runs
        .flatMap((r) => r.broken)
        .slice(0, 2)
        .map((b) => `${b.container} lost ${b.lost}`)
        .join('; ');
      console.log(`| ${name} | ${(ms / 1000).toFixed(2)} s (${(ms / base).toFixed(2)}x) | ${broken} | ${example} |`);
    }
  } finally {
    runtime.close();
    await sandbox.dispose();
  }
}

await main();
