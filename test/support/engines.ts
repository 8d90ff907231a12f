/**
 * The engine matrix: every suite that talks to a real podman runs on podman 4.3.1 (Debian 12's,
 * on the host) and podman 5 (Debian forky's, in the root filesystem that
 * `scripts/setup-engines.sh` makes); every suite that talks to dockerd runs on 20.10 (host) and
 * 28 (forky). `PODGRAPH_ENGINES=podman5,docker28` narrows a local run; CI runs them all.
 *
 * A forky engine runs through `nsenter --net=<its netns> chroot <root> env -i ... <binary>`: each
 * of those execs the next, so a spawned child's PID is the engine's own, and stopping it by PID
 * stops the engine. The host's /tmp and /var/tmp are bind-mounted at the same paths in the root,
 * so a sandbox's folder, socket and files have one path for the host and for the engine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type EngineKind = 'podman' | 'docker';
export type EngineId = 'podman4' | 'podman5' | 'docker20' | 'docker28';

export interface Engine {
  readonly id: EngineId;
  readonly kind: EngineKind;
  /** `podman 4.3.1`, `Docker 28.5.2`: what test names carry. */
  readonly label: string;
  /** The version the binary reports (`5.8.6`), or undefined when it cannot run here. */
  readonly version: string | undefined;
  /** The major version (4, 5, 20, 28). */
  readonly major: number;
  /** Why it cannot run here, or undefined when it can. */
  readonly unavailable: string | undefined;
  /**
   * How to run one of its binaries: the file, its arguments and environment. `hostNetwork` keeps
   * a forky engine in the host's network namespace (a service on tcp://127.0.0.1 the tests reach).
   */
  command(
    binary: 'podman' | 'dockerd' | 'docker',
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    options?: { hostNetwork?: boolean },
  ): { file: string; args: string[]; env: NodeJS.ProcessEnv };
  /**
   * A folder to put first in PATH so that `podman` there is this engine's (a script that execs it,
   * passing on the caller's CONTAINERS_* and HOME): what a CLI that runs `podman` itself needs.
   */
  binDir(): string;
}

/** Where setup-engines.sh made the forky root filesystem. */
export const FORKY_ROOT = process.env.PODGRAPH_FORKY ?? '/var/lib/podgraph/forky';
const FORKY_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The variables a forky engine gets from the caller's environment (the rest of the host's stays out). */
const PASSED = [
  'CONTAINERS_CONF',
  'CONTAINERS_CONF_OVERRIDE',
  'CONTAINERS_STORAGE_CONF',
  'CONTAINER_HOST',
  'CONTAINER_CONNECTION',
  'CONTAINER_SSHKEY',
  'DOCKER_CONFIG',
  'HOME',
  'TMPDIR',
];

