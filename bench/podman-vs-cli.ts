/**
 * podgraph against podman's own CLI and against a bare API script, on a real podman in a private
 * sandbox (test/support/podman-sandbox.ts; never the host's containers), for each podman of the
 * engine matrix. The host is built afresh through the API before every side
 * (test/support/large-fixture.ts), and every side's order is judged by podman's own event log.
 * The sides, rotated one place a round so none always goes first:
 * - `podman rm -fa -t 0`, run until nothing is left (podman 4.3 takes a chain one level a run),
 *   with a deadline: podman 5.8's local `rm -fa` hangs on pods of 8 (shared/engines.md); a run
 *   that removes nothing for 30 s, or outlives its deadline, gets SIGQUIT (its goroutine dump is
 *   saved in the run's folder) and SIGKILL, and the sandbox is cleaned before the next side;
 * - `podman pod rm -fa -t 0 && podman rm -fa -t 0`, run until nothing is left;
 * - a bare script that knows the graph (bench/bare-podman.ts): one DELETE per pod, or per member
 *   then per pod, the rest level by level, at podgraph's concurrency over one keep-alive Agent;
 * - podgraph in-process: `ContainerGraph.fromRuntime(new PodmanRuntime({ url }))` and
 *   `removeGraph(graph, { all, force, timeout: 0 })`, the read timed on its own too;
 * - podgraph as a whole process: `node dist/cli/main.js rm -fa -t 0 --url unix://...`.
 *
 *   npm run bench:podman                                   # podman4 then podman5, fixture 55, 3 rounds
 *   npm run bench:podman -- --engine podman5 --fixture 300 --rounds 1
 *   npm run bench:podman -- --engine podman4,podman5 --fixture 1000 --out /tmp/run
 *
 * Fixtures: 55 (10 pods x 4 running members, a 5-level chain), 300 (24 pods x 8 with chains
 * inside, 60 containers in chains, 24 network users) and 1000 (100 pods x 8, 200 outside pods:
 * 1,100 containers with the infra ones). The ssh:// and service-restart comparisons are in
 * bench/podman-transport.ts (`npm run bench:podman:transport`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import pLimit from 'p-limit';
import { ContainerGraph, defaultConcurrency, PodmanRuntime, type RemovalReport, removeGraph } from 'podgraph';
import { type Engine, engine as engineNamed } from '../test/support/engines.ts';
import {
  type BuiltHost,
  buildInPodman,
  describePodmanHost,
  keepWholeEventLog,
  podmanContainerCount,
  podmanHost,
} from '../test/support/large-fixture.ts';
import { checkRemoveEvents, removeEvents, unrecordedRemovals } from '../test/support/podman-events.ts';
import { PodmanSandbox, sandboxUnavailable } from '../test/support/podman-sandbox.ts';
import { SocketApi } from '../test/support/socket-api.ts';
import { barePlan, bareRemove } from './bare-podman.ts';
import {
  countRequests,
  type EngineBenchArgs,
  engineBenchArgs,
  header,
  mib,
  Output,
  ROOT,
  rotated,
  sampleRss,
  seconds,
  spread,
} from './engine-bench.ts';
import { median, table } from './measure.ts';
import { podmanWithDeadline } from './podman-cli-run.ts';

type EngineId = 'podman4' | 'podman5';
type Size = 55 | 300 | 1000;

const SIDES = ['rm-fa', 'pod-rm', 'bare-pods', 'bare-members', 'podgraph', 'podgraph-cli'] as const;
type Side = (typeof SIDES)[number];

const LABELS: Record<Side, string> = {
  'rm-fa': '`podman rm -fa -t 0`, until nothing is left',
  'pod-rm': '`podman pod rm -fa -t 0 && podman rm -fa -t 0`, until nothing is left',
  'bare-pods': 'bare script: one `DELETE /libpod/pods/{id}` per pod, the rest level by level',
  'bare-members': 'bare script: a DELETE per member (level by level), then the pod; the rest level by level',
  podgraph: 'podgraph in-process: `fromRuntime` + `removeGraph(all, force, timeout 0)`',
  'podgraph-cli': 'podgraph whole process: `node dist/cli/main.js rm -fa -t 0 --url unix://...`',
};

/** A podman command that removed nothing for this long is taken for hung. */
const STALL_MS = 30_000;
/** Runs of a CLI side at most (podman 4.3 needs one per level of the deepest chain). */
const MAX_RUNS = 20;
const NODE_FLOOR_RUNS = 5;

