/**
 * podgraph against podman's own CLI on a real podman, in a private sandbox (never the host's
 * containers). The same fixture is built before each side: 10 pods x 4 running containers and a
 * 5-level `--requires` chain of created containers. podman's side runs
 * `podman pod rm -fa -t 0 && podman rm -fa -t 0` until nothing is left (4.3 removes one level
 * of a chain per run); podgraph's side reads the graph from the service and removes it in one
 * `removeGraph` call (all, force, timeout 0) through PodmanRuntime.
 *
 *
 * Then the same podgraph removal over ssh:// (OpenSSH's sshd on loopback in front of the same
 * service, test/support/ssh-sandbox.ts) against over the unix socket: the cost of the SSH hop.
 *
 * Then the same removal with the service SIGKILLed once in the middle (when half the calls have
 * started) and restarted at once, against without: the cost of riding through a restart.
 *
 *   npm run bench:podman               # 3 rounds
 *   npm run bench:podman -- 5          # rounds
 *   npm run bench:podman -- 3 restart  # the restart comparison only
 */
import { ContainerGraph, defaultConcurrency, PodmanRuntime, type PodmanRuntimeOptions, type RemovalEvent, removeGraph } from 'podgraph';
import ssh2 from 'ssh2';
import { createInPodman, type Fixture } from '../test/support/fixtures.ts';
import { PodmanSandbox } from '../test/support/podman-sandbox.ts';
import { SshSandbox, sshUnavailable } from '../test/support/ssh-sandbox.ts';
import { median } from './measure.ts';

const PODS = 10;
const MEMBERS = 4;
const CHAIN = 5;

const fixture: Fixture = {
  pods: Array.from({ length: PODS }, (_, p) => `pod${p}`),
  containers: [
    ...Array.from({ length: PODS * MEMBERS }, (_, i) => ({
      name: `pod${Math.floor(i / MEMBERS)}-c${i % MEMBERS}`,
      pod: `pod${Math.floor(i / MEMBERS)}`,
      running: true,
    })),
    ...Array.from({ length: CHAIN }, (_, level) => ({ name: `chain${level}`, requires: level > 0 ? [`chain${level - 1}`] : [] })),
  ],
};

async function empty(sandbox: PodmanSandbox): Promise<boolean> {
  return (await sandbox.podman('ps', '-aq')) === '' && (await sandbox.podman('pod', 'ps', '-q')) === '';
}

async function podmanCli(sandbox: PodmanSandbox): Promise<{ ms: number; runs: number }> {
  const started = performance.now();
  let runs = 0;
  do {
    if (++runs > 20) throw new Error('podman rm -fa still leaves containers after 20 runs');
    // One "run" is the whole command line; exit codes are non-zero while a chain is left.
    const pods = await sandbox.podmanExit('pod', 'rm', '-fa', '-t', '0');
    if (pods.code === 0) await sandbox.podmanExit('rm', '-fa', '-t', '0');
    else if (pods.stderr.includes('no such')) throw new Error(pods.stderr);
  } while (!(await empty(sandbox)));
  return { ms: performance.now() - started, runs };
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
    const calls = graph.size + graph.podIds().length;
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
      await createInPodman(sandbox, fixture);
      if (side === 'plain') plain.push(await podgraph(sandbox));
      else restarted[side as number]!.push(await withRestart(sandbox, DOWN[side as number]!));
    }
  }
  const plainMs = median(plain.map((r) => r.ms));
  console.log(
    `\npodgraph removeGraph, the same fixture, with one SIGKILL of the service when half the calls have started and a restart (at once, or 1 s later), median of ${rounds} rounds\n`,
  );
  console.log('| removal | wall time | service down (kill to answering) | retried attempts | ratio to without |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| without a restart | ${(plainMs / 1000).toFixed(2)} s | | | 1.00x |`);
  for (const [i, runs] of restarted.entries()) {
    const ms = median(runs.map((r) => r.ms));
    console.log(
      `| one restart in the middle${DOWN[i] ? `, ${DOWN[i]} ms later` : ''} | ${(ms / 1000).toFixed(2)} s | ${median(runs.map((r) => r.restartMs)).toFixed(0)} ms | ${runs.map((r) => r.retries).join(', ')} | ${(ms / plainMs).toFixed(2)}x |`,
    );
  }
  console.log(
    `\nrounds (s): without ${plain.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}; ${restarted.map((runs, i) => `down ${DOWN[i]} ms ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}`).join('; ')}`,
  );
}

