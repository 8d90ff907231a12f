/**
 * Hosts of hundreds to a thousand containers, for the large-host tests and the engine
 * benchmarks: their shapes (the same `Fixture` / `DockerFixture` descriptions the small fixtures
 * use), and builders that make them through the engine's REST API with parallel creates, each
 * container after what it depends on, at most `concurrency` requests in flight (8 by default).
 * The CLI builders (`createInPodman`, `createInDocker`) make one container per process, which at
 * a thousand containers takes tens of minutes.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import {
  COMPOSE_DEPENDS_ON,
  COMPOSE_PROJECT,
  COMPOSE_SERVICE,
  type DockerFixture,
  type DockerFixtureContainer,
} from './docker-fixtures.ts';
import { DOCKER_TINY_IMAGE, type DockerSandbox } from './docker-sandbox.ts';
import type { Fixture, FixtureContainer } from './fixtures.ts';
import { type PodmanSandbox, TINY_IMAGE } from './podman-sandbox.ts';
import { SocketApi } from './socket-api.ts';

/** The podman hosts: the benchmark's three sizes, and `ci` (about 200 containers) for the tests. */
export type PodmanHostSize = 55 | 300 | 1000 | 'ci';
export const PODMAN_HOST_SIZES: readonly PodmanHostSize[] = [55, 300, 1000];

/** The Docker hosts: the benchmark's two sizes, and `ci` (200 containers) for the tests. */
export type DockerHostSize = 45 | 1000 | 'ci';
export const DOCKER_HOST_SIZES: readonly DockerHostSize[] = [45, 1000];

/**
 * `--requires` inside a pod of 8, by member index: a chain of 4 (m0 <- m1 <- m2 <- m3), a chain
 * of 2 (m4 <- m5) and two on their own; with `long`, one chain through all 8.
 */
function memberRequires(index: number, long: boolean): number | undefined {
  if (long) return index > 0 ? index - 1 : undefined;
  return index === 1 || index === 2 || index === 3 || index === 5 ? index - 1 : undefined;
}

interface PodmanShape {
  pods: number;
  /** Members per pod (the infra container not counted). */
  members: number;
  /** Whether the pod's members have `--requires` chains (memberRequires); else none. */
  memberChains: boolean;
  /** Whether the pod is started (all its members run); the others stay created. */
  runningPod: (pod: number) => boolean;
  /** Lengths of the `--requires` chains outside pods, created (unless a network user starts them). */
  chains: readonly number[];
  /** Containers outside pods joining a chain container's network (`--network container:`), spread over the chains. */
  networkUsers: number;
  /** Whether network user j runs (podman then starts its donor and the donor's chain too). */
  runningUser: (user: number) => boolean;
}

const PODMAN_SHAPES: Record<PodmanHostSize, PodmanShape> = {
  // bench:podman's original host: 10 pods x 4 running members and a 5-level chain, 55 containers.
  55: { pods: 10, members: 4, memberChains: false, runningPod: () => true, chains: [5], networkUsers: 0, runningUser: () => false },
  // 24 x (8 + infra) = 216, 12 chains of 5 = 60, 24 network users: 300 containers.
  300: {
    pods: 24,
    members: 8,
    memberChains: true,
    runningPod: (p) => p % 2 === 0,
    chains: Array.from({ length: 12 }, () => 5),
    networkUsers: 24,
    runningUser: (j) => j % 3 === 0,
  },
  // 100 x (8 + infra) = 900, 25 chains of 10, 8, 6, 4, 2 (150) and 50 network users: 1,100 containers.
  1000: {
    pods: 100,
    members: 8,
    memberChains: true,
    runningPod: (p) => p % 2 === 0,
    chains: Array.from({ length: 25 }, (_, k) => 10 - 2 * (k % 5)),
    networkUsers: 50,
    runningUser: (j) => j % 3 === 0,
  },
  // 16 x (8 + infra) = 144, chains of 10, 8, 6, 4, 3, 2, 1, 1 (35) and 15 network users: 194 containers.
  ci: {
    pods: 16,
    members: 8,
    memberChains: true,
    runningPod: (p) => p % 2 === 0,
    chains: [10, 8, 6, 4, 3, 2, 1, 1],
    networkUsers: 15,
    runningUser: (j) => j % 3 === 0,
  },
};