interface Left {
  containers: number;
  pods: number;
}

interface SideRun {
  ms: number;
  runs: number;
  left: Left;
  violations: string[];
  /** How the side went wrong, beyond what it left: a hang, refusals, an exit code. */
  trouble?: string;
  hung?: boolean;
  dump?: string;
  /** podgraph: the graph read (list + inspects), ms, and its requests. */
  read?: { ms: number; requests: number };
  /** HTTP requests of the whole side, where counted. */
  requests?: number;
  /** Peak RSS (bytes), and the RSS when the side began for an in-process one. */
  rss?: { peak: number; start?: number };
}

interface Probe {
  /** `runtime.inspect()` of a new PodmanRuntime: list + inspects, its connection included. */
  inspectMs: number;
  requests: number;
  /** `ContainerGraph.fromSpec` of what it read. */
  graphMs: number;
}

/** What is left in the sandbox, read through the API (no podman process, which would take the store's locks). */
async function leftIn(sandbox: PodmanSandbox): Promise<Left> {
  const api = new SocketApi(sandbox.url, 2);
  try {
    const [containers, pods] = await Promise.all([
      api.json<unknown[]>('GET', '/v4.0.0/libpod/containers/json?all=true'),
      api.json<unknown[] | null>('GET', '/v4.0.0/libpod/pods/json'),
    ]);
    return { containers: containers.length, pods: pods?.length ?? 0 };
  } finally {
    api.close();
  }
}

const nothingLeft = (left: Left) => left.containers === 0 && left.pods === 0;

/** The graph as it is, read untimed before every side: the order oracle, and the read's cost on its own. */
async function probe(url: string): Promise<{ graph: ContainerGraph; probe: Probe }> {
  const runtime = new PodmanRuntime({ url });
  const requests = countRequests();
  try {
    const started = performance.now();
    const spec = await runtime.inspect();
    const inspected = performance.now();
    const graph = ContainerGraph.fromSpec(spec);
    return { graph, probe: { inspectMs: inspected - started, requests: requests.stop(), graphMs: performance.now() - inspected } };
  } finally {
    requests.stop();
    runtime.close();
  }
}

class PodmanBench {
  readonly #sandbox: PodmanSandbox;
  readonly #args: EngineBenchArgs<EngineId, Size>;
  readonly #output: Output;
  readonly #deadlineMs: number;
  #dumps = 0;

  constructor(sandbox: PodmanSandbox, args: EngineBenchArgs<EngineId, Size>, output: Output, containers: number) {
    this.#sandbox = sandbox;
    this.#args = args;
    this.#output = output;
    // 60 s for 55 containers, scaled: a podman that is not hung takes a few seconds at 55.
    this.#deadlineMs = 60_000 * Math.max(1, containers / 55);
  }

  #dumpFile(what: string): string {
    return join(this.#args.out, `${this.#sandbox.engine.id}-fixture${this.#args.fixture}-${what}-${++this.#dumps}-goroutines.txt`);
  }

