/** `podgraph plan`: what rm / pod rm would do, for a fixed spec, compared with the expected text. */

import type { GraphSpec } from 'podgraph';
import { beforeAll, describe, test } from 'vitest';
import { lines, podgraph, tempDir, writeSpec } from './run-cli.ts';

/** A pod with a running chain, a standalone chain on a running container, and a loner. */
const SPEC: GraphSpec = {
  pods: [{ id: 'web' }],
  containers: [
    { id: 'web-infra', pod: 'web', infra: true, state: 'running' },
    { id: 'web-app', pod: 'web', state: 'running' },
    { id: 'web-proxy', pod: 'web', state: 'running', dependsOn: ['web-app'] },
    { id: 'db', state: 'running' },
    { id: 'cache', state: 'exited' },
    { id: 'api', dependsOn: ['db', 'cache'] },
    { id: 'worker', dependsOn: ['api'] },
    { id: 'lonely', state: 'exited' },
  ],
};

let spec: string;
beforeAll(() => {
  spec = writeSpec(tempDir(), 'plan.json', SPEC);
});

const text = (...rows: string[]) => `${rows.join('\n')}\n`;

describe.concurrent('plan', () => {
  const rehearsal = () => `podgraph: a rehearsal on ${spec}, in memory: nothing outside this process changes\n`;

  test('plan rm -a: the waves of calls, the calls that would fail, and every item that would not be removed; exits as rm would (2)', async ({
    expect,
  }) => {
    expect(await podgraph(['plan', 'rm', '-a', '--spec', spec])).toEqual({
      code: 2,
      stderr: rehearsal(),
      stdout: text(
        'rm -a: 8 containers and 1 pod selected; 6 calls in 3 waves (2 would fail); 5 items would not be removed',
        '',
        'wave 1:',
        '  remove container web-proxy  fails: CTR_STATE_INVALID',
        '  remove container worker',
        '  remove container lonely',
        '',
        'wave 2:',
        '  remove container api',
        '',
        'wave 3:',
        '  remove container db         fails: CTR_STATE_INVALID',
        '  remove container cache',
        '',
        'would not be removed:',
        '  container web-infra  DEPENDENCY_FAILED  a container that depends on container web-infra could not be removed',
        '  container web-app    DEPENDENCY_FAILED  a container that depends on container web-app could not be removed',
        '  container web-proxy  CTR_STATE_INVALID  cannot remove container web-proxy as it is running - running or paused containers cannot be removed without force',
        '  container db         CTR_STATE_INVALID  cannot remove container db as it is running - running or paused containers cannot be removed without force',
        '  pod web              REMOVING_CTRS      not all containers could be removed from pod web',
      ),
    });
  });

  test('plan rm -fa: everything; the pod, whose containers can all go, in one call that takes them along', async ({ expect }) => {
    expect(await podgraph(['plan', 'rm', '-fa', '--spec', spec])).toEqual({
      code: 0,
      stderr: rehearsal(),
      stdout: text(
        'rm -a -f: 8 containers and 1 pod selected; 6 calls in 3 waves; 0 items would not be removed',
        '',
        'wave 1:',
        '  remove container worker',
        '  remove container lonely',
        '  remove pod web (and web-proxy, web-app, its infra container web-infra)',
        '',
        'wave 2:',
        '  remove container api',
        '',
        'wave 3:',
        '  remove container db',
        '  remove container cache',
      ),
    });
  });

  test('a refusal decided from the graph alone is listed without a call; exits as rm would (125)', async ({ expect }) => {
    expect(await podgraph(['plan', 'rm', 'api', '--spec', spec])).toEqual({
      code: 125,
      stderr: rehearsal(),
      stdout: text(
        'rm api: 1 container and 0 pods selected; 0 calls in 0 waves; 1 item would not be removed',
        '',
        'would not be removed:',
        '  container api  CTR_EXISTS  container api has dependent containers which must be removed before it: worker',
      ),
    });
  });

  test('plan --json', async ({ expect }) => {
    const result = await podgraph(['plan', 'pod', 'rm', 'web', '--json', '--spec', spec]);
    expect(result.code).toBe(125);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      source: { engine: 'memory', simulated: true, spec },
      selected: { containers: 3, pods: 1 },
      waves: [[{ call: 'removeContainer', id: 'web-proxy', expect: 'CTR_STATE_INVALID' }]],
      notRemoved: [
        {
          kind: 'container',
          id: 'web-infra',
          code: 'DEPENDENCY_FAILED',
          message: 'a container that depends on container web-infra could not be removed',
        },
        {
          kind: 'container',
          id: 'web-app',
          code: 'DEPENDENCY_FAILED',
          message: 'a container that depends on container web-app could not be removed',
        },
        {
          kind: 'container',
          id: 'web-proxy',
          code: 'CTR_STATE_INVALID',
          message: 'cannot remove container web-proxy as it is running - running or paused containers cannot be removed without force',
        },
        { kind: 'pod', id: 'web', code: 'REMOVING_CTRS', message: 'not all containers could be removed from pod web' },
      ],
    });
  });

  test('the plan says what rm then does: the same items fail with the same codes', async ({ expect }) => {
    const [plan, removal] = await Promise.all([
      podgraph(['plan', 'rm', '-a', '--json', '--spec', spec]),
      podgraph(['rm', '-a', '--json', '--spec', spec]),
    ]);
    const report = JSON.parse(lines(removal.stdout).at(-1)!);
    const failed = Object.entries({ ...report.containers, ...report.pods })
      .filter(([, error]) => error !== null)
      .map(([id, error]) => `${id} ${(error as { code: string }).code}`);
    const planned = (JSON.parse(plan.stdout).notRemoved as { id: string; code: string }[]).map((item) => `${item.id} ${item.code}`);
    expect(planned.sort()).toEqual(failed.sort());
    expect(planned).toHaveLength(5);
  });

  test('unknown targets and bad flags are refused as rm refuses them', async ({ expect }) => {
    expect(await podgraph(['plan', 'rm', 'bogus', '--spec', spec])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: no container with ID or name "bogus" found: no such container\n',
    });
    expect(await podgraph(['plan', 'pod', 'rm', '-t', '1', 'web', '--spec', spec])).toEqual({
      code: 125,
      stdout: '',
      stderr: 'Error: --force option must be specified to use the --time option\n',
    });
  });
});
