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
 *   npm run bench:podman               # 3 rounds
 *   npm run bench:podman -- 5          # rounds
 */
import { ContainerGraph, defaultConcurrency, PodmanRuntime, type PodmanRuntimeOptions, removeGraph } from 'podgraph';
import { sshStatsOf } from '../src/runtime/podman/podman-runtime.ts';
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

async function podgraph(sandbox: PodmanSandbox, options: PodmanRuntimeOptions = { url: sandbox.url }): Promise<PodgraphRun> {
  const runtime = new PodmanRuntime(options);
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const graph = await ContainerGraph.fromRuntime(runtime);
    const inspectMs = performance.now() - started;
    const report = await removeGraph(graph, { all: true, force: true, timeout: 0, runtime });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    if (!report.ok || !(await empty(sandbox))) throw new Error('removeGraph left containers behind');
    const channels = sshStatsOf(runtime)?.channelsOpened;
    return channels === undefined ? { ms, inspectMs, cpuMs } : { ms, inspectMs, cpuMs, channels };
  } finally {
    runtime.close();
  }
}

const rounds = Number(process.argv[2] ?? 3);
const sandbox = await PodmanSandbox.start();
try {
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
} finally {
  await sandbox.dispose();
}
