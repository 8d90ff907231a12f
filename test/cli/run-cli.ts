/**
 * Runs the compiled executable, `node dist/cli/main.js` (the package's bin), as a subprocess. CONTAINER_HOST points at a
 * socket that does not exist, so a test that forgets --spec or --url fails instead of reaching
 * the host's podman.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphSpec } from 'podgraph';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENV: NodeJS.ProcessEnv = { ...process.env, CONTAINER_HOST: 'unix:///nonexistent/podgraph-test.sock' };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function podgraph(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'node',
      [BIN, ...args],
      { cwd: ROOT, env: { ...ENV, ...options.env }, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** Starts the executable without waiting for it, for tests that signal it midway. */
export function startPodgraph(args: readonly string[]): ChildProcess {
  return spawn('node', [BIN, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A temp folder for spec files and pictures. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'podgraph-cli-'));
}

/** Writes a spec (or raw text) to a file in `dir` and returns its path. */
export function writeSpec(dir: string, name: string, spec: GraphSpec | string): string {
  const file = join(dir, name);
  writeFileSync(file, typeof spec === 'string' ? spec : `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

/** Output lines, without the final newline. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}
