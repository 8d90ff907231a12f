/**
 * Graph shapes the benchmarks remove, as plain GraphSpecs. Deterministic: the random DAG comes
 * from a seeded PRNG, so every run and every strategy sees the same graph.
 */
import type { ContainerSpec, GraphSpec, PodSpec } from 'podgraph';

export interface Shape {
  name: string;
  spec: GraphSpec;
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `count` pods, each an infra container and four members in two 2-long chains (app1 -> db1, app2 -> db2). */
export function podsWithChains(count: number): GraphSpec {
  const pods: PodSpec[] = [];
  const containers: ContainerSpec[] = [];
  for (let p = 0; p < count; p++) {
    const pod = `pod${p}`;
    pods.push({ id: pod });
    containers.push(
      { id: `${pod}-infra`, pod, infra: true, state: 'running' },
      { id: `${pod}-db1`, pod, state: 'running' },
      { id: `${pod}-db2`, pod, state: 'exited' },
      { id: `${pod}-app1`, pod, state: 'running', dependsOn: [`${pod}-db1`] },
      { id: `${pod}-app2`, pod, state: 'exited', dependsOn: [`${pod}-db2`] },
    );
  }
  return { pods, containers };
}

/** One chain: c{i} depends on c{i-1}, so c{length-1} goes first and c0 last. */
export function chain(length: number): GraphSpec {
  const containers: ContainerSpec[] = [];
  for (let i = 0; i < length; i++) containers.push({ id: `c${i}`, state: 'exited', dependsOn: i === 0 ? [] : [`c${i - 1}`] });
  return { containers };
}

export function standalone(count: number): GraphSpec {
  const containers: ContainerSpec[] = [];
  for (let i = 0; i < count; i++) containers.push({ id: `s${i}`, state: i % 2 === 0 ? 'running' : 'exited' });
  return { containers };
}

/**
 * A random DAG of standalone containers: each depends on 0-3 distinct containers among the
 * `window` created just before it, so the graph has both width and long chains.
 */
export function randomDag(count: number, seed: number, window = 40): GraphSpec {
  const random = seededRandom(seed);
  const containers: ContainerSpec[] = [];
  for (let i = 0; i < count; i++) {
    const deps = new Set<string>();
    const picks = Math.min(i, Math.floor(random() * 4));
    while (deps.size < picks) deps.add(`r${i - 1 - Math.floor(random() * Math.min(i, window))}`);
    containers.push({ id: `r${i}`, state: random() < 0.3 ? 'running' : 'exited', dependsOn: [...deps] });
  }
  return { containers };
}

/** One pod: its infra container and `members` members that depend on nothing else. */
export function bigPod(members: number): GraphSpec {
  const containers: ContainerSpec[] = [{ id: 'big-infra', pod: 'big', infra: true, state: 'running' }];
  for (let m = 0; m < members; m++) containers.push({ id: `big-m${m}`, pod: 'big', state: m % 2 === 0 ? 'running' : 'exited' });
  return { pods: [{ id: 'big' }], containers };
}

/** The scale shape: `size` containers in pods of ten, an infra container and a 9-long chain of members each. */
export function podsOfTen(size: number): GraphSpec {
  const pods: PodSpec[] = [];
  const containers: ContainerSpec[] = [];
  for (let p = 0; p < size / 10; p++) {
    const pod = `pod${p}`;
    pods.push({ id: pod });
    containers.push({ id: `${pod}-infra`, pod, infra: true, state: 'running' });
    for (let m = 1; m < 10; m++) {
      containers.push({ id: `${pod}-c${m}`, pod, state: m % 3 === 0 ? 'running' : 'exited', dependsOn: m > 1 ? [`${pod}-c${m - 1}`] : [] });
    }
  }
  return { pods, containers };
}

/** The five shapes of the schedule-quality benchmark (issue 4, table 1). */
export function scheduleShapes(): Shape[] {
  return [
    { name: '200 pods (infra + 2 chains of 2)', spec: podsWithChains(200) },
    { name: 'chain of 200', spec: chain(200) },
    { name: '1,000 standalone', spec: standalone(1000) },
    { name: 'random DAG of 2,000 (seed 4)', spec: randomDag(2000, 4) },
    { name: '1 pod, infra + 500 members', spec: bigPod(500) },
  ];
}
