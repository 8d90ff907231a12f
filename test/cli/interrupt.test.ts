/**
 * Ctrl-C in the middle of a slow spec-file removal: exit 130, the calls in flight finish, nothing
 * new starts, and the partial report says exactly what was removed and what was not attempted,
 * consistently with the dependency order.
 */
import type { ChildProcess } from 'node:child_process';
import type { GraphSpec } from 'podgraph';
import { beforeAll, describe, test } from 'vitest';
import { lines, startPodgraph, tempDir, writeSpec } from './run-cli.ts';

/** Four chains of five running containers, and a pod with an infra container and three members: 25 report entries. */
function slowHost(pods: boolean): GraphSpec {
  const containers: NonNullable<GraphSpec['containers']> = [];
  for (let chain = 0; chain < 4; chain++) {
    for (let level = 0; level < 5; level++) {
      containers.push({ id: `k${chain}-${level}`, state: 'running', ...(level > 0 ? { dependsOn: [`k${chain}-${level - 1}`] } : {}) });
    }
  }
  if (!pods) return { containers };
  containers.push({ id: 'p-infra', pod: 'p', infra: true, state: 'running' });
  for (let member = 0; member < 3; member++) containers.push({ id: `p-${member}`, pod: 'p', state: 'running' });
  return { pods: [{ id: 'p' }], containers };
}

/** Runs podgraph, sends SIGINT once `ready(stdout)` holds, and collects everything. */
function interruptWhen(
  args: string[],
  ready: (stdout: string) => boolean,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child: ChildProcess = startPodgraph(args);
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!sent && ready(stdout)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

let withPods: string;
let withoutPods: string;
beforeAll(() => {
  const dir = tempDir();
  withPods = writeSpec(dir, 'slow-pods.json', slowHost(true));
  withoutPods = writeSpec(dir, 'slow.json', slowHost(false));
});

interface Event {
  type: string;
  kind: 'container' | 'pod';
  id: string;
  error?: { code: string };
}

describe.concurrent('Ctrl-C', () => {
  test('--json: exit 130 and a partial report consistent with the events and with the dependency order', async ({ expect }) => {
    const removedCount = (stdout: string) => lines(stdout).filter((line) => line.includes('"type":"removed"')).length;
    const result = await interruptWhen(
      ['rm', '-fa', '--spec', withPods, '--latency', '150', '--concurrency', '2', '--json'],
      (stdout) => removedCount(stdout) >= 3,
    );
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('');

    const output = lines(result.stdout).map((line) => JSON.parse(line));
    const report = output.pop();
    const events = output as Event[];
    expect(report).toMatchObject({ type: 'report', ok: false, interrupted: true, exitCode: 130 });
    const entries = new Map<string, { code: string } | null>([
      ...Object.entries(report.containers as Record<string, { code: string } | null>).map(
        ([id, error]) => [`container ${id}`, error] as const,
      ),
      ...Object.entries(report.pods as Record<string, { code: string } | null>).map(([id, error]) => [`pod ${id}`, error] as const),
    ]);
    expect(entries.size).toBe(25);

    // Every entry is removed or not attempted; nothing failed.
    const removed = [...entries].filter(([, error]) => error === null).map(([key]) => key);
    const aborted = [...entries]
      .filter(([, error]) => error !== null)
      .map(([key, error]) => {
        expect(error!.code).toBe('ABORTED');
        return key;
      });
    expect(removed.length).toBeGreaterThanOrEqual(3);
    expect(aborted.length).toBeGreaterThan(0);

    // The events tell the same story: each started call finished with a removal (in-flight calls
    // finish), no call started after the abort, and an aborted item was never started.
    const key = (event: Event) => `${event.kind} ${event.id}`;
    const started = events.filter((event) => event.type === 'start').map(key);
    expect(
      events
        .filter((event) => event.type === 'removed')
        .map(key)
        .sort(),
    ).toEqual([...removed].sort());
    expect(
      events
        .filter((event) => event.type === 'failed')
        .map(key)
        .sort(),
    ).toEqual([...aborted].sort());
    expect(started.filter((item) => aborted.includes(item))).toEqual([]);
    const firstAbort = events.findIndex((event) => event.error?.code === 'ABORTED');
    expect(events.findLastIndex((event) => event.type === 'start')).toBeLessThan(firstAbort);

    // Dependents first: a removed container's dependents were removed; a removed pod's members too.
    const spec = slowHost(true);
    for (const container of spec.containers!) {
      for (const dependency of container.dependsOn ?? []) {
        if (removed.includes(`container ${dependency}`)) expect(removed).toContain(`container ${container.id}`);
      }
      if (container.pod !== undefined && removed.includes(`pod ${container.pod}`)) expect(removed).toContain(`container ${container.id}`);
    }
  });

  test('on a pipe: removed containers on stdout; plain progress lines, then the partial report, on stderr', async ({ expect }) => {
    const result = await interruptWhen(
      ['rm', '-fa', '--spec', withoutPods, '--latency', '150', '--concurrency', '2'],
      (stdout) => lines(stdout).length >= 3,
    );
    expect(result.code).toBe(130);
    const removed = lines(result.stdout);
    expect(removed.length).toBeGreaterThanOrEqual(3);
    expect(removed.length).toBeLessThan(20);
    const stderr = lines(result.stderr);
    expect(stderr.pop()).toBe(`Error: interrupted: ${removed.length} of 20 items removed, 0 failed, ${20 - removed.length} not attempted`);
    expect(stderr.every((line) => line.startsWith('podgraph: '))).toBe(true);
    expect(stderr).toContain(
      'podgraph: interrupted: letting the calls in flight finish, starting nothing new (Ctrl-C again to quit at once)',
    );
    expect(stderr.filter((line) => / removed container /.test(line))).toHaveLength(removed.length);
    expect(stderr.filter((line) => / skipped container .* \(interrupted\)/.test(line))).toHaveLength(20 - removed.length);
    // Chains go from the top: whatever was removed of a chain is its top levels.
    for (let chain = 0; chain < 4; chain++) {
      const levels = removed
        .filter((id) => id.startsWith(`k${chain}-`))
        .map((id) => Number(id.split('-')[1]))
        .sort();
      expect(levels).toEqual(levels.map((_, i) => 4 - i).sort());
    }
  });
});