const rounds = Number(process.argv[2] ?? 3);
const only = process.argv[3];
const sandbox = await PodmanSandbox.start();
try {
  if (only !== 'restart') await cliAndSsh(sandbox, rounds);
  await restartSection(sandbox, rounds);
} finally {
  await sandbox.dispose();
}

async function cliAndSsh(sandbox: PodmanSandbox, rounds: number): Promise<void> {
  const version = await sandbox.podman('version', '--format', '{{.Client.Version}}');
  const cli: Array<{ ms: number; runs: number }> = [];
  const ours: PodgraphRun[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so a warm or cold podman favours neither side.
    for (const side of round % 2 === 0 ? ['cli', 'podgraph'] : ['podgraph', 'cli']) {
      await createInPodman(sandbox, fixture);
      if (side === 'cli') cli.push(await podmanCli(sandbox));
      else ours.push(await podgraph(sandbox));
    }
  }
  const cliMs = median(cli.map((r) => r.ms));
  const oursMs = median(ours.map((r) => r.ms));
  console.log(
    `podman ${version}, ${PODS} pods x ${MEMBERS} running containers + a ${CHAIN}-level --requires chain (${PODS * (MEMBERS + 1) + CHAIN} containers), median of ${rounds} rounds, concurrency ${defaultConcurrency()}\n`,
  );
  console.log('| removal | wall time | runs needed | ratio to podgraph |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| \`podman pod rm -fa -t 0 && podman rm -fa -t 0\` | ${(cliMs / 1000).toFixed(2)} s | ${cli.map((r) => r.runs).join(', ')} | ${(cliMs / oursMs).toFixed(2)}x |`,
  );
  console.log(
    `| podgraph \`removeGraph\` via PodmanRuntime (inspect ${median(ours.map((r) => r.inspectMs)).toFixed(0)} ms included) | ${(oursMs / 1000).toFixed(2)} s | 1 | 1.00x |`,
  );

  const noSsh = sshUnavailable();
  if (noSsh !== undefined) {
    console.log(`\nssh:// vs unix: skipped (${noSsh})`);
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
          await createInPodman(sandbox, fixture);
          if (side === 'unix') unix.push(await podgraph(sandbox));
          else ssh.push(await podgraph(sandbox, overSsh));
        }
      }
      const unixMs = median(unix.map((r) => r.ms));
      const sshMs = median(ssh.map((r) => r.ms));
      console.log(`\npodgraph removeGraph, the same fixture, ssh:// (sshd on 127.0.0.1) vs unix socket, median of ${rounds} rounds\n`);
      const cpu = (runs: PodgraphRun[]) => `${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms`;
      console.log('| transport | wall time | inspect (connect included) | podgraph CPU | ratio to unix |');
      console.log('|---|---:|---:|---:|---:|');
      console.log(
        `| unix socket | ${(unixMs / 1000).toFixed(2)} s | ${median(unix.map((r) => r.inspectMs)).toFixed(0)} ms | ${cpu(unix)} | 1.00x |`,
      );
      console.log(
        `| ssh:// (one SSH connection, ${ssh.map((r) => r.channels).join('/')} channels opened) | ${(sshMs / 1000).toFixed(2)} s | ${median(ssh.map((r) => r.inspectMs)).toFixed(0)} ms | ${cpu(ssh)} | ${(sshMs / unixMs).toFixed(2)}x |`,
      );
      console.log(
        `\nrounds (s): unix ${unix.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}; ssh ${ssh.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}`,
      );
    } finally {
      await sshd.dispose();
    }
  }
}
