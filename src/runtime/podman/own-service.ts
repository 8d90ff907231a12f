/**
 * A `podman system service` of podgraph's own, for a machine where none runs (most podman hosts:
 * the socket units are off by default): the local `podman` executable serves a private socket,
 * in a folder only this user can enter (`$XDG_RUNTIME_DIR`, else a temporary one), for as long
 * as the runtime that started it is open, and is stopped by its PID on `close()`. It inherits the
 * environment, so CONTAINERS_CONF, CONTAINERS_STORAGE_CONF and rootless settings apply as they
 * would to `podman`. An idle timeout (`--time`) is the backstop: killed, podgraph cannot stop it,
 * and it ends on its own once nothing has talked to it for that long.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PodgraphError } from '../../errors.js';

/** A service podgraph started: where it listens, its PID, and how to stop it. */
export interface OwnService {
  readonly url: string;
  readonly pid: number;
  /** Stops it by its PID (SIGTERM, then SIGKILL after a few seconds) and removes its folder. */
  stop(): Promise<void>;
}

interface OwnServiceOptions {
  /** The podman executable (a name looked up in PATH, or a path). */
  podman: string;
  /** Environment variables of the service. */
  env: Readonly<Record<string, string | undefined>>;
  /** Seconds the service waits idle before it ends on its own. */
  idleSeconds: number;
  /** How long it may take to answer `/_ping`. */
  startTimeoutMs?: number;
}

/** Services started and not yet stopped: stopped (SIGTERM by PID) if the process exits first. */
const running = new Set<ChildProcess>();
let exitHook = false;

/** Whether an executable of this name is on PATH (or is an existing path). */
export function onPath(name: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const candidates = name.includes('/')
    ? [name]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Starts `podman system service` on a private socket and resolves once it answers `/_ping`. */
export async function startOwnService(options: OwnServiceOptions): Promise<OwnService> {
  const base = options.env.XDG_RUNTIME_DIR || tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'podgraph-'));
  } catch {
    dir = mkdtempSync(join(tmpdir(), 'podgraph-'));
  }
  // mkdtemp makes it 0700: nobody else can reach the socket inside.
  const socket = join(dir, 'podman.sock');
  const url = `unix://${socket}`;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const child = spawn(options.podman, ['system', 'service', `--time=${options.idleSeconds}`, url], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const stop = async () => {
    running.delete(child);
    await stopChild(child);
    remove();
  };
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const service of running) service.kill('SIGTERM');
    });
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 25))]);
    if (failed !== undefined) {
      running.delete(child);
      remove();
      throw new PodgraphError('RUNTIME', `cannot start \`${options.podman} system service\`: ${failed.message}`, { cause: failed });
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      remove();
      throw new PodgraphError(
        'RUNTIME',
        `\`${options.podman} system service\` exited at once (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`,
      );
    }
    if (await answers(socket)) return { url, pid: child.pid!, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new PodgraphError('RUNTIME', `\`${options.podman} system service\` did not answer on ${url} in time: ${stderr.trim()}`);
    }
  }
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', agent: false, headers: { host: 'd' } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** SIGTERM by its PID, a few seconds to exit, then SIGKILL. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 5_000).unref());
  if ((await Promise.race([exited, timer])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
}
