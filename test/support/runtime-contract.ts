/**
 * One runtime contract, run against MemoryRuntime and PodmanRuntime: the same fixture and the
 * same calls must give the same codes and leave the same state, so the simulator cannot drift
 * from podman.
 */

import { type ErrorCode, PodgraphError, type Runtime } from 'podgraph';
import { expect, test } from 'vitest';
import { describeState, type Fixture, namesOf } from './fixtures.ts';

/** Builds the fixture fresh (nothing else on the runtime) and returns a runtime over it. */
export type RuntimeFactory = (fixture: Fixture) => Promise<Runtime>;

export const CONTRACT_FIXTURE: Fixture = {
  pods: ['web', 'db'],
  containers: [
    { name: 'base' },
    { name: 'mid', requires: ['base'] },
    { name: 'top', requires: ['mid'] },
    { name: 'net', running: true },
    { name: 'netuser', networkOf: 'net' },
    { name: 'web-app', pod: 'web', running: true },
    { name: 'web-side', pod: 'web' },
    { name: 'db-main', pod: 'db' },
  ],
};

const FORCE = { force: true, timeout: 0 };
const GENTLY = { force: false };

async function rejectsWith(call: Promise<void>, code: ErrorCode): Promise<PodgraphError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `rejects with ${code}`).toBeInstanceOf(PodgraphError);
  expect((error as PodgraphError).code, (error as Error).message).toBe(code);
  return error as PodgraphError;
}

export function runtimeContract(make: RuntimeFactory): void {
  async function setup() {
    const runtime = await make(CONTRACT_FIXTURE);
    const names = await namesOf(runtime);
    const id = (name: string) => names.containers.get(name) ?? name;
    const pod = (name: string) => names.pods.get(name) ?? name;
    const state = () => describeState(runtime);
    return { runtime, id, pod, state };
  }

  test('inspect shows pods, infra, members, dependencies and states', async () => {
    const { state } = await setup();
    expect(await state()).toEqual([
      'base created',
      'db-infra created [db]',
      'db-main created [db]',
      'mid created <- base',
      'net running',
      'netuser created <- net',
      'pod db',
      'pod web',
      'top created <- mid',
      'web-app running [web]',
      'web-infra running [web]',
      'web-side created [web]',
    ]);
  });

  test('absent container and pod: NO_SUCH_CTR, NO_SUCH_POD', async () => {
    const { runtime } = await setup();
    await rejectsWith(runtime.removeContainer('no-such-container', FORCE), 'NO_SUCH_CTR');
    await rejectsWith(runtime.removePod('no-such-pod', FORCE), 'NO_SUCH_POD');
  });

  test('a container with dependents: CTR_EXISTS, even forced, and nothing changes', async () => {
    const { runtime, id, state } = await setup();
    const before = await state();
    await rejectsWith(runtime.removeContainer(id('base'), GENTLY), 'CTR_EXISTS');
    await rejectsWith(runtime.removeContainer(id('mid'), FORCE), 'CTR_EXISTS');
    expect(await state()).toEqual(before);
  });

  test('running without force: CTR_STATE_INVALID, reported before its dependents', async () => {
    const { runtime, id } = await setup();
    await rejectsWith(runtime.removeContainer(id('net'), GENTLY), 'CTR_STATE_INVALID');
    await rejectsWith(runtime.removeContainer(id('web-app'), GENTLY), 'CTR_STATE_INVALID');
    await rejectsWith(runtime.removeContainer(id('net'), FORCE), 'CTR_EXISTS');
  });

  test('an infra container alone: INFRA_CTR, running or not, forced or not', async () => {
    const { runtime, id, state } = await setup();
    const before = await state();
    await rejectsWith(runtime.removeContainer(id('web-infra'), FORCE), 'INFRA_CTR');
    await rejectsWith(runtime.removeContainer(id('db-infra'), GENTLY), 'INFRA_CTR');
    expect(await state()).toEqual(before);
  });

  test('a chain goes dependents first, and a second removal finds it gone', async () => {
    const { runtime, id, state } = await setup();
    const [top, mid, base] = [id('top'), id('mid'), id('base')];
    await runtime.removeContainer(top, GENTLY);
    await runtime.removeContainer(mid, GENTLY);
    await runtime.removeContainer(base, GENTLY);
    await rejectsWith(runtime.removeContainer(top, GENTLY), 'NO_SUCH_CTR');
    expect((await state()).filter((line) => /^(top|mid|base) /.test(line))).toEqual([]);
  });

  test('force stops and removes a running container once its dependents are gone', async () => {
    const { runtime, id, state } = await setup();
    await runtime.removeContainer(id('netuser'), GENTLY);
    await runtime.removeContainer(id('net'), FORCE);
    expect((await state()).filter((line) => /^net/.test(line))).toEqual([]);
  });

  test('a pod with a running member, without force: CTR_STATE_INVALID; stopped members go, the rest stays', async () => {
    const { runtime, pod, state } = await setup();
    await rejectsWith(runtime.removePod(pod('web'), GENTLY), 'CTR_STATE_INVALID');
    expect((await state()).filter((line) => line.includes('web'))).toEqual(['pod web', 'web-app running [web]', 'web-infra running [web]']);
  });

  test('removePod removes members and infra (forced when running); then the pod is gone', async () => {
    const { runtime, pod, state } = await setup();
    await runtime.removePod(pod('web'), FORCE);
    await runtime.removePod(pod('db'), GENTLY);
    await rejectsWith(runtime.removePod(pod('web'), FORCE), 'NO_SUCH_POD');
    expect((await state()).filter((line) => /web|db/.test(line))).toEqual([]);
  });
}