/** Marks running every container a running one needs: podman starts them itself, and Docker refuses to start without them. */
function withDependenciesRunning<C extends { name: string; running?: boolean }>(containers: C[], needs: (c: C) => string[]): C[] {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const stack = containers.filter((c) => c.running);
  while (stack.length > 0) {
    for (const name of needs(stack.pop()!)) {
      const needed = byName.get(name)!;
      if (!needed.running) {
        needed.running = true;
        stack.push(needed);
      }
    }
  }
  return containers;
}

/**
 * A podman host: pods of members (with `--requires` chains inside them at the larger sizes, some
 * pods running), `--requires` chains outside pods, and containers joining a chain container's
 * network. Containers come in creation order: each after what it depends on.
 */
export function podmanHost(size: PodmanHostSize): Fixture {
  const shape = PODMAN_SHAPES[size];
  const pods = Array.from({ length: shape.pods }, (_, p) => `pod${p}`);
  const containers: FixtureContainer[] = [];
  for (let p = 0; p < shape.pods; p++) {
    for (let i = 0; i < shape.members; i++) {
      // Every third pod of 8 is one chain through all its members.
      const required = shape.memberChains ? memberRequires(i, shape.members === 8 && p % 3 === 2) : undefined;
      containers.push({
        name: `pod${p}-m${i}`,
        pod: `pod${p}`,
        running: shape.runningPod(p),
        ...(required === undefined ? {} : { requires: [`pod${p}-m${required}`] }),
      });
    }
  }
  const chainNames: string[] = [];
  for (const [k, length] of shape.chains.entries()) {
    for (let level = 0; level < length; level++) {
      const name = shape.chains.length === 1 ? `chain${level}` : `chain${k}-${level}`;
      chainNames.push(name);
      containers.push({ name, ...(level > 0 ? { requires: [chainNames.at(-2)!] } : {}) });
    }
  }
  for (let j = 0; j < shape.networkUsers; j++) {
    // Spread over the chain containers, so some donors are chain ends and some are in the middle.
    const donor = chainNames[Math.floor((j * chainNames.length) / shape.networkUsers)]!;
    containers.push({ name: `net${j}`, networkOf: donor, running: shape.runningUser(j) });
  }
  return { pods, containers: withDependenciesRunning(containers, (c) => [...(c.requires ?? []), ...(c.networkOf ? [c.networkOf] : [])]) };
}

/** Containers the host has once built, infra containers included. */
export function podmanContainerCount(fixture: Fixture): number {
  return fixture.containers.length + (fixture.pods?.length ?? 0);
}

/** One line about a podman host: what it holds. */
export function describePodmanHost(fixture: Fixture): string {
  const pods = fixture.pods?.length ?? 0;
  const inPods = fixture.containers.filter((c) => c.pod !== undefined);
  const outside = fixture.containers.filter((c) => c.pod === undefined);
  const running = fixture.containers.filter((c) => c.running).length;
  const runningPods = new Set(inPods.filter((c) => c.running).map((c) => c.pod)).size;
  const users = outside.filter((c) => c.networkOf !== undefined).length;
  return (
    `${podmanContainerCount(fixture)} containers: ${pods} pods x ${inPods.length / Math.max(pods, 1)} members + infra ` +
    `(${runningPods} pods running), ${outside.length - users} in --requires chains outside pods, ${users} --network container: users; ` +
    `${running} of these running (infra containers not counted)`
  );
}

/**
 * A Docker host. `45`: bench:docker's original host, 10 compose projects of 4 running services
 * (web -> api -> db, cache) and a 5-level `--network container:` chain. `1000`: 80 projects of 10
 * services whose `depends_on` chains run 1 to 10 deep (project p: 1 + p % 10), every third
 * project's last service on its first one's network (compose's `network_mode: service:`), half
 * of them running; and 40 `--network container:` chains of 5 outside compose, half running.
 * `ci`: the same with 16 projects and 8 chains (200 containers).
 */
