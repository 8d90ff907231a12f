/**
 * Whole-process wall time of the compiled `podgraph` executable, as a shell script pays it: each
 * command is started as a new `node` process and timed from spawn to exit. `node -e 0` is the
 * floor (Node's own start-up). Prints numbers; asserts nothing.
 *
 *   npm run bench:cli                 # 20 runs of each command
 *   npm run bench:cli -- 50           # runs
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, ratio, table } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.argv[2] ?? 20);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`bench:cli: expected a number of runs, got ${process.argv[2]}`);

if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
  console.log('dist/ is missing: npm run build');
  spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

const commands: { label: string; args: string[] }[] = [
  { label: '`node -e 0` (floor)', args: ['-e', '0'] },
  { label: '`podgraph --help`', args: ['dist/cli/main.js', '--help'] },
  { label: '`podgraph rm -fa --spec examples/stack.json`', args: ['dist/cli/main.js', 'rm', '-fa', '--spec', 'examples/stack.json'] },
];

function once(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`bench:cli: node ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return elapsed;
}

// Runs interleave the commands, so a burst of load on a shared machine hits them alike.
const times = commands.map(() => [] as number[]);
for (const command of commands) once(command.args); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  for (const [i, command] of commands.entries()) times[i]!.push(once(command.args));
}

const medians = times.map(median);
const floor = medians[0]!;
const seconds = (value: number) => `${(value / 1000).toFixed(3)} s`;
console.log(`Whole-process wall time, median of ${RUNS} runs (Node ${process.version}, ${process.platform})\n`);
console.log(
  table(
    ['command', 'median', 'min', 'max', '× floor'],
    ['l', 'r', 'r', 'r', 'r'],
    commands.map((command, i) => [
      command.label,
      seconds(medians[i]!),
      seconds(Math.min(...times[i]!)),
      seconds(Math.max(...times[i]!)),
      ratio(medians[i]! / floor),
    ]),
  ),
);
