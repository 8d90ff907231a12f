/**
 * One runtime contract, run against MemoryRuntime and PodmanRuntime: the same fixture and the
 * same calls must give the same codes and leave the same state, so the simulator cannot drift
 * from podman. With rules 'docker' it states Docker Engine's rules instead (no pods; a container
 * with dependents is removed and they are left behind), for MemoryRuntime's Docker mode and a
 * real Docker: ids may be the engine's, every step goes through the fixture's names.
 */

import { type ErrorCode, PodgraphError, type Runtime } from 'podgraph';
import { expect, test } from 'vitest';
import { describeState, type Fixture, namesOf } from './fixtures.ts';

/** Builds the fixture fresh (nothing else on the runtime) and returns a runtime over it. */
export type RuntimeFactory = (fixture: Fixture) => Promise<Runtime>;

/** Whose removal rules the runtime under test follows. */
export type ContractRules = 'podman' | 'docker';

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

/** Docker has no pods (nor `--requires`): the same chain and the same running container with a user, by `--network container:X`. */
export const DOCKER_CONTRACT_FIXTURE: Fixture = {
  containers: [
    { name: 'base' },
    { name: 'mid', networkOf: 'base' },
    { name: 'top', networkOf: 'mid' },
    { name: 'net', running: true },
    { name: 'netuser', networkOf: 'net' },
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

export function runtimeContract(make: RuntimeFactory, rules: ContractRules = 'podman'): void {
  const docker = rules === 'docker';
  // Where the rules differ, each states its own; the other's is not registered at all.
  const only =
    (applies: boolean) =>
    (name: string, body: () => Promise<void>): void => {
      if (applies) test(name, body);
    };
  const podmanTest = only(!docker);
  const dockerTest = only(docker);

  async function setup() {
    const runtime = await make(docker ? DOCKER_CONTRACT_FIXTURE : CONTRACT_FIXTURE);
    const names = await namesOf(runtime);
    const id = (name: string) => names.containers.get(name) ?? name;
    const pod = (name: string) => names.pods.get(name) ?? name;
    const state = () => describeState(runtime);
    return { runtime, id, pod, state };
  }

  podmanTest('inspect shows pods, infra, members, dependencies and states', async () => {
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

  dockerTest('inspect shows containers, dependencies and states, and no pods', async () => {
    const { runtime, state } = await setup();
    expect(await state()).toEqual(['base created', 'mid created <- base', 'net running', 'netuser created <- net', 'top created <- mid']);
    expect((await runtime.inspect()).pods ?? []).toEqual([]);
  });

  test('absent container and pod: NO_SUCH_CTR, NO_SUCH_POD', async () => {
    const { runtime } = await setup();
    await rejectsWith(runtime.removeContainer('no-such-container', FORCE), 'NO_SUCH_CTR');
    await rejectsWith(runtime.removePod('no-such-pod', FORCE), 'NO_SUCH_POD');
  });

  podmanTest('a container with dependents: CTR_EXISTS, even forced, and nothing changes', async () => {
    const { runtime, id, state } = await setup();
    const before = await state();
    await rejectsWith(runtime.removeContainer(id('base'), GENTLY), 'CTR_EXISTS');
    await rejectsWith(runtime.removeContainer(id('mid'), FORCE), 'CTR_EXISTS');
    expect(await state()).toEqual(before);
  });

  dockerTest('a container with dependents is removed, forced or not; its dependents stay, without that dependency', async () => {
    const { runtime, id, state } = await setup();
    await runtime.removeContainer(id('base'), GENTLY);
    expect(await state()).toEqual(['mid created', 'net running', 'netuser created <- net', 'top created <- mid']);
    await runtime.removeContainer(id('mid'), FORCE);
    expect(await state()).toEqual(['net running', 'netuser created <- net', 'top created']);
    await rejectsWith(runtime.removeContainer(id('base'), GENTLY), 'NO_SUCH_CTR');
  });

  podmanTest('running without force: CTR_STATE_INVALID, reported before its dependents', async () => {
    const { runtime, id } = await setup();
    await rejectsWith(runtime.removeContainer(id('net'), GENTLY), 'CTR_STATE_INVALID');
    await rejectsWith(runtime.removeContainer(id('web-app'), GENTLY), 'CTR_STATE_INVALID');
    await rejectsWith(runtime.removeContainer(id('net'), FORCE), 'CTR_EXISTS');
  });

  dockerTest(
    'running without force: CTR_STATE_INVALID and nothing changes; forced, it goes though a container uses its network',
    async () => {
      const { runtime, id, state } = await setup();
      const before = await state();
      await rejectsWith(runtime.removeContainer(id('net'), GENTLY), 'CTR_STATE_INVALID');
      expect(await state()).toEqual(before);
      await runtime.removeContainer(id('net'), FORCE);
      expect((await state()).filter((line) => /^net/.test(line))).toEqual(['netuser created']);
    },
  );

  podmanTest('an infra container alone: INFRA_CTR, running or not, forced or not', async () => {
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

  podmanTest('a pod with a running member, without force: CTR_STATE_INVALID; stopped members go, the rest stays', async () => {
    const { runtime, pod, state } = await setup();
    await rejectsWith(runtime.removePod(pod('web'), GENTLY), 'CTR_STATE_INVALID');
    expect((await state()).filter((line) => line.includes('web'))).toEqual(['pod web', 'web-app running [web]', 'web-infra running [web]']);
  });

  podmanTest('removePod removes members and infra (forced when running); then the pod is gone', async () => {
    const { runtime, pod, state } = await setup();
    await runtime.removePod(pod('web'), FORCE);
    await runtime.removePod(pod('db'), GENTLY);
    await rejectsWith(runtime.removePod(pod('web'), FORCE), 'NO_SUCH_POD');
    expect((await state()).filter((line) => /web|db/.test(line))).toEqual([]);
  });

  dockerTest("removePod: NO_SUCH_POD for any name, a container's included (Docker has no pods); nothing changes", async () => {
    const { runtime, id, state } = await setup();
    const before = await state();
    await rejectsWith(runtime.removePod(id('base'), FORCE), 'NO_SUCH_POD');
    await rejectsWith(runtime.removePod('base', GENTLY), 'NO_SUCH_POD');
    expect(await state()).toEqual(before);
  });
}