function versionOf(file: string, args: string[], pattern: RegExp): string | undefined {
  try {
    const text = execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    return pattern.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

const SETUP_ENGINES = 'run `sudo bash scripts/setup-engines.sh`';

/** Why the forky root cannot run engines now (not made, or not mounted), or undefined. */
function forkyUnavailable(netns: string): string | undefined {
  if (process.getuid?.() !== 0) return 'the forky engines need root (chroot, nsenter)';
  if (!existsSync(join(FORKY_ROOT, '.podgraph-bootstrapped'))) return `no forky root filesystem at ${FORKY_ROOT} (${SETUP_ENGINES})`;
  const mounted = (inside: string, outside: string) => {
    try {
      return (
        statSync(join(FORKY_ROOT, inside)).ino === statSync(outside).ino && statSync(join(FORKY_ROOT, inside)).dev === statSync(outside).dev
      );
    } catch {
      return false;
    }
  };
  if (!mounted('var/tmp', '/var/tmp') || !mounted('tmp', '/tmp') || !existsSync(join(FORKY_ROOT, 'proc', 'self'))) {
    return `${FORKY_ROOT} is not mounted (run \`sudo bash scripts/setup-engines.sh --mount\`)`;
  }
  if (!existsSync(`/run/netns/${netns}`)) return `no network namespace ${netns} (run \`sudo bash scripts/setup-engines.sh --mount\`)`;
  return undefined;
}

function hostEngine(id: 'podman4' | 'docker20'): Engine {
  const kind: EngineKind = id === 'podman4' ? 'podman' : 'docker';
  const version =
    kind === 'podman'
      ? versionOf('podman', ['--version'], /version (\S+)/)
      : versionOf('/usr/sbin/dockerd', ['--version'], /version ([^\s,+]+)/);
  let unavailable: string | undefined;
  if (version === undefined) {
    unavailable =
      kind === 'podman'
        ? 'podman is not installed (run `sudo bash scripts/setup-podman.sh`)'
        : 'docker is not installed: no /usr/sbin/dockerd (run `sudo bash scripts/setup-docker.sh`)';
  } else if (kind === 'docker' && process.getuid?.() !== 0) {
    unavailable = 'a private dockerd needs root (run the Docker tests as root)';
  }
  // The CLI that comes with docker.io matches the daemon's API; a newer one earlier in PATH would do too.
  const dockerCli = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
  return {
    id,
    kind,
    label: `${kind === 'podman' ? 'podman' : 'Docker'} ${version ?? (kind === 'podman' ? '4' : '20.10')}`,
    version,
    major: Number((version ?? (kind === 'podman' ? '4' : '20')).split('.')[0]),
    unavailable,
    command: (binary, args, env) => ({
      file: binary === 'dockerd' ? '/usr/sbin/dockerd' : binary === 'docker' ? dockerCli : binary,
      args: [...args],
      env,
    }),
    binDir: () => dirname(execFileSync('sh', ['-c', 'command -v podman'], { encoding: 'utf8' }).trim()),
  };
}

function forkyEngine(id: 'podman5' | 'docker28'): Engine {
  const kind: EngineKind = id === 'podman5' ? 'podman' : 'docker';
  const netns = id === 'podman5' ? 'podgraph-podman5' : 'podgraph-docker28';
  const wrap = (binary: string, args: readonly string[], env: NodeJS.ProcessEnv, hostNetwork = false) => {
    const passed = PASSED.filter((name) => env[name] !== undefined).map((name) => `${name}=${env[name]}`);
    const chroot = ['chroot', FORKY_ROOT, '/usr/bin/env', '-i', `PATH=${FORKY_PATH}`, 'PODMAN_IGNORE_CGROUPSV1_WARNING=1'];
    const inner = [...chroot, ...(env.HOME === undefined ? ['HOME=/root'] : []), ...passed, binary, ...args];
    return hostNetwork
      ? { file: inner[0]!, args: inner.slice(1), env }
      : { file: 'nsenter', args: [`--net=/run/netns/${netns}`, ...inner], env };
  };
  let unavailable = forkyUnavailable(netns);
  let version: string | undefined;
  if (unavailable === undefined) {
    const { file, args } = wrap(kind === 'podman' ? 'podman' : 'dockerd', ['--version'], {});
    version = versionOf(file, args, kind === 'podman' ? /version (\S+)/ : /version ([^\s,+]+)/);
    if (version === undefined) unavailable = `${kind === 'podman' ? 'podman' : 'dockerd'} does not run in ${FORKY_ROOT} (${SETUP_ENGINES})`;
  }
  return {
    id,
    kind,
    label: `${kind === 'podman' ? 'podman' : 'Docker'} ${version ?? (kind === 'podman' ? '5' : '28')}`,
    version,
    major: Number((version ?? (kind === 'podman' ? '5' : '28')).split('.')[0]),
    unavailable,
    command: (binary, args, env, options) => wrap(binary, args, env, options?.hostNetwork),
    binDir: () => {
      const dir = join(tmpdir(), `podgraph-bin-${id}-${process.pid}`);
      if (!existsSync(join(dir, 'podman'))) {
        mkdirSync(dir, { recursive: true });
        // `exec` all the way down: the PID a caller gets is podman's own.
        const passed = PASSED.map((name) => `\${${name}:+${name}="$${name}"}`).join(' ');
        const script = `#!/bin/sh\nexec nsenter --net=/run/netns/${netns} chroot ${FORKY_ROOT} /usr/bin/env -i PATH=${FORKY_PATH} PODMAN_IGNORE_CGROUPSV1_WARNING=1 HOME="\${HOME:-/root}" ${passed} podman "$@"\n`;
        writeFileSync(join(dir, 'podman'), script, { mode: 0o755 });
      }
      return dir;
    },
  };
}

const ALL: readonly EngineId[] = ['podman4', 'podman5', 'docker20', 'docker28'];

/** The engines `PODGRAPH_ENGINES` asks for (all by default); an unknown name fails at once. */
function selected(): readonly EngineId[] {
  const asked = process.env.PODGRAPH_ENGINES;
  if (asked === undefined || asked.trim() === '') return ALL;
  const names = asked.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!ALL.includes(name as EngineId))
      throw new Error(`PODGRAPH_ENGINES: unknown engine ${JSON.stringify(name)}; known: ${ALL.join(', ')}`);
  }
  return ALL.filter((id) => names.includes(id));
}

const made = new Map<EngineId, Engine>();

/** The engine, probed once per test file. */
export function engine(id: EngineId): Engine {
  let found = made.get(id);
  if (found === undefined) {
    found = id === 'podman4' || id === 'docker20' ? hostEngine(id) : forkyEngine(id);
    made.set(id, found);
  }
  return found;
}

/** The engines of a kind this run covers, in matrix order (the old first). */
export function enginesOf(kind: EngineKind): Engine[] {
  return selected()
    .filter((id) => id.startsWith(kind))
    .map(engine);
}