  /**
   * A CLI side: `commands` run in turn (each only if the one before exited 0, as `&&` does)
   * until nothing is left, a run removes nothing more, or one hangs.
   */
  async cli(side: Side, commands: string[][]): Promise<Omit<SideRun, 'violations' | 'left'> & { left?: Left }> {
    let ms = 0;
    let runs = 0;
    let before = await leftIn(this.#sandbox);
    for (;;) {
      runs++;
      for (const command of commands) {
        const run = await podmanWithDeadline(this.#sandbox, command, {
          deadlineMs: Math.max(this.#deadlineMs - ms, 1_000),
          stallMs: STALL_MS,
          dumpFile: this.#dumpFile(side),
        });
        ms += run.ms;
        if (run.hung !== undefined) {
          const where = relative(ROOT, run.dump!);
          return {
            ms,
            runs,
            hung: true,
            dump: run.dump,
            trouble: `\`podman ${command.join(' ')}\` hung (${run.hung}); goroutine dump: \`${where}\``,
          };
        }
        if (run.code !== 0) break;
      }
      const left = await leftIn(this.#sandbox);
      if (nothingLeft(left)) return { ms, runs, left };
      if (left.containers === before.containers && left.pods === before.pods) {
        return { ms, runs, left, trouble: `run ${runs} removed nothing more` };
      }
      if (runs === MAX_RUNS) return { ms, runs, left, trouble: `${MAX_RUNS} runs did not remove everything` };
      before = left;
    }
  }

  async podgraph(): Promise<Omit<SideRun, 'violations' | 'left'> & { report: RemovalReport }> {
    const requests = countRequests();
    const rss = sampleRss();
    const runtime = new PodmanRuntime({ url: this.#sandbox.url });
    try {
      const started = performance.now();
      const graph = await ContainerGraph.fromRuntime(runtime);
      const read = { ms: performance.now() - started, requests: requests.count };
      const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
      const ms = performance.now() - started;
      const failed = [...report.containers, ...report.pods].filter(([, error]) => error !== null);
      const trouble =
        failed.length === 0
          ? undefined
          : `podgraph reported ${failed.length} failures, e.g. ${failed
              .slice(0, 2)
              .map(([id, error]) => `${id.slice(0, 12)}: ${error?.code} ${error?.message}`)
              .join('; ')}`;
      return { ms, runs: 1, read, requests: requests.count, rss: rss.stop(), report, ...(trouble ? { trouble } : {}) };
    } finally {
      rss.stop();
      requests.stop();
      runtime.close();
    }
  }

  /** The compiled CLI as a new process, timed from spawn to exit, its peak RSS from a preloaded probe. */
  async podgraphCli(): Promise<Omit<SideRun, 'violations' | 'left'>> {
    const rssFile = join(this.#args.out, 'podgraph-cli.maxrss');
    rmSync(rssFile, { force: true });
    const args = ['-r', join(ROOT, 'bench', 'max-rss.cjs'), 'dist/cli/main.js', 'rm', '-fa', '-t', '0', '--url', this.#sandbox.url];
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, PODGRAPH_BENCH_MAX_RSS: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, this.#deadlineMs);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    clearTimeout(timer);
    const ms = performance.now() - started;
    const peak = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
    const trouble = hung
      ? `killed at its deadline of ${seconds(this.#deadlineMs)}`
      : code !== 0
        ? `exit ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' / ')}`
        : undefined;
    return { ms, runs: 1, ...(peak === undefined ? {} : { rss: { peak } }), ...(trouble ? { trouble, hung } : {}) };
  }

  async bare(variant: 'pods' | 'members', plan: ReturnType<typeof barePlan>): Promise<Omit<SideRun, 'violations' | 'left'>> {
    const run = await bareRemove(this.#sandbox.url, plan, variant, defaultConcurrency());
    const trouble = run.errors.length === 0 ? undefined : `${run.errors.length} refusals, e.g. ${run.errors[0]}`;
    return { ms: run.ms, runs: 1, requests: run.requests, ...(trouble ? { trouble } : {}) };
  }

  /**
   * Removes whatever a side left (after a hang, say): every pod by a forced DELETE through the
   * API, 8 at once (a `podman pod rm -fa` takes them one after another: minutes at 100 pods),
   * then `podman rm -fa` until nothing is left (with no pod left, nothing of it can hang).
   */
  async clean(): Promise<void> {
    if (nothingLeft(await leftIn(this.#sandbox))) return;
    this.#output.progress(`${this.#sandbox.engine.label}: cleaning the sandbox`);
    const api = new SocketApi(this.#sandbox.url, 8);
    try {
      const pods = (await api.json<{ Id: string }[] | null>('GET', '/v4.0.0/libpod/pods/json')) ?? [];
      const limit = pLimit(8);
      await Promise.all(
        pods.map((pod) => limit(() => api.json('DELETE', `/v4.0.0/libpod/pods/${pod.Id}?force=true&timeout=0`, undefined, [404]))),
      );
    } finally {
      api.close();
    }
    const limits = () => ({ deadlineMs: 10 * 60_000, stallMs: 2 * STALL_MS, dumpFile: this.#dumpFile('clean') });
    for (let run = 0; run < MAX_RUNS && !nothingLeft(await leftIn(this.#sandbox)); run++) {
      const rm = await podmanWithDeadline(this.#sandbox, ['rm', '-fa', '-t', '0'], limits());
      if (rm.hung) throw new Error(`cleaning the sandbox: podman rm -fa hung (${rm.hung}); dump ${rm.dump}`);
    }
    const left = await leftIn(this.#sandbox);
    if (!nothingLeft(left)) throw new Error(`cleaning the sandbox left ${left.containers} containers and ${left.pods} pods`);
  }

  /** One side on a freshly built host: build, read (untimed), remove, then judge by the event log and count what is left. */
  async side(side: Side): Promise<{ run: SideRun; built: BuiltHost; probe: Probe }> {
    const fixture = podmanHost(this.#args.fixture);
    await this.clean();
    const built = await buildInPodman(this.#sandbox, fixture);
    const before = await probe(this.#sandbox.url);
    const since = new Date();
    let done: Omit<SideRun, 'violations' | 'left'> & { left?: Left; report?: RemovalReport };
    switch (side) {
      case 'rm-fa':
        done = await this.cli(side, [['rm', '-fa', '-t', '0']]);
        break;
      case 'pod-rm':
        done = await this.cli(side, [
          ['pod', 'rm', '-fa', '-t', '0'],
          ['rm', '-fa', '-t', '0'],
        ]);
        break;
      case 'bare-pods':
      case 'bare-members':
        done = await this.bare(side === 'bare-pods' ? 'pods' : 'members', barePlan(fixture, built));
        break;
      case 'podgraph':
        done = await this.podgraph();
        break;
      case 'podgraph-cli':
        done = await this.podgraphCli();
        break;
    }
    const left = done.left ?? (await leftIn(this.#sandbox));
    const events = await removeEvents(this.#sandbox.url, since);
    const violations = [...checkRemoveEvents(before.graph, events), ...(done.report ? unrecordedRemovals(done.report, events) : [])];
    const { report: _report, ...run } = done;
    return { run: { ...run, left, violations }, built, probe: before.probe };
  }
}

/** `node -e 0`, timed from spawn to exit: Node's own start-up, the floor of any whole-process command. */
function nodeFloor(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return performance.now() - started;
}

/** Builds dist/ when it is missing; says when it is older than the sources it was built from. */
function ensureDist(output: Output): void {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) {
    output.progress('dist/ is missing: npm run build');
    const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0 || !existsSync(main)) throw new Error('bench:podman: npm run build failed; the whole-process side needs dist/');
  }
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of spawnSync('find', [dir, '-name', '*.ts', '-newer', main], { encoding: 'utf8' }).stdout.split('\n')) {
      if (entry !== '') latest = Math.max(latest, statSync(entry).mtimeMs);
    }
    return latest;
  };
  if (newest(join(ROOT, 'src')) > 0)
    output.line('**Note**: some of src/ is newer than dist/: the whole-process side runs the older build (`npm run build`).\n');
}

const perContainer = (ms: number) => (ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(1)} µs`);

function cellLeft(runs: readonly SideRun[]): string {
  const cells = runs.map((run) => `${run.left.containers} / ${run.left.pods}`);
  return new Set(cells).size === 1 ? cells[0]! : cells.join(', ');
}

function cellTime(runs: readonly SideRun[]): string {
  const finished = runs.filter((run) => !run.hung);
  const hung = runs.filter((run) => run.hung);
  const parts: string[] = [];
  if (finished.length > 0) parts.push(spread(finished.map((run) => run.ms)));
  if (hung.length > 0)
    parts.push(`**hung** in ${hung.length} of ${runs.length} (killed at ${hung.map((run) => seconds(run.ms)).join(', ')}: see the notes)`);
  return parts.join('; ');
}

function cellRss(runs: readonly SideRun[]): string {
  const measured = runs.filter((run) => run.rss !== undefined);
  if (measured.length === 0) return '';
  const peak = median(measured.map((run) => run.rss!.peak));
  const starts = measured.filter((run) => run.rss!.start !== undefined);
  return starts.length === 0 ? mib(peak) : `${mib(peak)} (+${mib(median(starts.map((run) => run.rss!.peak - run.rss!.start!)))})`;
}

/** `--sides a,b`: the sides to run (default all), in SIDES' order; the CLI rows take hours on podman 4.3.1 at 1,000. */
function sidesOf(args: EngineBenchArgs<EngineId, Size>): readonly Side[] {
  const asked = (args.flags.sides as string | undefined)?.split(',');
  if (asked === undefined) return SIDES;
  for (const side of asked)
    if (!SIDES.includes(side as Side)) throw new Error(`bench:podman: --sides ${side}: expected some of ${SIDES.join(', ')}`);
  return SIDES.filter((side) => asked.includes(side));
}

async function benchEngine(id: EngineId, args: EngineBenchArgs<EngineId, Size>, output: Output): Promise<boolean> {
  const sides = sidesOf(args);
  const engine: Engine = engineNamed(id);
  const unavailable = sandboxUnavailable(engine);
  if (unavailable !== undefined) {
    output.line(`## ${engine.label}: skipped (${unavailable})\n`);
    return true;
  }
  const fixture = podmanHost(args.fixture);
  const sandbox = await PodmanSandbox.start(engine);
  const runs = new Map<Side, SideRun[]>(SIDES.map((side) => [side, []]));
  const builds: BuiltHost[] = [];
  const probes: Probe[] = [];
  const floor: number[] = [];
  try {
    await keepWholeEventLog(sandbox);
    const bench = new PodmanBench(sandbox, args, output, podmanContainerCount(fixture));
    for (let round = 0; round < args.rounds; round++) {
      for (let i = 0; i < NODE_FLOOR_RUNS; i++) floor.push(nodeFloor());
      for (const side of rotated(sides, round)) {
        output.progress(`${engine.label}, fixture ${args.fixture}, round ${round + 1}/${args.rounds}: ${side}`);
        const { run, built, probe } = await bench.side(side);
        runs.get(side)!.push(run);
        builds.push(built);
        probes.push(probe);
        output.progress(`  ${seconds(run.ms)}, left ${run.left.containers}/${run.left.pods}${run.trouble ? `; ${run.trouble}` : ''}`);
      }
    }
    await bench.clean();
  } finally {
    await sandbox.dispose().catch((error: unknown) => output.line(`**The sandbox's own check failed**: ${String(error)}\n`));
  }

  const containers = podmanContainerCount(fixture);
  output.line(`## ${engine.label}, fixture ${args.fixture}\n`);
  output.line(`${describePodmanHost(fixture)}. Median of ${args.rounds} round${args.rounds === 1 ? '' : 's'}, sides rotated each round.\n`);
  output.line(
    `Built through the API before every side, 8 requests in flight: ${spread(builds.map((b) => b.ms))}, ${builds[0]!.requests} requests.\n`,
  );

  const medianOf = (side: Side) => {
    const finished = runs.get(side)!.filter((run) => !run.hung);
    return finished.length === 0 ? undefined : median(finished.map((run) => run.ms));
  };
  const barePods = medianOf('bare-pods');
  const bareMembers = medianOf('bare-members');
  const bare = Math.min(barePods ?? Number.POSITIVE_INFINITY, bareMembers ?? Number.POSITIVE_INFINITY);
  const nodeMs = median(floor);
  const ratio = (side: Side) => {
    const ms = medianOf(side);
    if (!Number.isFinite(bare)) return '';
    if (ms === undefined) return 'hung every round';
    const base = `${(ms / bare).toFixed(2)}×`;
    return side === 'podgraph-cli'
      ? `${base} (${(ms / (bare + nodeMs)).toFixed(2)}× the bare script + \`node -e 0\`, ${seconds(bare + nodeMs)})`
      : base;
  };
  let clean = true;
  const rows = sides.map((side) => {
    const sideRuns = runs.get(side)!;
    const violations = sideRuns.reduce((sum, run) => sum + run.violations.length, 0);
    if (side.startsWith('podgraph') && (violations > 0 || sideRuns.some((run) => run.trouble !== undefined || !nothingLeft(run.left))))
      clean = false;
    const reads = sideRuns.filter((run) => run.read !== undefined);
    return [
      LABELS[side],
      cellTime(sideRuns),
      reads.length === 0 ? '' : `${median(reads.map((run) => run.read!.ms)).toFixed(0)} ms (${reads[0]!.read!.requests} requests)`,
      sideRuns.map((run) => run.runs).join(', '),
      cellLeft(sideRuns),
      cellRss(sideRuns),
      ratio(side),
      violations === 0 ? '0' : `**${violations}**`,
    ];
  });
  output.line(
    table(
      [
        'removal',
        'wall time, median (min-max)',
        'graph read (list + inspects)',
        'runs needed',
        'left after (containers / pods)',
        'peak RSS',
        'ratio to the bare script',
        "order violations (podman's event log)",
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
  );
  output.line();
  if (barePods !== undefined && bareMembers !== undefined) {
    const [best, other] =
      barePods <= bareMembers
        ? ['one DELETE per pod', 'a DELETE per member then the pod']
        : ['a DELETE per member then the pod', 'one DELETE per pod'];
    output.line(
      `Bare script, best on ${engine.label}: ${best} (${seconds(Math.min(barePods, bareMembers))} against ${seconds(Math.max(barePods, bareMembers))} for ${other}, ` +
        `${(Math.max(barePods, bareMembers) / Math.min(barePods, bareMembers)).toFixed(2)}×); the ratios are to it. ` +
        `\`node -e 0\`: ${seconds(nodeMs)} (median of ${floor.length}). Peak RSS: podgraph in-process, this process's, sampled every 10 ms ` +
        `(in brackets: above its RSS when the side began); the whole process, its maxRSS.\n`,
    );
  }
  output.line(
    `Graph read alone, ${containers} containers and ${fixture.pods?.length ?? 0} pods (a new PodmanRuntime before every side, untimed there):\n`,
  );
  output.line(
    table(
      ['read', 'median (min-max)', 'requests', 'per container'],
      ['l', 'r', 'r', 'r'],
      [
        [
          '`PodmanRuntime.inspect()`: list pods and containers, inspect each (its connection included)',
          spread(probes.map((p) => p.inspectMs)),
          `${probes[0]!.requests}`,
          perContainer(median(probes.map((p) => p.inspectMs)) / containers),
        ],
        [
          '`ContainerGraph.fromSpec` of it',
          `${median(probes.map((p) => p.graphMs)).toFixed(1)} ms`,
          '',
          perContainer(median(probes.map((p) => p.graphMs)) / containers),
        ],
      ],
    ),
  );
  output.line();
  output.line(
    `Rounds (s): ${sides
      .map(
        (side) =>
          `${side} ${runs
            .get(side)!
            .map((run) => `${(run.ms / 1000).toFixed(2)}${run.hung ? ' hung' : ''}`)
            .join(', ')}`,
      )
      .join('; ')}\n`,
  );
  const notes = sides.flatMap((side) =>
    runs
      .get(side)!
      .flatMap((run, round) => [
        ...(run.trouble ? [`- ${side}, round ${round + 1}: ${run.trouble}`] : []),
        ...run.violations.slice(0, 3).map((violation) => `- ${side}, round ${round + 1}: ${violation}`),
      ]),
  );
  if (notes.length > 0) output.line(`${notes.join('\n')}\n`);
  return clean;
}

const args = engineBenchArgs('bench:podman', ['podman4', 'podman5'] as const, [55, 300, 1000] as const, [], ['sides']);
const output = new Output(args.out);
header(output, 'bench:podman', "podgraph against podman's own CLI and a bare API script");
ensureDist(output);
let clean = true;
for (const id of args.engines) clean = (await benchEngine(id, args, output)) && clean;
if (!clean) {
  output.line('**podgraph left something, failed, or broke the order on some round: see the notes above.**');
  process.exitCode = 1;
}
