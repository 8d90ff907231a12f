/**
 * podman's own CLI in a sandbox, the way a shell script runs it, but with a deadline: podman
 * 5.8's local `rm -fa` can hang (shared/engines.md), and a benchmark must say so and go on. A
 * command that has removed nothing for `stallMs` (nothing written to podman's event log) or runs
 * past its deadline is taken for hung: it gets SIGQUIT, so Go prints every goroutine's stack,
 * which is saved to a file, then SIGKILL if it is still there.
 */
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { eventLogPath } from '../test/support/large-fixture.ts';
import type { PodmanSandbox } from '../test/support/podman-sandbox.ts';

export interface CliRun {
  code: number | null;
  stderr: string;
  /** Wall time to its exit, or to the SIGQUIT when it hung. */
  ms: number;
  /** Why it was taken for hung, when it was. */
  hung?: string;
  /** Where its goroutine dump went, when it hung. */
  dump?: string;
}

/** A summary of the event log's state, changing whenever podman writes an event (or rotates the log). */
function eventLogMark(sandbox: PodmanSandbox): string {
  try {
    const stat = statSync(eventLogPath(sandbox));
    return `${stat.size} ${stat.mtimeMs}`;
  } catch {
    return 'none';
  }
}

const exited = (child: ReturnType<typeof spawn>, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/**
 * Runs `podman ARGS` in the sandbox until it exits, or until it is taken for hung (see above);
 * then `dumpFile` gets its stderr, the goroutine dump included.
 */
export async function podmanWithDeadline(
  sandbox: PodmanSandbox,
  args: readonly string[],
  limits: { deadlineMs: number; stallMs: number; dumpFile: string },
): Promise<CliRun> {
  const command = sandbox.engine.command('podman', args, sandbox.env);
  const started = performance.now();
  // The forky engine's wrappers (nsenter, chroot, env) each exec the next: the child's PID is podman's own.
  const child = spawn(command.file, command.args, { env: command.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  let hung: string | undefined;
  let hungAt = 0;
  let mark = eventLogMark(sandbox);
  let lastChange = performance.now();
  const watch = setInterval(() => {
    const now = performance.now();
    const next = eventLogMark(sandbox);
    if (next !== mark) {
      mark = next;
      lastChange = now;
    }
    if (hung !== undefined) return;
    if (now - started > limits.deadlineMs) hung = `still running at its deadline of ${(limits.deadlineMs / 1000).toFixed(0)} s`;
    else if (now - lastChange > limits.stallMs) hung = `nothing removed for ${(limits.stallMs / 1000).toFixed(0)} s`;
    if (hung === undefined) return;
    hungAt = now - started;
    process.kill(child.pid!, 'SIGQUIT');
  }, 250);
  // After SIGQUIT Go prints the dump and exits (status 2); SIGKILL if it does not within 10 s.
  const killer = setInterval(async () => {
    if (hung === undefined) return;
    clearInterval(killer);
    if (!(await exited(child, 10_000))) child.kill('SIGKILL');
  }, 250);
  try {
    const code = await closed;
    const ms = performance.now() - started;
    if (hung === undefined) return { code, stderr, ms };
    writeFileSync(
      limits.dumpFile,
      `podman ${args.join(' ')}\n${hung}: SIGQUIT after ${(hungAt / 1000).toFixed(1)} s, gone after ${(ms / 1000).toFixed(1)} s\n\n${stderr}`,
    );
    // Its time is when it was taken for hung, not when it finished dying.
    return { code, stderr: stderr.slice(0, 2000), ms: hungAt, hung, dump: limits.dumpFile };
  } finally {
    clearInterval(watch);
    clearInterval(killer);
  }
}
