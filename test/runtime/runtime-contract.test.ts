import { type GraphSpec, MemoryRuntime } from 'podgraph';
import { describe } from 'vitest';
import { createInDocker } from '../support/docker-fixtures.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';
import { createInPodman, fixtureSpec } from '../support/fixtures.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { runtimeContract } from '../support/runtime-contract.ts';

/** The spec with engine-made ids (64 hex digits, as Docker's), the fixture's names kept as names. */
function withEngineIds(spec: GraphSpec): GraphSpec {
  const ids = new Map((spec.containers ?? []).map((c, i) => [c.id, (i + 1).toString(16).padStart(64, 'c0ffee')]));
  return {
    pods: spec.pods,
    containers: (spec.containers ?? []).map((c) => ({
      ...c,
      id: ids.get(c.id)!,
      name: c.id,
      dependsOn: c.dependsOn?.map((dep) => ids.get(dep)!),
    })),
  };
}

describe('runtime contract: MemoryRuntime', () => {
  runtimeContract(async (fixture) => new MemoryRuntime(fixtureSpec(fixture)));
});

describe('runtime contract: MemoryRuntime with Docker rules', () => {
  runtimeContract(async (fixture) => new MemoryRuntime(fixtureSpec(fixture), { rules: 'docker' }), 'docker');
});

// A real Docker names containers by its own ids: the contract must go through names alone.
describe('runtime contract: MemoryRuntime with Docker rules and engine-made ids', () => {
  runtimeContract(async (fixture) => new MemoryRuntime(withEngineIds(fixtureSpec(fixture)), { rules: 'docker' }), 'docker');
});

describePodman('runtime contract: PodmanRuntime on a real podman', () => {
  const live = useSandbox();

  runtimeContract(async (fixture) => {
    await live.sandbox.clear();
    await createInPodman(live.sandbox, fixture);
    return live.runtime;
  });
});

describeDocker('runtime contract: DockerRuntime on a real Docker daemon', () => {
  const live = useDockerSandbox();

  runtimeContract(async (fixture) => {
    await live.sandbox.clear();
    await createInDocker(live.sandbox, fixture);
    return live.runtime;
  }, 'docker');
});
