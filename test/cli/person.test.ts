/**
 * Output a person reads, on a spec file (a rehearsal): one line that says so, a hint that
 * suggests the fix for each refusal, a summary naming what failed, names in `--json`, a report
 * line that ends `--json` also when the command is refused, and `--progress none` keeping stderr
 * to podman's own lines.
 */
import type { GraphSpec } from 'podgraph';
import { beforeAll, describe, expect, test } from 'vitest';
import { lines, podgraph, tempDir, writeSpec } from './run-cli.ts';

const HOST: GraphSpec = {
  pods: [{ id: 'aaaa01', name: 'web' }],
  containers: [
    { id: 'bbbb01', name: 'web-infra', pod: 'aaaa01', infra: true, state: 'running' },
    { id: 'bbbb02', name: 'web-app', pod: 'aaaa01', state: 'running' },
    { id: 'cccc01', name: 'db' },
    { id: 'cccc02', name: 'api', dependsOn: ['db'] },
  ],
};

let spec: string;
beforeAll(() => {
  spec = writeSpec(tempDir(), 'host.json', HOST);
});
const rehearsal = () => `podgraph: a rehearsal on ${spec}, in memory: nothing outside this process changes`;

describe.concurrent('a person reads it', () => {
  test('a container with dependents: podman refuses, and a hint says --depend', async ({ expect }) => {
    const result = await podgraph(['rm', 'db', '--spec', spec, '--progress', 'none']);
    expect(result).toMatchObject({ code: 125, stdout: '' });
    const loud = await podgraph(['rm', 'db', '--spec', spec, '--progress', 'plain']);
    expect(lines(loud.stderr)).toEqual([
      rehearsal(),
      expect.stringMatching(/^podgraph: \[1\/1\] failed container db: CTR_EXISTS/),
      'Error: container cccc01 has dependent containers which must be removed before it: cccc02: container already exists',
      'hint: db has dependents that were not selected: --depend removes them too',
      expect.stringMatching(/^podgraph: removed 0 containers and 0 pods in \d+\.\d s; 1 failed: db$/),
    ]);
    // --progress none: podman's own stderr only.
    expect(lines(result.stderr)).toEqual([
      'Error: container cccc01 has dependent containers which must be removed before it: cccc02: container already exists',
    ]);
  });

  test('a pod given to rm, a container given to pod rm: the hint names the other command', async ({ expect }) => {
    const rm = await podgraph(['rm', 'web', '--spec', spec]);
    expect(rm.code).toBe(1);
    expect(lines(rm.stderr).slice(-2)).toEqual([
      'Error: no container with ID or name "web" found: no such container',
      'hint: web is a pod: podgraph pod rm web removes it with its containers',
    ]);
    const podRm = await podgraph(['pod', 'rm', 'db', '--spec', spec]);
    expect(podRm.code).toBe(1);
    expect(lines(podRm.stderr).slice(-2)).toEqual([
      'Error: no pod with name or ID db found: no such pod',
      'hint: db is a container: podgraph rm db removes it',
    ]);
  });

  test('a running member keeps its infra container: the hints say -f, and who kept whom, by name', async ({ expect }) => {
    const result = await podgraph(['pod', 'rm', 'web', '--spec', spec, '--progress', 'plain']);
    expect(result.code).toBe(125);
    const stderr = lines(result.stderr);
    expect(stderr).toContain('hint: web-app is running: -f stops and removes it');
    expect(stderr).toContain('hint: web-infra stays because web-app, which depends on it, could not be removed');
    expect(stderr.at(-1)).toMatch(/^podgraph: removed 0 containers and 0 pods in \d+\.\d s; 3 failed: web-infra, web-app, web$/);
  });

  test('--json: names beside ids in every event and in the report, and a rehearsal says simulated', async ({ expect }) => {
    const result = await podgraph(['rm', '-fa', '--spec', spec, '--json']);
    expect(result.code).toBe(0);
    const json = lines(result.stdout).map((line) => JSON.parse(line));
    const report = json.at(-1);
    expect(report).toMatchObject({ type: 'report', ok: true, source: { engine: 'memory', simulated: true, spec } });
    expect(report.names).toEqual({ aaaa01: 'web', bbbb01: 'web-infra', bbbb02: 'web-app', cccc01: 'db', cccc02: 'api' });
    const removed = json.filter((event) => event.type === 'removed');
    expect(removed.map((event) => event.name).sort()).toEqual(['api', 'db', 'web', 'web-app', 'web-infra']);
    expect(result.stderr).toBe('');
  });

  test('--json refused before any removal still ends with one report line, carrying the error', async ({ expect }) => {
    const unknown = await podgraph(['rm', 'nope', '--spec', spec, '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(lines(unknown.stdout).at(-1)!)).toMatchObject({
      type: 'report',
      ok: false,
      exitCode: 1,
      error: { message: 'no container with ID or name "nope" found: no such container' },
      containers: {},
      pods: {},
    });
    const badFlags = await podgraph(['rm', '-a', 'db', '--spec', spec, '--json']);
    expect(badFlags.code).toBe(125);
    expect(JSON.parse(lines(badFlags.stdout).at(-1)!)).toMatchObject({
      type: 'report',
      ok: false,
      error: { message: 'no arguments are needed with --all' },
    });
  });
});

describe('a mistyped command or flag', () => {
  test('the nearest one is suggested', async () => {
    expect((await podgraph(['rn'])).stderr).toBe(
      "Error: unrecognized command `podgraph rn`\n\nDid you mean this?\n\trm\n\nTry 'podgraph --help' for more information\n",
    );
    expect((await podgraph(['rm', '--forse', 'x'])).stderr).toBe(
      "Error: unknown flag: --forse\n(Did you mean --force?)\nSee 'podgraph rm --help'\n",
    );
  });
});
