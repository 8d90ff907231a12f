/**
 * What the engine benchmarks (bench:podman, bench:docker) share: their command line, their
 * output (stdout and a results.md in the run's folder), sides rotated over rounds, and cells.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConcurrency } from 'podgraph';
import { median } from './measure.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface EngineBenchArgs<E extends string, F extends number> {
  engines: E[];
  fixture: F;
  rounds: number;
  /** The run's folder: results.md, and whatever else the run saves (goroutine dumps). */
  out: string;
  /** Options of one script alone, as given. */
  flags: Record<string, string | boolean | undefined>;
}

/**
 * `--engine E` (repeatable or comma-separated; default every engine), `--fixture F`, `--rounds N`,
 * `--out DIR`, the script's own boolean `switches` and its own `strings` (a value each). Anything else is an
 * error naming it.
 */
export function engineBenchArgs<E extends string, F extends number>(
  script: string,
  engines: readonly E[],
  fixtures: readonly F[],
  switches: readonly string[] = [],
  strings: readonly string[] = [],
): EngineBenchArgs<E, F> {
  const { values: given } = parseArgs({
    options: {
      engine: { type: 'string', multiple: true },
      fixture: { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      ...Object.fromEntries(switches.map((name) => [name, { type: 'boolean' as const }])),
      ...Object.fromEntries(strings.map((name) => [name, { type: 'string' as const }])),
    },
    allowPositionals: false,
    strict: true,
  });
  const asked = (given.engine as string[] | undefined)?.flatMap((value) => value.split(',')) ?? [...engines];
  for (const engine of asked) {
    if (!engines.includes(engine as E)) throw new Error(`${script}: --engine ${engine}: expected one of ${engines.join(', ')}`);
  }
  const fixture = Number(given.fixture ?? fixtures[0]);
  if (!fixtures.includes(fixture as F)) throw new Error(`${script}: --fixture ${given.fixture}: expected one of ${fixtures.join(', ')}`);
  const rounds = Number(given.rounds ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`${script}: --rounds ${given.rounds}: expected an integer from 1 up`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out =
    (given.out as string | undefined) ?? join(ROOT, 'bench', 'out', `${script.replace(/^bench:/, '').replace(/:/g, '-')}-${stamp}`);
  mkdirSync(out, { recursive: true });
  return { engines: asked as E[], fixture: fixture as F, rounds, out, flags: given as Record<string, string | boolean | undefined> };
}

/** Lines printed and kept: `save()` writes them all to results.md in the run's folder. */
export class Output {
  readonly #lines: string[] = [];
  readonly #file: string;

  constructor(dir: string) {
    this.#file = join(dir, 'results.md');
  }

  line(text = ''): void {
    console.log(text);
    this.#lines.push(text);
    writeFileSync(this.#file, `${this.#lines.join('\n')}\n`);
  }

  /** Progress on stderr, not kept: what is happening, for whoever watches a long run. */
  progress(text: string): void {
    console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
  }

  get file(): string {
    return this.#file;
  }
}

/** The head of every run: the exact command, the machine, and the load when it started. */
export function header(output: Output, script: string, title: string): void {
  output.line(`# ${title}\n`);
  output.line(`Command: \`npm run ${script} -- ${process.argv.slice(2).join(' ')}\`\n`);
  output.line(
    `Node ${process.version}, ${availableParallelism()} CPUs, podgraph's default concurrency ${defaultConcurrency()}; ` +
      `load average at the start ${loadavg()
        .map((value) => value.toFixed(2))
        .join(', ')}; ${new Date().toISOString()}. Results and any goroutine dumps: \`${output.file.replace(`${ROOT}`, '')}\`.\n`,
  );
}

/** The sides of round `round`, rotated by one place a round, so no side always goes first. */
export function rotated<T>(sides: readonly T[], round: number): T[] {
  const shift = round % sides.length;
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** `median (min-max)` of times in ms, in seconds. */
export function spread(values: readonly number[]): string {
  if (values.length === 0) return '';
  if (values.length === 1) return seconds(values[0]!);
  return `${seconds(median(values))} (${(Math.min(...values) / 1000).toFixed(2)}-${(Math.max(...values) / 1000).toFixed(2)})`;
}

/** Samples this process's RSS until stopped: the peak, and the RSS when sampling began. */
export function sampleRss(everyMs = 10): { stop(): { peak: number; start: number } } {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { peak: Math.max(peak, process.memoryUsage.rss()), start };
    },
  };
}

/** HTTP requests this process starts from now until `stop()` (Node's `http.client.request.start` channel): every client's, podgraph's too. */
export function countRequests(): { readonly count: number; stop(): number } {
  let count = 0;
  const onRequest = () => {
    count++;
  };
  subscribe('http.client.request.start', onRequest);
  return {
    get count() {
      return count;
    },
    stop: () => {
      unsubscribe('http.client.request.start', onRequest);
      return count;
    },
  };
}
