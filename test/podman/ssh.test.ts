/**
 * ssh:// against OpenSSH's real sshd on loopback, in front of the private podman sandbox: the
 * same removal as over the unix socket, podman's own client against the same sshd, host keys
 * and client keys refused as they must be, many channels on one connection, and sshd dying
 * midway. The environment is injected with a temp HOME, so the host's ~/.ssh is never read.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerGraph, PodmanRuntime, type PodmanRuntimeOptions, type Runtime, removeGraph } from 'podgraph';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { lines, podgraph } from '../cli/run-cli.ts';
import { failure } from '../support/failure.ts';
import { createInPodman, describeState, type Fixture } from '../support/fixtures.ts';
import { TINY_IMAGE } from '../support/podman-sandbox.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { removeAll } from '../support/remove-all.ts';
import { describeSsh, useSshd } from '../support/ssh-tests.ts';

const run = promisify(execFile);

/** Pods, a chain, running containers and one shared through its network. */
const HOST: Fixture = {
  pods: ['p1', 'p2'],
  containers: [
    { name: 'p1-a', pod: 'p1', running: true },
    { name: 'p1-b', pod: 'p1', requires: ['p1-a'] },
    { name: 'p2-a', pod: 'p2' },
    { name: 'c0' },
    { name: 'c1', requires: ['c0'] },
    { name: 'c2', requires: ['c1'] },
    { name: 'r1', running: true },
    { name: 'r2', networkOf: 'r1' },
  ],
};

/**
 * What goes over ssh from now until the test's end, counted where podgraph meets ssh2 (its
 * Client's public methods), not through a hook in the runtime: connections that came up, channels
 * opened, most open at once.
 */
function countSsh2(): { connections: number; channelsOpened: number; maxChannelsOpen: number } {
  const counts = { connections: 0, channelsOpened: 0, maxChannelsOpen: 0 };
  let open = 0;
  const { connect, openssh_forwardOutStreamLocal: forward } = ssh2.Client.prototype;
  vi.spyOn(ssh2.Client.prototype, 'connect').mockImplementation(function (this: ssh2.Client, config) {
    this.once('ready', () => counts.connections++);
    return connect.call(this, config);
  });
  vi.spyOn(ssh2.Client.prototype, 'openssh_forwardOutStreamLocal').mockImplementation(function (this: ssh2.Client, socketPath, callback) {
    return forward.call(this, socketPath, (error, channel) => {
      if (!error) {
        counts.channelsOpened++;
        counts.maxChannelsOpen = Math.max(counts.maxChannelsOpen, ++open);
        channel.once('close', () => open--);
      }
      callback(error, channel);
    });
  });
  return counts;
}

