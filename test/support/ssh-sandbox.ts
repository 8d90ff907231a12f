/**
 * A private sshd for ssh:// tests, in front of a private podman sandbox: OpenSSH's own server
 * (as `scripts/setup-ssh.sh` installs it) on 127.0.0.1 and a free port, with its own config,
 * host key, client key and authorized_keys under a temp folder, and a temp HOME whose
 * `.ssh/known_hosts` trusts it. Nothing system-wide changes, the host's ~/.ssh is never read, and
 * the sshd is stopped by its PID (with the per-connection processes it forked, by theirs).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

/** Why ssh tests cannot run here, or undefined when they can. */
export function sshUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return 'OpenSSH server is not installed (run `sudo scripts/setup-ssh.sh`)';
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) return 'sshd needs /run/sshd (run `sudo scripts/setup-ssh.sh`)';
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'ssh-keygen is not installed (run `sudo scripts/setup-ssh.sh`)';
  }
  return undefined;
}

function keygen(file: string, passphrase = '', type = 'ed25519'): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'podgraph-test', '-f', file], { stdio: 'ignore' });
  return file;
}

/** `type base64` of a public key file. */
function publicKey(file: string): string {
  return readFileSync(`${file}.pub`, 'utf8').split(/\s+/).slice(0, 2).join(' ');
}

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Resolves once something on the port speaks SSH (its banner), or rejects after `attempts`. */
async function waitForBanner(port: number, sshd: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (sshd.exitCode !== null) throw new Error(`sshd exited with ${sshd.exitCode}: ${log()}`);
    const banner = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
    });
    if (banner) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port}: ${log()}`);
}

/** The PIDs of a process's descendants, from /proc (sshd forks one process per connection). */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

export class SshSandbox {
  readonly dir: string;
  readonly port: number;
  readonly user: string;
  /** A HOME for the client: `.ssh/known_hosts` trusts this sshd. */
  readonly home: string;
  readonly knownHosts: string;
  /** The client key sshd accepts. */
  readonly clientKey: string;
  /** A key sshd does not accept. */
  readonly strangerKey: string;
  /** The client key again, with a passphrase. */
  readonly passphraseKey: string;
  /** The `[127.0.0.1]:PORT ssh-ed25519 ...` line for this sshd. */
  readonly knownHostsLine: string;
  /** A line for the same name with another host key. */
  readonly wrongKnownHostsLine: string;
  /** The line for this sshd's second host key, an ECDSA one (clients prefer ed25519 unless told). */
  readonly ecdsaKnownHostsLine: string;
  #sshd: ChildProcess | undefined;
  #log = '';

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
    this.user = userInfo().username;
    this.home = join(dir, 'home');
    mkdirSync(join(this.home, '.ssh'), { recursive: true, mode: 0o700 });
    this.knownHosts = join(this.home, '.ssh', 'known_hosts');
    const hostKey = keygen(join(dir, 'host_ed25519'));
    this.clientKey = keygen(join(dir, 'client_ed25519'));
    this.strangerKey = keygen(join(dir, 'stranger_ed25519'));
    this.passphraseKey = keygen(join(dir, 'passphrase_ed25519'), 'correct horse');
    writeFileSync(join(dir, 'authorized_keys'), `${publicKey(this.clientKey)}\n${publicKey(this.passphraseKey)}\n`);
    const ecdsaHostKey = keygen(join(dir, 'host_ecdsa'), '', 'ecdsa');
    this.knownHostsLine = `[127.0.0.1]:${port} ${publicKey(hostKey)}`;
    this.ecdsaKnownHostsLine = `[127.0.0.1]:${port} ${publicKey(ecdsaHostKey)}`;
    this.wrongKnownHostsLine = `[127.0.0.1]:${port} ${publicKey(keygen(join(dir, 'other_host_ed25519')))}`;
    this.trust(this.knownHostsLine);
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        `HostKey ${hostKey}`,
        `HostKey ${ecdsaHostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The keys live under /tmp (mode 1777), which StrictModes refuses.
        'StrictModes no',
        'AllowStreamLocalForwarding yes',
        // Not `no`: OpenSSH then denies direct-streamlocal too ("the request was denied").
        'AllowTcpForwarding local',
        'X11Forwarding no',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
  }

  /** A started sshd. */
  static async start(): Promise<SshSandbox> {
    const sandbox = new SshSandbox(mkdtempSync(join(tmpdir(), 'podgraph-ssh-')), await freePort());
    await sandbox.startSshd();
    return sandbox;
  }

  /** Writes known_hosts with these lines only. */
  trust(...lines: string[]): void {
    writeFileSync(this.knownHosts, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  }

  /** `ssh://user@127.0.0.1:PORT<socketPath>`. */
  url(socketPath: string): string {
    return `ssh://${this.user}@127.0.0.1:${this.port}${socketPath}`;
  }

  get pid(): number | undefined {
    const sshd = this.#sshd;
    return sshd !== undefined && sshd.exitCode === null && sshd.signalCode === null ? sshd.pid : undefined;
  }

  async startSshd(): Promise<void> {
    if (this.pid !== undefined) return;
    const sshd = spawn(SSHD, ['-D', '-e', '-f', join(this.dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    this.#sshd = sshd;
    await waitForBanner(this.port, sshd, () => this.#log);
  }

  /** The processes sshd forked for the connections it serves now (none when no client is connected). */
  connectionProcesses(): number {
    const pid = this.pid;
    return pid === undefined ? 0 : descendantsOf(pid).length;
  }

  /** Resolves once sshd serves no connection (bounded: rejects after about 10 s of polling). */
  async untilIdle(): Promise<void> {
    for (let attempt = 0; attempt < 400; attempt++) {
      if (this.connectionProcesses() === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`sshd still serves ${this.connectionProcesses()} connection processes`);
  }

  /** Kills sshd and every connection it serves (SIGKILL: as if the server died), by their PIDs. */
  async kill(): Promise<void> {
    const sshd = this.#sshd;
    const pid = this.pid;
    if (sshd === undefined || pid === undefined) return;
    const exited = new Promise((resolve) => sshd.once('exit', resolve));
    const forked = descendantsOf(pid);
    process.kill(pid, 'SIGKILL');
    for (const child of forked) {
      try {
        process.kill(child, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
