/**
 * What the transport costs podgraph on a real podman, in a private sandbox: the same removal
 * (bench:podman's 55-container host, built through the API before each removal; all, force,
 * timeout 0) over ssh:// (OpenSSH's sshd on loopback in front of the same service,
 * test/support/ssh-sandbox.ts) against over the unix socket, and with the service SIGKILLed once
 * in the middle (when half the calls have started) and restarted, against without.
 *
 *   npm run bench:podman:transport                          # both comparisons, podman4 then podman5, 3 rounds
 *   npm run bench:podman:transport -- --engine podman5 --rounds 5
 *   npm run bench:podman:transport -- --restart             # the restart comparison only (--ssh: the ssh one only)
 */
import { ContainerGraph, PodmanRuntime, type PodmanRuntimeOptions, planRemoval, type RemovalEvent, removeGraph } from 'podgraph';
import ssh2 from 'ssh2';
import { engine } from '../test/support/engines.ts';
import { buildInPodman, podmanHost } from '../test/support/large-fixture.ts';
import { PodmanSandbox } from '../test/support/podman-sandbox.ts';
import { SshSandbox, sshUnavailable } from '../test/support/ssh-sandbox.ts';
import { engineBenchArgs, header, Output } from './engine-bench.ts';
import { median } from './measure.ts';

const fixture = podmanHost(55);

async function empty(sandbox: PodmanSandbox): Promise<boolean> {
  return (await sandbox.podman('ps', '-aq')) === '' && (await sandbox.podman('pod', 'ps', '-q')) === '';
}

interface PodgraphRun {
  ms: number;
  inspectMs: number;
  /** CPU time of this process (user + system) during the run. */
  cpuMs: number;
  channels?: number;
}

/** Channels opened over ssh from now until `stop()`, counted at ssh2's Client (the runtime has no counters). */
function countChannels(): { opened: number; stop(): void } {
  const prototype = ssh2.Client.prototype;
  const forward = prototype.openssh_forwardOutStreamLocal;
  const counted = {
    opened: 0,
    stop: () => {
      prototype.openssh_forwardOutStreamLocal = forward;
    },
  };
  prototype.openssh_forwardOutStreamLocal = function (this: ssh2.Client, socketPath, callback) {
    return forward.call(this, socketPath, (error, channel) => {
      if (!error) counted.opened++;
      callback(error, channel);
    });
  };
  return counted;
}

async function podgraph(
  sandbox: PodmanSandbox,
  options: PodmanRuntimeOptions = { url: sandbox.url },
  onEvent?: (event: RemovalEvent, calls: number) => void,
): Promise<PodgraphRun> {
  const runtime = new PodmanRuntime(options);
  const channels = countChannels();
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const graph = await ContainerGraph.fromRuntime(runtime);
    const inspectMs = performance.now() - started;
    // 'start' events come one per runtime call: a pod removed whole is one call for all its members.
    const calls = planRemoval(graph, { all: true, force: true, timeout: 0 }).calls.length;
    const report = await removeGraph(graph, {
      all: true,
      force: true,
      timeout: 0,
      runtime,
      ...(onEvent === undefined ? {} : { onEvent: (event: RemovalEvent) => onEvent(event, calls) }),
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    if (!report.ok || !(await empty(sandbox))) throw new Error('removeGraph left containers behind');
    return runtime.url.startsWith('ssh://') ? { ms, inspectMs, cpuMs, channels: channels.opened } : { ms, inspectMs, cpuMs };
  } finally {
    channels.stop();
    runtime.close();
  }
}

/** The removal with the service SIGKILLed when half the calls have started, and restarted `downMs` later. */
async function withRestart(sandbox: PodmanSandbox, downMs: number): Promise<PodgraphRun & { restartMs: number; retries: number }> {
  let started = 0;
  let retries = 0;
  let restart: Promise<number> | undefined;
  const run = await podgraph(sandbox, { url: sandbox.url }, (event, calls) => {
    if (event.type === 'retry') retries++;
    if (event.type !== 'start' || ++started !== Math.floor(calls / 2)) return;
    restart = (async () => {
      const killed = performance.now();
      await sandbox.stopService('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await sandbox.startService();
      return performance.now() - killed;
    })();
  });
  if (restart === undefined) throw new Error('the service was not restarted');
  return { ...run, restartMs: await restart, retries };
}

async function restartSection(sandbox: PodmanSandbox, rounds: number): Promise<void> {
  const plain: PodgraphRun[] = [];
  const DOWN = [0, 1000];
  const restarted: Array<Array<Awaited<ReturnType<typeof withRestart>>>> = DOWN.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const sides = ['plain', ...DOWN.map((_, i) => i)];
    for (const side of round % 2 === 0 ? sides : sides.reverse()) {
      await buildInPodman(sandbox, fixture);
      if (side === 'plain') plain.push(await podgraph(sandbox));
      else restarted[side as number]!.push(await withRestart(sandbox, DOWN[side as number]!));
    }
  }
  const plainMs = median(plain.map((r) => r.ms));
  output.line(
    `\npodgraph removeGraph, the same fixture, with one SIGKILL of the service when half the calls have started and a restart (at once, or 1 s later), median of ${rounds} rounds\n`,
  );
  output.line('| removal | wall time | service down (kill to answering) | retried attempts | ratio to without |');
  output.line('|---|---:|---:|---:|---:|');
  output.line(`| without a restart | ${(plainMs / 1000).toFixed(2)} s | | | 1.00x |`);
  for (const [i, runs] of restarted.entries()) {
    const ms = median(runs.map((r) => r.ms));
    output.line(
      `| one restart in the middle${DOWN[i] ? `, ${DOWN[i]} ms later` : ''} | ${(ms / 1000).toFixed(2)} s | ${median(runs.map((r) => r.restartMs)).toFixed(0)} ms | ${runs.map((r) => r.retries).join(', ')} | ${(ms / plainMs).toFixed(2)}x |`,
    );
  }
  output.line(
    `\nrounds (s): without ${plain.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}; ${restarted.map((runs, i) => `down ${DOWN[i]} ms ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}`).join('; ')}`,
  );
}