export function dockerHost(size: DockerHostSize): DockerFixture {
  const containers: DockerFixtureContainer[] = [];
  if (size === 45) {
    for (let p = 0; p < 10; p++) {
      const project = `shop${p}`;
      const service = (name: string, dependsOn: string) => ({
        name: `${project}-${name}-1`,
        running: true,
        compose: { project, service: name, dependsOn },
      });
      containers.push(service('db', ''), service('cache', ''), service('api', 'db:service_started:false,cache:service_started:false'));
      containers.push(service('web', 'api:service_started:false'));
    }
    for (let i = 0; i < 5; i++) containers.push({ name: `vpn${i}`, running: true, ...(i > 0 ? { networkOf: `vpn${i - 1}` } : {}) });
    return { containers };
  }
  const projects = size === 1000 ? 80 : 16;
  const chains = size === 1000 ? 40 : 8;
  for (let p = 0; p < projects; p++) {
    const project = `app${p}`;
    const depth = 1 + (p % 10);
    for (let i = 0; i < 10; i++) {
      // Inside the chain each service waits for the one before; the rest hang off the chain's levels.
      const on = i === 0 ? undefined : i < depth ? i - 1 : i % depth;
      const network = i === 9 && p % 3 === 0;
      const dependsOn = [...new Set([...(on === undefined ? [] : [on]), ...(network ? [0] : [])])].map(
        (s) => `s${s}:service_started:false`,
      );
      containers.push({
        name: `${project}-s${i}-1`,
        running: p % 2 === 0,
        ...(network ? { networkOf: `${project}-s0-1` } : {}),
        compose: { project, service: `s${i}`, dependsOn: dependsOn.join(',') },
      });
    }
  }
  for (let k = 0; k < chains; k++) {
    for (let i = 0; i < 5; i++)
      containers.push({ name: `vpn${k}-${i}`, running: k % 2 === 0, ...(i > 0 ? { networkOf: `vpn${k}-${i - 1}` } : {}) });
  }
  return { containers: withDependenciesRunning(containers, (c) => (c.networkOf ? [c.networkOf] : [])) };
}

/** One line about a Docker host: what it holds. */
export function describeDockerHost(fixture: DockerFixture): string {
  const projects = new Set(fixture.containers.flatMap((c) => (c.compose ? [c.compose.project] : []))).size;
  const composed = fixture.containers.filter((c) => c.compose !== undefined).length;
  const network = fixture.containers.filter((c) => c.networkOf !== undefined).length;
  const running = fixture.containers.filter((c) => c.running).length;
  return (
    `${fixture.containers.length} containers: ${projects} compose projects (${composed} services), ` +
    `${fixture.containers.length - composed} outside compose; ${network} --network container: users; ${running} running`
  );
}

/** What a build made, by name, and what it cost. */
export interface BuiltHost {
  /** Each fixture container's id by its name (infra containers are not in the fixture). */
  containers: Map<string, string>;
  /** Each pod's id by its name. */
  pods: Map<string, string>;
  /** Wall time of the build, ms. */
  ms: number;
  /** API requests made. */
  requests: number;
}

/**
 * Runs `action` for each item, each once the items it names in `needs` (those of the list) are
 * done, at most `concurrency` at once. Items must come after what they need, as the fixtures list them.
 */
async function inOrder<T extends { name: string }>(
  items: readonly T[],
  needs: (item: T) => readonly string[],
  concurrency: number,
  action: (item: T) => Promise<void>,
): Promise<void> {
  const limit = pLimit(concurrency);
  const done = new Map<string, Promise<void>>();
  const names = new Set(items.map((item) => item.name));
  for (const item of items) {
    const before = needs(item)
      .filter((name) => names.has(name))
      .map((name) => {
        const waited = done.get(name);
        if (waited === undefined) throw new Error(`fixture: ${item.name} comes before ${name}, which it needs`);
        return waited;
      });
    done.set(
      item.name,
      Promise.all(before).then(() => limit(() => action(item))),
    );
  }
  await Promise.all(done.values());
}

/**
 * Makes the fixture in the podman sandbox through its API: the pods, then each container after
 * what it requires or joins, then the running ones started (a pod whose members all run with one
 * pod start, the others each after what it needs).
 */
export function buildInPodman(sandbox: PodmanSandbox, fixture: Fixture, options: { concurrency?: number } = {}): Promise<BuiltHost> {
  const concurrency = options.concurrency ?? 8;
  return buildThrough(sandbox.url, '/v4.0.0/libpod', concurrency, async (call, built) => {
    const limit = pLimit(concurrency);
    await Promise.all(
      (fixture.pods ?? []).map((pod) =>
        limit(async () => built.pods.set(pod, (await call<{ Id: string }>('POST', '/pods/create', { name: pod })).Id)),
      ),
    );
    const needs = (c: FixtureContainer) => [...(c.requires ?? []), ...(c.networkOf ? [c.networkOf] : [])];
    await inOrder(fixture.containers, needs, concurrency, async (c) => {
      const spec = {
        name: c.name,
        image: TINY_IMAGE,
        ...(c.pod ? { pod: c.pod } : {}),
        ...(c.requires?.length ? { dependencyContainers: c.requires } : {}),
        ...(c.networkOf ? { netns: { nsmode: 'container', value: c.networkOf } } : {}),
      };
      built.containers.set(c.name, (await call<{ Id: string }>('POST', '/containers/create', spec)).Id);
    });
    const wholePods = (fixture.pods ?? []).filter((pod) => {
      const members = fixture.containers.filter((c) => c.pod === pod);
      return members.length > 0 && members.every((c) => c.running);
    });
    const running = fixture.containers.filter((c) => c.running && (c.pod === undefined || !wholePods.includes(c.pod)));
    await Promise.all([
      ...wholePods.map((pod) => limit(() => call('POST', `/pods/${pod}/start`))),
      // 304: podman had started it already, for a container that needs it.
      inOrder(running, needs, concurrency, async (c) => void (await call('POST', `/containers/${c.name}/start`, undefined, [304]))),
    ]);
  });
}