describePodman('ssh:// to a real sshd', () => {
  describeSsh('(sshd)', () => {
    const live = useSandbox();
    const ssh = useSshd();
    const socket = () => live.sandbox.url.slice('unix://'.length);
    /** `count` containers with no dependencies, `PREFIX-i`, created 8 at a time. */
    const createSingles = async (prefix: string, count: number) => {
      const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      for (let i = 0; i < names.length; i += 8) {
        await Promise.all(names.slice(i, i + 8).map((name) => live.sandbox.podman('create', '--name', name, TINY_IMAGE)));
      }
    };
    const runtimes: PodmanRuntime[] = [];
    /** A runtime over ssh with the test's HOME (its known_hosts) and the accepted key. */
    const overSsh = (options: PodmanRuntimeOptions = {}) => {
      const runtime = new PodmanRuntime({
        url: ssh.sshd.url(socket()),
        identity: ssh.sshd.clientKey,
        environment: { env: { HOME: ssh.sshd.home } },
        ...options,
      });
      runtimes.push(runtime);
      return runtime;
    };
    beforeEach(async () => {
      for (const runtime of runtimes.splice(0)) runtime.close();
      // Both host keys, as `ssh-keyscan` writes them (podman 4.3 asks for ECDSA first and refuses a mismatch).
      ssh.sshd.trust(ssh.sshd.knownHostsLine, ssh.sshd.ecdsaKnownHostsLine);
      // No connections but a test's own: a default connection's identity would serve a bare URL too, as in podman.
      rmSync(join(ssh.sshd.home, '.config'), { recursive: true, force: true });
      await ssh.sshd.startSshd();
      await live.sandbox.clear();
    });
    afterEach(() => {
      vi.restoreAllMocks(); // countSsh2's spies
    });

    test.each([true, false])(
      'the whole removal over ssh:// gives the same report and leaves the same state as over unix (force: %s)',
      async (force) => {
        const counted = countSsh2();
        await createInPodman(live.sandbox, HOST);
        const overUnix = (await removeAll(live.runtime, force)).byName;
        const stateAfterUnix = await describeState(live.runtime);
        await live.sandbox.clear();
        await createInPodman(live.sandbox, HOST);
        const runtime = overSsh();
        expect((await removeAll(runtime, force)).byName).toEqual(overUnix);
        expect(await describeState(runtime)).toEqual(stateAfterUnix);
        expect(await describeState(live.runtime)).toEqual(stateAfterUnix);
        expect(counted.connections).toBe(1);
      },
    );

    test('podman --remote --url ssh://... --identity KEY ps works against the same sshd', async () => {
      await live.sandbox.podman('create', '--name', 'seen-over-ssh', TINY_IMAGE);
      const { stdout } = await run(
        'podman',
        ['--remote', '--url', ssh.sshd.url(socket()), '--identity', ssh.sshd.clientKey, 'ps', '-a', '--format', '{{.Names}}'],
        {
          env: { ...live.sandbox.env, HOME: ssh.sshd.home },
        },
      );
      expect(stdout.trim()).toBe('seen-over-ssh');
      expect((await overSsh().inspect()).containers?.map((c) => c.name)).toEqual(['seen-over-ssh']);
    });

    test('podgraph rm -fa --url ssh://... --identity KEY removes over ssh, and exits', async () => {
      await createInPodman(live.sandbox, { containers: [{ name: 'a' }, { name: 'b', requires: ['a'] }] });
      const result = await podgraph(
        ['rm', '-fa', '--url', ssh.sshd.url(socket()), '--identity', ssh.sshd.clientKey, '--progress', 'none'],
        {
          env: { HOME: ssh.sshd.home },
        },
      );
      expect([result.code, result.stderr]).toEqual([0, '']);
      expect(lines(result.stdout)).toHaveLength(2);
      expect(await live.sandbox.podman('ps', '-aq')).toBe('');
    });

    test('an idle ssh runtime lets the process exit without close(), as an idle unix one does', async () => {
      const options = { url: ssh.sshd.url(socket()), identity: ssh.sshd.clientKey, environment: { env: { HOME: ssh.sshd.home } } };
      const script = [
        `import { PodmanRuntime } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};`,
        `const runtime = new PodmanRuntime(${JSON.stringify(options)});`,
        'await runtime.ping();',
        'await Promise.all([runtime.inspect(), runtime.inspect()]);',
        "console.log('done, not closed');",
      ].join('\n');
      const { stdout } = await run('node', ['--input-type=module', '-e', script]);
      expect(stdout.trim()).toBe('done, not closed');
    });

    test('close() ends the SSH connection; the runtime then refuses requests', async () => {
      await ssh.sshd.untilIdle();
      const runtime = overSsh();
      await runtime.ping();
      expect(ssh.sshd.connectionProcesses()).toBeGreaterThan(0);
      runtime.close();
      await ssh.sshd.untilIdle();
      expect((await failure(runtime.ping())).message).toContain(
        `the ssh connection to ${ssh.sshd.user}@127.0.0.1:${ssh.sshd.port} was closed`,
      );
    });

    test('Nagle is off on the SSH connection (with it on, requests on new channels stalled about 40 ms)', async () => {
      const noDelay = vi.spyOn(ssh2.Client.prototype, 'setNoDelay');
      try {
        await overSsh().ping();
        expect(noDelay).toHaveBeenCalledWith(true);
      } finally {
        noDelay.mockRestore();
      }
    });

    test('a hashed known_hosts entry is accepted', async () => {
      ssh.sshd.trust(ssh.sshd.knownHostsLine);
      await run('ssh-keygen', ['-H', '-f', ssh.sshd.knownHosts]);
      await overSsh().ping();
    });

    test('a server with several host keys shows the one known_hosts has (ssh2 alone would pick ed25519)', async () => {
      ssh.sshd.trust(ssh.sshd.ecdsaKnownHostsLine);
      await overSsh().ping();
    });

    test('an unknown host is refused, naming host:port and saying how to trust it', async () => {
      ssh.sshd.trust();
      const error = await failure(overSsh().ping());
      expect(error.code).toBe('RUNTIME');
      expect(error.message).toContain(
        `podman service at ${ssh.sshd.url(socket())}: GET /_ping: ssh: the host key of 127.0.0.1:${ssh.sshd.port} is unknown`,
      );
      expect(error.message).toContain(`trust the host with \`ssh-keyscan -p ${ssh.sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts\``);
    });

    test('a host key that does not match known_hosts is refused', async () => {
      ssh.sshd.trust(ssh.sshd.wrongKnownHostsLine);
      const error = await failure(overSsh().ping());
      expect(error.code).toBe('RUNTIME');
      expect(error.message).toMatch(
        new RegExp(
          `ssh: the host key of 127\\.0\\.0\\.1:${ssh.sshd.port} does not match ~/\\.ssh/known_hosts: the server showed ssh-ed25519 key SHA256:\\S+, which is not the key on record`,
        ),
      );
    });

    test('a client key the server does not accept is refused clearly', async () => {
      const error = await failure(overSsh({ identity: ssh.sshd.strangerKey }).ping());
      expect(error.code).toBe('RUNTIME');
      expect(error.message).toContain(
        `ssh: ${ssh.sshd.user}@127.0.0.1:${ssh.sshd.port} refused the identity ${ssh.sshd.strangerKey}: authentication failed`,
      );
    });

    test('a key with a passphrase is a clear error, not a prompt', async () => {
      const error = await failure(overSsh({ identity: ssh.sshd.passphraseKey }).ping());
      expect(error.message).toContain(
        `the identity file ${ssh.sshd.passphraseKey} is protected by a passphrase, and podgraph does not ask for one`,
      );
    });

    test('a podman machine connection is accepted with an unknown host key; the same connection not marked as one is refused', async () => {
      ssh.sshd.trust();
      const config = join(ssh.sshd.home, '.config', 'containers');
      mkdirSync(config, { recursive: true });
      const destination = { URI: ssh.sshd.url(socket()), Identity: ssh.sshd.clientKey };
      writeFileSync(
        join(config, 'podman-connections.json'),
        JSON.stringify({ Connection: { Default: 'vm', Connections: { vm: { ...destination, IsMachine: true }, plain: destination } } }),
      );
      const environment = { env: { HOME: ssh.sshd.home } };
      const machine = new PodmanRuntime({ environment }); // the default connection
      runtimes.push(machine);
      expect([machine.connection, machine.destination.isMachine]).toEqual(['vm', true]);
      await machine.ping();
      const plain = new PodmanRuntime({ connection: 'plain', environment });
      runtimes.push(plain);
      const error = await failure(plain.ping());
      expect(error.message).toContain(
        `podman service at ${ssh.sshd.url(socket())} (connection plain): GET /_ping: ssh: the host key of 127.0.0.1:${ssh.sshd.port} is unknown`,
      );
    });

    test('without an identity, the keys of SSH_AUTH_SOCK; with neither, a clear error', async () => {
      const agentSocket = join(ssh.sshd.dir, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
      try {
        for (let waited = 0; waited < 200 && !existsSync(agentSocket); waited++) await new Promise((resolve) => setTimeout(resolve, 25));
        await run('ssh-add', [ssh.sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
        const viaAgent = new PodmanRuntime({
          url: ssh.sshd.url(socket()),
          environment: { env: { HOME: ssh.sshd.home, SSH_AUTH_SOCK: agentSocket } },
        });
        runtimes.push(viaAgent);
        await viaAgent.ping();
      } finally {
        agent.kill('SIGTERM');
      }
      const neither = new PodmanRuntime({ url: ssh.sshd.url(socket()), environment: { env: { HOME: ssh.sshd.home } } });
      runtimes.push(neither);
      expect((await failure(neither.ping())).message).toContain(
        `no identity file was given and SSH_AUTH_SOCK is not set: podgraph has no key to log in to ${ssh.sshd.user}@127.0.0.1:${ssh.sshd.port} with`,
      );
    });

    test('a socket that is not there on the server is RUNTIME saying so', async () => {
      const error = await failure(overSsh({ url: ssh.sshd.url('/nonexistent/podman.sock') }).ping());
      expect(error.message).toContain(`cannot open podman's socket /nonexistent/podman.sock on the server`);
    });

    test('nothing listening is RUNTIME: connection refused', async () => {
      const runtime = overSsh();
      await ssh.sshd.kill();
      const error = await failure(runtime.ping());
      expect(error.message).toContain(`ssh: cannot connect to 127.0.0.1:${ssh.sshd.port}: connection refused`);
    });

    test('a lost SSH connection is made again on the next request (retry: false)', async () => {
      const counted = countSsh2();
      const runtime = overSsh({ retry: false });
      await runtime.ping();
      await ssh.sshd.kill();
      expect((await failure(runtime.ping())).code).toBe('RUNTIME');
      await ssh.sshd.startSshd();
      await runtime.ping();
      expect(counted.connections).toBe(2);
    });

    test('a lost SSH connection is retried until sshd is back: the request rides through', async () => {
      const counted = countSsh2();
      const runtime = overSsh();
      await runtime.ping();
      await ssh.sshd.kill();
      setTimeout(() => void ssh.sshd.startSshd(), 300);
      await runtime.ping();
      expect(counted.connections).toBe(2);
    });

    test('32 concurrent removals over one SSH connection, on at most maxSockets channels', async () => {
      const counted = countSsh2();
      const names = Array.from({ length: 32 }, (_, i) => `many-${i}`);
      for (let i = 0; i < names.length; i += 8) {
        await Promise.all(names.slice(i, i + 8).map((name) => live.sandbox.podman('create', '--name', name, TINY_IMAGE)));
      }
      const runtime = overSsh({ maxSockets: 6 });
      const graph = await ContainerGraph.fromRuntime(runtime);
      let inFlight = 0;
      let mostInFlight = 0;
      const counting: Runtime = {
        inspect: () => runtime.inspect(),
        removePod: (id, options) => runtime.removePod(id, options),
        async removeContainer(id, options) {
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          try {
            await runtime.removeContainer(id, options);
          } finally {
            inFlight--;
          }
        },
      };
      const report = await removeGraph(graph, { all: true, force: true, concurrency: 32, runtime: counting });
      expect(report.ok).toBe(true);
      expect(mostInFlight).toBe(32);
      expect(await live.sandbox.podman('ps', '-aq')).toBe('');
      expect(counted.connections).toBe(1);
      // The Agent counts a channel before it opens: 32 requests share the 6 channels.
      expect(counted.maxChannelsOpen).toBe(6);
      expect(counted.channelsOpened).toBe(6);
    });

    test('sshd killed mid-removal and left dead: past the retry budget the call ends, and nothing reported removed still exists', async () => {
      await createSingles('doomed', 24);
      const runtime = overSsh({ retry: { budget: 1_000 } });
      const graph = await ContainerGraph.fromRuntime(runtime);
      let removed = 0;
      let killing: Promise<void> | undefined;
      const report = await removeGraph(graph, {
        all: true,
        force: true,
        concurrency: 2,
        runtime,
        onEvent: (event) => {
          if (event.type === 'removed' && ++removed === 4) killing = ssh.sshd.kill();
        },
      });
      await killing;
      expect(report.ok).toBe(false);
      const left = new Set((await live.sandbox.podman('ps', '-aq', '--no-trunc')).split('\n').filter(Boolean));
      const reportedRemoved = [...report.containers].filter(([, error]) => error === null).map(([id]) => id);
      expect(reportedRemoved.length).toBeGreaterThanOrEqual(4);
      expect(reportedRemoved.filter((id) => left.has(id))).toEqual([]);
      for (const [, error] of report.containers) if (error !== null) expect(error.code).toBe('RUNTIME');
      expect(left.size).toBeGreaterThan(0);
    });

    test('sshd killed mid-removal and started again: the one call rides through and removes everything', async () => {
      await ssh.sshd.startSshd();
      await createSingles('phoenix', 24);
      const runtime = overSsh();
      const graph = await ContainerGraph.fromRuntime(runtime);
      let removed = 0;
      let retries = 0;
      let restart: Promise<void> | undefined;
      const report = await removeGraph(graph, {
        all: true,
        force: true,
        concurrency: 2,
        runtime,
        onEvent: (event) => {
          if (event.type === 'retry') retries++;
          if (event.type === 'removed' && ++removed === 4) {
            restart = (async () => {
              await ssh.sshd.kill();
              await new Promise((resolve) => setTimeout(resolve, 300));
              await ssh.sshd.startSshd();
            })();
          }
        },
      });
      await restart;
      expect([...report.containers.values()].filter((error) => error !== null)).toEqual([]);
      expect(retries).toBeGreaterThan(0);
      expect(await live.sandbox.podman('ps', '-aq')).toBe('');
    });
  });
});
