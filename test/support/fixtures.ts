/**
 * One description of a host, built two ways: as a GraphSpec for MemoryRuntime, and for real in a
 * podman sandbox. Contract and end-to-end tests state their fixture once and run it on both.
 */
import type { ContainerSpec, GraphSpec, PodSpec, Runtime } from 'podgraph';
import type { PodmanSandbox } from './podman-sandbox.ts';

export interface FixtureContainer {
  name: string;
  pod?: string;
  /** Started after creation; podman starts what it requires too, so list those running as well. */
  running?: boolean;
  /** `--requires`. */
  requires?: string[];
  /** `--network container:X`. */
  networkOf?: string;
}

export interface Fixture {
  pods?: string[];
  containers: FixtureContainer[];
}

/** The infra container's name in MemoryRuntime specs; in podman it is `<pod id prefix>-infra`. */
export const infraName = (pod: string) => `${pod}-infra`;

/** The fixture as MemoryRuntime input: ids are the names; infra runs once a member runs, as in podman. */
export function fixtureSpec(fixture: Fixture): GraphSpec {
  const pods: PodSpec[] = (fixture.pods ?? []).map((pod) => ({ id: pod }));
  const infra: ContainerSpec[] = (fixture.pods ?? []).map((pod) => ({
    id: infraName(pod),
    pod,
    infra: true,
    state: fixture.containers.some((c) => c.pod === pod && c.running) ? 'running' : 'created',
  }));
  const containers: ContainerSpec[] = fixture.containers.map((c) => ({
    id: c.name,
    ...(c.pod ? { pod: c.pod } : {}),
    state: c.running ? 'running' : 'created',
    dependsOn: [...(c.requires ?? []), ...(c.networkOf ? [c.networkOf] : [])],
  }));
  return { pods, containers: [...infra, ...containers] };
}

/**
 * Creates the fixture in the sandbox through podman's API (large-fixture.ts's builder: a few
 * requests in flight, each container after what it needs), as podman's CLI would make it: a
 * process per container made the podman suites spend most of their time creating.
 */
export async function createInPodman(sandbox: PodmanSandbox, fixture: Fixture): Promise<void> {
  const { buildInPodman } = await import('./large-fixture.ts');
  await buildInPodman(sandbox, fixture, { concurrency: 4 });
}

/** A spec's names by id: pods by name, containers by name, each infra container as `<pod>-infra`. */
function namesById(spec: GraphSpec): { pods: Map<string, string>; containers: Map<string, string> } {
  const pods = new Map((spec.pods ?? []).map((pod) => [pod.id, pod.name ?? pod.id]));
  const containers = new Map(
    (spec.containers ?? []).map((c) => [c.id, c.infra && c.pod ? infraName(pods.get(c.pod) ?? c.pod) : (c.name ?? c.id)]),
  );
  return { pods, containers };
}

const inverse = (names: Map<string, string>) => new Map([...names].map(([id, name]) => [name, id]));

/** Names -> ids of a runtime's current state, with `<pod>-infra` naming each pod's infra container. */
export async function namesOf(runtime: Runtime): Promise<{ containers: Map<string, string>; pods: Map<string, string> }> {
  const names = namesById(await runtime.inspect());
  return { containers: inverse(names.containers), pods: inverse(names.pods) };
}

/**
 * A runtime's state in names only, sorted: `name state [pod] <- dependencies`, so MemoryRuntime
 * and podman can be compared line for line.
 */
export async function describeState(runtime: Runtime): Promise<string[]> {
  const spec = await runtime.inspect();
  const { pods: podName, containers: nameOf } = namesById(spec);
  const infraOf = new Map((spec.containers ?? []).filter((c) => c.infra && c.pod).map((c) => [c.pod!, c.id]));
  const lines = (spec.containers ?? []).map((c) => {
    // podman lists a member's infra container among its dependencies; the model keeps that edge implicit.
    const explicit = (c.dependsOn ?? []).filter((id) => !c.pod || id !== infraOf.get(c.pod));
    const deps = [...new Set(explicit)].map((id) => nameOf.get(id) ?? `?${id}`).sort();
    return `${nameOf.get(c.id)} ${c.state ?? 'created'}${c.pod ? ` [${podName.get(c.pod)}]` : ''}${deps.length ? ` <- ${deps.join(',')}` : ''}`;
  });
  const pods = [...podName.values()].map((name) => `pod ${name}`);
  return [...pods, ...lines].sort();
}
