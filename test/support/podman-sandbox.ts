/**
 * A private podman for tests and benchmarks: its own storage, run dir, tmp dir, lock table and
 * config under a temp folder, and its own API service on a private socket, so `all: true` never
 * touches the host's containers and test files can run in parallel. Each sandbox runs one engine
 * of the matrix (test/support/engines.ts): the host's podman 4.3.1, as `scripts/setup-podman.sh`
 * installs it (root, runc, cgroupfs, and the image localhost/tiny:latest in the host's store), or
 * podman 5 from the forky root of `scripts/setup-engines.sh`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PodmanRuntime } from 'podgraph';
import { type Engine, engine as engineNamed } from './engines.ts';
import { removeTree } from './remove-tree.ts';

export const TINY_IMAGE = 'localhost/tiny:latest';

const run = promisify(execFile);

let hostImage: string | undefined | null = null;

/** Why the host podman's tiny image (what every sandbox loads) is not there, or undefined. */
export function podmanUnavailable(): string | undefined {
  if (hostImage !== null) return hostImage;
  const host = engineNamed('podman4').unavailable;
  if (host !== undefined) return (hostImage = host);
  try {
    execFileSync('podman', ['image', 'exists', TINY_IMAGE], { stdio: 'ignore' });
    hostImage = undefined;
  } catch {
    hostImage = `podman has no ${TINY_IMAGE} image (run \`sudo bash scripts/setup-podman.sh\`)`;
  }
  return hostImage;
}

/** Why a sandbox of this podman engine cannot run here, or undefined when it can. */
export function sandboxUnavailable(engine: Engine): string | undefined {
  return engine.unavailable ?? podmanUnavailable();
}

/** The image as a tar, saved once from the host's store and loaded into every sandbox. */
function tinyImageTar(): string {
  const tar = join(tmpdir(), `podgraph-tiny-${process.getuid?.() ?? 0}.tar`);
  if (!existsSync(tar)) {
    const partial = `${tar}.${process.pid}`;
    execFileSync('podman', ['save', '--quiet', '-o', partial, TINY_IMAGE]);
    renameSync(partial, tar);
  }
  return tar;
}