async function sshSection(sandbox: PodmanSandbox, rounds: number): Promise<void> {
  const noSsh = sshUnavailable();
  if (noSsh !== undefined) {
    output.line(`\nssh:// vs unix: skipped (${noSsh})`);
  } else {
    const sshd = await SshSandbox.start();
    try {
      const overSsh: PodmanRuntimeOptions = {
        url: sshd.url(sandbox.url.slice('unix://'.length)),
        identity: sshd.clientKey,
        environment: { env: { HOME: sshd.home } },
      };
      const unix: PodgraphRun[] = [];
      const ssh: PodgraphRun[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const side of round % 2 === 0 ? ['unix', 'ssh'] : ['ssh', 'unix']) {
          await buildInPodman(sandbox, fixture);
          if (side === 'unix') unix.push(await podgraph(sandbox));
          else ssh.push(await podgraph(sandbox, overSsh));
        }
      }
      const unixMs = median(unix.map((r) => r.ms));
      const sshMs = median(ssh.map((r) => r.ms));
      output.line(`\npodgraph removeGraph, the same fixture, ssh:// (sshd on 127.0.0.1) vs unix socket, median of ${rounds} rounds\n`);
      const cpu = (runs: PodgraphRun[]) => `${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms`;
      output.line('| transport | wall time | inspect (connect included) | podgraph CPU | ratio to unix |');
      output.line('|---|---:|---:|---:|---:|');
      output.line(
        `| unix socket | ${(unixMs / 1000).toFixed(2)} s | ${median(unix.map((r) => r.inspectMs)).toFixed(0)} ms | ${cpu(unix)} | 1.00x |`,
      );
      output.line(
        `| ssh:// (one SSH connection, ${ssh.map((r) => r.channels).join('/')} channels opened) | ${(sshMs / 1000).toFixed(2)} s | ${median(ssh.map((r) => r.inspectMs)).toFixed(0)} ms | ${cpu(ssh)} | ${(sshMs / unixMs).toFixed(2)}x |`,
      );
      output.line(
        `\nrounds (s): unix ${unix.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}; ssh ${ssh.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}`,
      );
    } finally {
      await sshd.dispose();
    }
  }
}

const args = engineBenchArgs('bench:podman:transport', ['podman4', 'podman5'] as const, [55] as const, ['ssh', 'restart']);
const output = new Output(args.out);
header(output, 'bench:podman:transport', 'podgraph over ssh:// and through a service restart');
const both = !args.flags.ssh && !args.flags.restart;
for (const id of args.engines) {
  const sandbox = await PodmanSandbox.start(engine(id));
  try {
    output.line(`## ${sandbox.engine.label}\n`);
    if (both || args.flags.ssh) await sshSection(sandbox, args.rounds);
    if (both || args.flags.restart) await restartSection(sandbox, args.rounds);
  } finally {
    await sandbox.dispose();
  }
}