/**
 * Makes the fixture in the Docker sandbox through its API: each container after the one whose
 * network it joins, then the running ones started, each after its network's owner (Docker
 * starts nothing a container needs). Only `networkOf`, compose's labels and `labels` are made.
 */
export function buildInDocker(sandbox: DockerSandbox, fixture: DockerFixture, options: { concurrency?: number } = {}): Promise<BuiltHost> {
  const concurrency = options.concurrency ?? 8;
  const needs = (c: DockerFixtureContainer) => (c.networkOf ? [c.networkOf] : []);
  return buildThrough(sandbox.url, '', concurrency, async (call, built) => {
    await inOrder(fixture.containers, needs, concurrency, async (c) => {
      if (c.ipcOf || c.pidOf || c.volumesFrom?.length || c.links?.length) {
        throw new Error(`buildInDocker: ${c.name} takes IPC, PID, volumes or links, which only createInDocker makes`);
      }
      const compose = c.compose
        ? { [COMPOSE_PROJECT]: c.compose.project, [COMPOSE_SERVICE]: c.compose.service, [COMPOSE_DEPENDS_ON]: c.compose.dependsOn ?? '' }
        : {};
      const body = {
        Image: DOCKER_TINY_IMAGE,
        Labels: { ...c.labels, ...compose },
        ...(c.networkOf ? { HostConfig: { NetworkMode: `container:${c.networkOf}` } } : {}),
      };
      built.containers.set(c.name, (await call<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(c.name)}`, body)).Id);
    });
    await inOrder(
      fixture.containers.filter((c) => c.running),
      needs,
      concurrency,
      async (c) => void (await call('POST', `/containers/${c.name}/start`, undefined, [304])),
    );
  });
}

/** One API request of a build, counted; `also` lists statuses taken as success besides 2xx. */
type BuildCall = <T>(method: string, path: string, body?: unknown, also?: number[]) => Promise<T>;

/**
 * Runs `build` over one keep-alive connection pool to the engine at `url` (every path under
 * `prefix`), counting its requests and timing it; the pool is closed however it ends.
 */
async function buildThrough(
  url: string,
  prefix: string,
  concurrency: number,
  build: (call: BuildCall, built: BuiltHost) => Promise<void>,
): Promise<BuiltHost> {
  const api = new SocketApi(url, concurrency);
  const started = performance.now();
  let requests = 0;
  const call: BuildCall = (method, path, body, also) => {
    requests++;
    return api.json(method, `${prefix}${path}`, body, also);
  };
  const built: BuiltHost = { containers: new Map(), pods: new Map(), ms: 0, requests: 0 };
  try {
    await build(call, built);
  } finally {
    api.close();
  }
  return { ...built, ms: performance.now() - started, requests };
}

/**
 * Lifts podman's cap on its event log (1 MB by default, past which it deletes the old log): a
 * thousand containers' removal writes more than that, and the order checks read every removal.
 * Restarts the sandbox's service so it reads the setting too. The sandbox's containers.conf ends
 * in its `[engine]` table, which the line joins.
 */
export async function keepWholeEventLog(sandbox: PodmanSandbox): Promise<void> {
  appendFileSync(join(sandbox.dir, 'containers.conf'), 'events_logfile_max_size = "0"\n');
  await sandbox.stopService();
  await sandbox.startService();
}

/** Where the sandbox's podman writes its event log (`events_logger = "file"` under its tmp_dir). */
export const eventLogPath = (sandbox: PodmanSandbox): string => join(sandbox.dir, 'tmp', 'events', 'events.log');
