/**
 * A private Docker Engine for tests: its own dockerd with its own data root, exec root and socket
 * under a folder in /var/tmp, so listing every container never touches anything else and test
 * files can run in parallel. Needs root and Debian's docker.io, as `scripts/setup-docker.sh`
 * installs it, and the podman image localhost/tiny:latest (`scripts/setup-podman.sh`), since no
 * registry is reachable. Measured facts behind the choices here: /work/shared/docker.md.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { type Engine, engine as engineNamed } from './engines.ts';
import { podmanUnavailable, TINY_IMAGE } from './podman-sandbox.ts';
import { removeTree } from './remove-tree.ts';

const run = promisify(execFile);

/**
 * The tiny image as `docker load` tags it: the podman name, unchanged. Its config carries
 * `StopSignal: "9"` (SIGKILL, from setup-podman.sh's import), which Docker honours: `docker stop`
 * of its `sleep` PID 1 takes about 60 ms instead of the 10 s timeout, so no derived image is needed.
 */
export const DOCKER_TINY_IMAGE = TINY_IMAGE;

/** How long dockerd gets to answer `/_ping`, and to exit after SIGTERM before SIGKILL. */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;

/** Why a sandbox of this Docker engine (20.10 by default) cannot run here, or undefined when it can. */
export function dockerUnavailable(engine: Engine = engineNamed('docker20')): string | undefined {
  return engine.unavailable ?? podmanUnavailable();
}

/** A container's removal as Docker's event log recorded it. */
export interface DestroyEvent {
  id: string;
  name: string;
  /** Nanoseconds since the epoch, exact (the JSON number is past 2^53, so it is read from the raw text). */
  timeNano: bigint;
}

/** The answer of one API request: status and the body, parsed when it is JSON. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the child has exited (at once if it already has), or with false after `ms`. */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The repository of the image tags that mark a point in the event stream. */
const SYNC_REPO = 'podgraph-events-sync';

/**
 * The daemon's container destroy events, read from `GET /events` as they happen. A query with
 * `since` would not do: dockerd keeps only its last 256 events (of every kind) in memory and
 * answers from those, so a test file that makes a hundred containers would lose the first removals.
 * Image `tag` events come along as markers, so a reader can wait until the stream has caught up.
 */
class EventLog {
  readonly #destroyed: DestroyEvent[] = [];
  readonly #waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  #markers = 0;
  #failure: Error | undefined;
  #closing = false;
  #request: ClientRequest | undefined;

  /**
   * Subscribes, resolving once the daemon has answered (from then on every event reaches the
   * log); `earlier` are the events a log of the same sandbox read before a restart.
   */
  static open(socketPath: string, earlier: readonly DestroyEvent[] = []): Promise<EventLog> {
    const log = new EventLog();
    log.#destroyed.push(...earlier);
    const filters = encodeURIComponent(JSON.stringify({ type: ['container', 'image'], event: ['destroy', 'tag'] }));
    return new Promise((resolve, reject) => {
      const req = request({ socketPath, path: `/events?filters=${filters}`, agent: false, headers: { Host: 'docker' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /events answered ${res.statusCode}`));
          res.resume();
          return;
        }
        let partial = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          try {
            for (const line of lines) if (line.trim() !== '') log.#take(line);
          } catch (error) {
            log.#fail(error as Error);
          }
        });
        res.on('end', () => log.#fail(new Error('the daemon closed its event stream')));
        res.on('error', (error) => log.#fail(error));
        resolve(log);
      });
      log.#request = req;
      req.on('error', (error) => {
        reject(error);
        log.#fail(error);
      });
      req.end();
    });
  }

  #take(line: string): void {
    const event = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: { name?: string } } };
    const name = event.Actor?.Attributes?.name ?? '';
    if (event.Type === 'image') {
      const marker = name.startsWith(`${SYNC_REPO}:`) ? name.slice(SYNC_REPO.length + 1) : undefined;
      if (marker !== undefined) this.#waiting.get(marker)?.resolve();
      return;
    }
    const nanos = /"timeNano":(\d+)/.exec(line);
    if (nanos === null) throw new Error(`an event without timeNano: ${line}`);
    this.#destroyed.push({ id: event.Actor?.ID ?? '', name, timeNano: BigInt(nanos[1]!) });
  }

  #fail(error: Error): void {
    if (this.#closing) return;
    this.#failure = error;
    for (const waiter of this.#waiting.values()) waiter.reject(error);
  }

  nextMarker(): string {
    return `${++this.#markers}`;
  }

  /** Resolves when the marker's tag event arrives; rejects when the stream fails or after `ms`. */
  waitFor(marker: string, ms: number): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiting.delete(marker);
        settle();
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`the event stream did not deliver marker ${marker} within ${ms} ms`))),
        ms,
      );
      this.#waiting.set(marker, { resolve: () => done(resolve), reject: (error) => done(() => reject(error)) });
    });
  }

  /** Stops waiting for a marker that will not come (its tag failed). */
  cancel(marker: string): void {
    this.#waiting.get(marker)?.reject(new Error(`marker ${marker} cancelled`));
  }

  destroyed(): DestroyEvent[] {
    return [...this.#destroyed];
  }

  close(): void {
    this.#closing = true;
    this.#request?.destroy();
  }
}