function config(dir: string): NodeJS.ProcessEnv {
  const containersConf = join(dir, 'containers.conf');
  const storageConf = join(dir, 'storage.conf');
  writeFileSync(
    containersConf,
    [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      // No network: the sandboxes share the host's bridge, and nothing here needs one.
      'netns = "none"',
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      // Its own lock table under tmp_dir: a podman starting fresh frees every lock of the shared /dev/shm one.
      'lock_type = "file"',
      `tmp_dir = "${join(dir, 'tmp')}"`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    storageConf,
    ['[storage]', 'driver = "overlay"', `graphroot = "${join(dir, 'root')}"`, `runroot = "${join(dir, 'run')}"`, ''].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, CONTAINERS_CONF: containersConf, CONTAINERS_STORAGE_CONF: storageConf };
  delete env.CONTAINER_HOST;
  return env;
}

export class PodmanSandbox {
  /** `unix://` URL of this sandbox's API service. */
  readonly url: string;
  readonly dir: string;
  /** The podman this sandbox runs. */
  readonly engine: Engine;
  /** Environment that points the podman CLI at this sandbox. */
  readonly env: NodeJS.ProcessEnv;
  #service: ChildProcess | undefined;

  /** When the sandbox was made (RFC 3339), where its event log starts for the checks. */
  readonly #started = new Date().toISOString();

  private constructor(dir: string, engine: Engine) {
    this.dir = dir;
    this.engine = engine;
    this.url = `unix://${join(dir, 'podman.sock')}`;
    this.env = config(dir);
  }

  /** A new sandbox of `engine` (podman 4.3.1 by default) with the tiny image loaded and its service answering. */
  static async start(engine: Engine = engineNamed('podman4')): Promise<PodmanSandbox> {
    const sandbox = new PodmanSandbox(mkdtempSync(join(tmpdir(), 'podgraph-podman-')), engine);
    await sandbox.podman('load', '--quiet', '-i', tinyImageTar());
    await sandbox.startService();
    return sandbox;
  }

  /** The service's PID, while it runs. */
  get servicePid(): number | undefined {
    const service = this.#service;
    return service !== undefined && service.exitCode === null && service.signalCode === null ? service.pid : undefined;
  }

  /** Runs the podman CLI in this sandbox; resolves with stdout, trimmed, and rejects on a non-zero exit. */
  async podman(...args: string[]): Promise<string> {
    const { code, stdout, stderr } = await this.podmanExit(...args);
    if (code !== 0) throw new Error(`podman ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`);
    return stdout.trim();
  }

  /** Runs the podman CLI in this sandbox and resolves with its exit code and output, never rejecting. */
  async podmanExit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const command = this.engine.command('podman', args, this.env);
      const { stdout, stderr } = await run(command.file, command.args, { env: command.env, maxBuffer: 64 * 2 ** 20 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; code?: number };
      return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
    }
  }

  /** Starts `podman system service` on the private socket and waits until it answers. */
  async startService(): Promise<void> {
    if (this.servicePid !== undefined) return;
    rmSync(this.url.slice('unix://'.length), { force: true });
    this.#service = await this.serve(this.url);
  }

  /**
   * Starts one more API service of this sandbox at `url` (say `tcp://127.0.0.1:PORT`) and resolves
   * with its process once `/_ping` answers; the caller stops it.
   */
  async serve(url: string): Promise<ChildProcess> {
    // A forky podman serves tcp:// from the host's network namespace, where the tests can reach it.
    const command = this.engine.command('podman', ['system', 'service', '--time=0', url], this.env, {
      hostNetwork: url.startsWith('tcp://'),
    });
    const service = spawn(command.file, command.args, { env: command.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    service.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const runtime = new PodmanRuntime({ url });
    try {
      for (let waited = 0; waited < 20_000; waited += 50) {
        if (service.exitCode !== null) throw new Error(`podman system service exited with ${service.exitCode}: ${stderr}`);
        if (
          await runtime.ping().then(
            () => true,
            () => false,
          )
        )
          return service;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      runtime.close();
    }
    service.kill('SIGKILL');
    throw new Error(`podman system service did not answer on ${url} within 20 s: ${stderr}`);
  }

  /** Stops the service by its PID (SIGKILL: as if it died) and waits for it to exit. */
  async stopService(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const service = this.#service;
    if (service === undefined || this.servicePid === undefined) return;
    const exited = new Promise((resolve) => service.once('exit', resolve));
    process.kill(service.pid!, signal);
    await exited;
  }

  /**
   * Removes every pod and container with the CLI. podman 4.3's `rm -fa` removes one level of a
   * chain per run, so it runs until nothing is left (bounded, so a stuck one fails the test).
   */
  async clear(): Promise<void> {
    await this.podman('pod', 'rm', '-fa', '-t', '0');
    for (let run = 0; run < 50; run++) {
      if ((await this.podman('ps', '-aq')) === '') return;
      await this.podmanExit('rm', '-fa', '-t', '0');
    }
    throw new Error(`containers are left in the sandbox: ${await this.podman('ps', '-a')}`);
  }

  /**
   * Stops the service, removes everything in the store and deletes the folder. First, podman's
   * own event log of the sandbox's whole life is checked (every podman test, whoever removed
   * what): no container, pod or volume removed twice, no pod removed before one of its members. It
   * throws, after cleaning up, when podman recorded such a removal.
   */
  async dispose(): Promise<void> {
    await this.stopService();
    const violations = await this.removalViolations().catch((error: unknown) => [`reading podman's event log failed: ${String(error)}`]);
    await this.clear().catch(() => undefined);
    removeTree(this.dir);
    if (violations.length > 0) throw new Error(`podman's event log of the sandbox:\n${violations.join('\n')}`);
  }

  /** What podman's `remove` events since the sandbox started say against the order rules that need no graph. */
  async removalViolations(): Promise<string[]> {
    const text = await this.podman('events', '--stream=false', '--since', this.#started, '--filter', 'event=remove', '--format', 'json');
    const out: string[] = [];
    const removed = new Set<string>();
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const event = JSON.parse(line) as { ID?: string; Name: string; Type: string; PodID?: string };
      // A volume's event has no ID: its name is what identifies it.
      const key = `${event.Type} ${event.ID ?? event.Name}`;
      if (removed.has(key)) out.push(`${event.Type} ${event.Name} (${event.ID ?? 'by name'}) was removed twice`);
      removed.add(key);
      if (event.Type === 'container' && event.PodID && removed.has(`pod ${event.PodID}`)) {
        out.push(`container ${event.Name} was removed after its pod ${event.PodID}`);
      }
    }
    return out;
  }
}