export class DockerSandbox {
  readonly dir: string;
  /** The Docker Engine this sandbox runs. */
  readonly engine: Engine;
  /** `unix://` URL of this sandbox's daemon socket. */
  readonly url: string;
  /** Environment for the docker CLI: a private config dir, nothing from the host's DOCKER_* settings. */
  readonly env: NodeJS.ProcessEnv;
  /** The storage driver the daemon came up with: overlay2, or vfs where overlay2 fails. */
  storageDriver = 'overlay2';
  #daemon: ChildProcess | undefined;
  #stderr = '';
  #events: EventLog | undefined;

  private constructor(dir: string, engine: Engine) {
    this.dir = dir;
    this.engine = engine;
    this.url = `unix://${this.socketPath}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(dir, 'cli') };
    for (const name of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[name];
    this.env = env;
  }

  /** A new sandbox of `engine` (Docker 20.10 by default) with its daemon answering and the tiny image loaded. */
  static async start(engine: Engine = engineNamed('docker20')): Promise<DockerSandbox> {
    // Not the tmpdir: /var/tmp is a disk (ext4 here), where overlay2 works; on overlayfs it fails.
    const sandbox = new DockerSandbox(mkdtempSync('/var/tmp/podgraph-docker-'), engine);
    try {
      await sandbox.startDaemon();
      sandbox.#events = await EventLog.open(sandbox.socketPath);
      await sandbox.loadTinyImage();
    } catch (error) {
      sandbox.#events?.close();
      await sandbox.stopDaemon().catch(() => undefined);
      sandbox.removeFolder();
      throw error;
    }
    return sandbox;
  }

  get socketPath(): string {
    return join(this.dir, 'docker.sock');
  }

  /** The daemon's PID, while it runs. */
  get pid(): number | undefined {
    const daemon = this.#daemon;
    return daemon !== undefined && daemon.exitCode === null && daemon.signalCode === null ? daemon.pid : undefined;
  }

  /** Starts dockerd with overlay2, or with vfs when overlay2 does not come up (say on an overlayfs data root). */
  private async startDaemon(): Promise<void> {
    try {
      await this.spawnDaemon('overlay2');
    } catch (overlay) {
      await this.stopDaemon();
      this.unmountData();
      rmSync(join(this.dir, 'data'), { recursive: true, force: true });
      rmSync(join(this.dir, 'exec'), { recursive: true, force: true });
      try {
        await this.spawnDaemon('vfs');
      } catch (vfs) {
        throw new Error(`dockerd did not come up with overlay2 (${String(overlay)}) nor with vfs (${String(vfs)})`);
      }
    }
  }

  /** Spawns dockerd directly (no shell, so the PID is the daemon's) and waits until `/_ping` answers. */
  private async spawnDaemon(driver: string): Promise<void> {
    const d = this.dir;
    rmSync(this.socketPath, { force: true });
    this.#stderr = '';
    // No iptables rules (they can set FORWARD to DROP and break podman's netavark) and no docker0 bridge.
    const args = [
      ...['--data-root', join(d, 'data'), '--exec-root', join(d, 'exec'), '--pidfile', join(d, 'docker.pid')],
      ...['-H', this.url, '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver', driver],
      // Its own cgroup parent, so two daemons' containers never share one.
      ...['--exec-opt', 'native.cgroupdriver=cgroupfs', '--cgroup-parent', `podgraph-${basename(d)}`],
    ];
    const command = this.engine.command('dockerd', args, process.env);
    const daemon = spawn(command.file, command.args, { env: command.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.#daemon = daemon;
    daemon.stderr?.on('data', (chunk: Buffer) => {
      // The log is chatty; the end is where a failure is explained.
      this.#stderr = (this.#stderr + chunk.toString()).slice(-20_000);
    });
    for (let waited = 0; waited < START_TIMEOUT_MS; waited += 50) {
      if (this.pid === undefined)
        throw new Error(`dockerd --storage-driver ${driver} exited with ${daemon.exitCode}: ${this.errorLines()}`);
      if ((await this.ping()) === 'OK') {
        this.storageDriver = driver;
        return;
      }
      await sleep(50);
    }
    throw new Error(`dockerd --storage-driver ${driver} did not answer on ${this.url} within 20 s: ${this.errorLines()}`);
  }

  /** The daemon's error-level log lines so far, or its last lines when there is none. */
  private errorLines(): string {
    const lines = this.#stderr.split('\n').filter((line) => line.trim() !== '');
    const errors = lines.filter((line) => /level=(error|fatal)|failed to start daemon/.test(line));
    return (errors.length > 0 ? errors : lines.slice(-5)).join('\n');
  }

  private async ping(): Promise<string | undefined> {
    try {
      const { status, text } = await this.raw('GET', '/_ping');
      return status === 200 ? text : undefined;
    } catch {
      return undefined;
    }
  }

  /** `podman save localhost/tiny:latest | docker load`, piped in-process; checks the tag it got. */
  private async loadTinyImage(): Promise<void> {
    const podmanEnv = { ...process.env };
    delete podmanEnv.CONTAINER_HOST;
    const save = spawn('podman', ['save', '--quiet', TINY_IMAGE], { env: podmanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const cli = this.engine.command('docker', ['-H', this.url, 'load', '--quiet'], this.env);
    const load = spawn(cli.file, cli.args, { env: cli.env, stdio: ['pipe', 'pipe', 'pipe'] });
    save.stdout?.pipe(load.stdin!);
    const outcome = (child: ChildProcess, what: string) =>
      new Promise<void>((resolve, reject) => {
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}): ${stderr.trim()}`))));
      });
    await Promise.all([outcome(save, `podman save ${TINY_IMAGE}`), outcome(load, 'docker load')]);
    await this.docker('image', 'inspect', '--format', '{{.Id}}', DOCKER_TINY_IMAGE);
  }

  /** Runs the docker CLI against this daemon; resolves with stdout, trimmed, and rejects with stderr on a non-zero exit. */
  async docker(...args: string[]): Promise<string> {
    const { code, stdout, stderr } = await this.dockerExit(...args);
    if (code !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`);
    return stdout.trim();
  }

  /** Runs the docker CLI against this daemon and resolves with its exit code and output, never rejecting. */
  async dockerExit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const cli = this.engine.command('docker', ['-H', this.url, ...args], this.env);
      const { stdout, stderr } = await run(cli.file, cli.args, { env: cli.env, maxBuffer: 64 * 2 ** 20 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; code?: number | string; message?: string };
      const code = typeof failure.code === 'number' ? failure.code : -1;
      return { code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? failure.message ?? '' };
    }
  }

  /** One request to the Engine API over the socket, for tests that check what the daemon answers. */
  async api(method: string, path: string): Promise<ApiResponse> {
    const { status, text, json } = await this.raw(method, path);
    if (!json || text.trim() === '') return { status, body: text };
    return { status, body: JSON.parse(text) as unknown };
  }

  /** A request on a fresh connection (no keep-alive, so parallel requests really are parallel and nothing lingers). */
  private raw(method: string, path: string): Promise<{ status: number; text: string; json: boolean }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path, method, agent: false, headers: { Host: 'docker' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: /json/.test(res.headers['content-type'] ?? '') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * Every container destroyed since the sandbox started, in the daemon's order, from its event
   * stream (read since the start, see {@link EventLog}), up to now: an image tag made now marks
   * the point, and the call waits until the stream has delivered it.
   */
  async destroyEvents(): Promise<DestroyEvent[]> {
    const log = this.#events;
    if (log === undefined) throw new Error('the sandbox has no event stream');
    const marker = log.nextMarker();
    const seen = log.waitFor(marker, 10_000);
    // Awaited below; this only keeps a failure before that point from going unhandled.
    seen.catch(() => undefined);
    try {
      const tag = await this.raw('POST', `/images/${encodeURIComponent(DOCKER_TINY_IMAGE)}/tag?repo=${SYNC_REPO}&tag=${marker}`);
      if (tag.status !== 201) throw new Error(`tagging the event marker answered ${tag.status}: ${tag.text}`);
    } catch (error) {
      log.cancel(marker);
      throw error;
    }
    await seen;
    await this.raw('DELETE', `/images/${SYNC_REPO}:${marker}`);
    return log.destroyed();
  }

  /** Force-removes every container, until none is left (bounded, so a stuck one fails the test). */
  async clear(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const ids = (await this.docker('ps', '-aq', '--no-trunc')).split('\n').filter((id) => id !== '');
      if (ids.length === 0) return;
      // Docker removes a container whatever depends on it; an id already gone only makes the CLI exit 1.
      await this.dockerExit('rm', '--force', ...ids);
    }
    throw new Error(`containers are left in the sandbox: ${await this.docker('ps', '-a')}`);
  }

  /**
   * Removes every container, checks the daemon's event log of the sandbox's whole life (no
   * container destroyed twice, whoever removed it), stops the daemon and deletes the folder. It
   * throws, after cleaning up, when the log shows such a removal.
   */
  async dispose(): Promise<void> {
    const violations: string[] = [];
    // A test may have stopped the daemon: then there is nothing to clear, and the log read so far is all there is.
    if (this.pid !== undefined) {
      await this.clear().catch((error: unknown) => violations.push(`clearing the sandbox failed: ${String(error)}`));
    }
    violations.push(...(await this.removalViolations().catch((error: unknown) => [`reading Docker's event log failed: ${String(error)}`])));
    this.#events?.close();
    await this.stopDaemon();
    this.removeFolder();
    if (violations.length > 0) throw new Error(`Docker's event log of the sandbox:\n${violations.join('\n')}`);
  }

  /** What the `destroy` events since the sandbox started say against the rule that needs no graph: each container once. */
  async removalViolations(): Promise<string[]> {
    const seen = new Set<string>();
    const out: string[] = [];
    const events = this.pid === undefined ? (this.#events?.destroyed() ?? []) : await this.destroyEvents();
    for (const event of events) {
      if (seen.has(event.id)) out.push(`container ${event.name} (${event.id}) was destroyed twice`);
      seen.add(event.id);
    }
    return out;
  }

  /**
   * Restarts the daemon as a service restart does: SIGTERM by its PID (or SIGKILL, as if it
   * crashed), a wait for it to exit, then the same daemon on the same folders. The event log carries over, but a container
   * destroyed between the new daemon answering and the new subscription is not in it.
   */
  async restartDaemon(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const earlier = this.#events?.destroyed() ?? [];
    this.#events?.close();
    // After a crash the new dockerd takes over the containerd the old one left running, as on a real host.
    if (signal === 'SIGKILL') await this.killDaemon(false);
    else await this.stopDaemon();
    await this.spawnDaemon(this.storageDriver);
    this.#events = await EventLog.open(this.socketPath, earlier);
  }

  /**
   * Stops the daemon by its PID: SIGTERM and a bounded wait (it stops its containers and its
   * containerd, about 1 to 3 s), then SIGKILL, with its containerd too, which it would leave behind.
   */
  async stopDaemon(): Promise<void> {
    const daemon = this.#daemon;
    if (daemon === undefined || this.pid === undefined) return;
    process.kill(daemon.pid!, 'SIGTERM');
    if (await exited(daemon, STOP_TIMEOUT_MS)) return;
    await this.killDaemon(true);
  }

  /** SIGKILL by its PID, and with `containerd` its containerd too, which it leaves behind. */
  private async killDaemon(containerd: boolean): Promise<void> {
    const daemon = this.#daemon;
    if (daemon === undefined || this.pid === undefined) return;
    const pid = this.containerdPid();
    process.kill(daemon.pid!, 'SIGKILL');
    await exited(daemon, 5_000);
    if (pid === undefined) return;
    if (containerd) process.kill(pid, 'SIGKILL');
    // dockerd gives its containerd a parent-death signal: wait until it is gone, or a new dockerd's
    // containerd finds the old one's state and times out starting.
    for (let waited = 0; waited < 5_000 && alive(pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** The PID of the daemon's containerd, from its pidfile. */
  private containerdPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, 'exec', 'containerd', 'containerd.pid'), 'utf8').trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * dockerd bind-mounts its data root onto itself and unmounts it when it stops; after a SIGKILL
   * that mount and the containers' ones under it stay, and the folder could not be removed.
   */
  private unmountData(): void {
    const data = join(this.dir, 'data');
    if (!existsSync(data)) return;
    for (const flag of ['--recursive', '--lazy']) {
      try {
        execFileSync('umount', [flag, data], { stdio: 'ignore' });
        return;
      } catch {
        // Not mounted (the usual case), or busy: then detach it lazily.
      }
    }
  }

  private removeFolder(): void {
    removeTree(this.dir);
  }
}
