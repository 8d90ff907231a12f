/**
 * fast-check arbitraries for the property tests: random valid GraphSpecs (SPEC section 1),
 * random RemoveOptions over them (section 3) and random MemoryRuntime faults (section 2).
 *
 * Graph shape: 0-4 pods, each with or without an infra container and with 0-5 members, plus
 * 0-12 standalone containers. Dependencies only point to a container generated earlier in the
 * same group (a pod's members, or the standalone containers), so the graph is acyclic and obeys
 * the pod rules; members depend implicitly on their pod's infra container (sometimes also listed
 * explicitly), the infra container depends on nothing. Some containers and pods have names, and
 * dependencies and pod memberships are sometimes written by name. The containers array is
 * shuffled so that a dependency may come before or after its dependent in the input.
 */
import fc from 'fast-check';
import type { ContainerSpec, ContainerState, GraphSpec, PodSpec } from 'podgraph';
import type { FailKind, Faults, Targets } from './check-rules.ts';

export const FAIL_KINDS: readonly FailKind[] = ['plain', 'RUNTIME', 'CTR_EXISTS', 'CTR_STATE_INVALID', 'EIO'];

interface ContainerDraft {
  state: ContainerState;
  named: boolean;
  /** Each pick chooses one earlier container of the group (counting back from the latest, modulo their count). */
  deps: number[];
  /** Bit k set: write dependency k by name (when the target has one). */
  byName: number;
  /** Pod members: also list the infra container explicitly (podman lists it too). */
  listInfra: boolean;
  /** Position in the shuffled containers array (stable sort). */
  sortKey: number;
  /** Labels from a small vocabulary, so that random filters match some containers and not others. */
  labels: Record<string, string> | null;
  /** Seconds after a fixed instant (ties included), for before= / since=. */
  created: number | null;
  exitCode: number | null;
}

interface PodDraft {
  named: boolean;
  labels: Record<string, string> | null;
  /** Members name their pod by name (when it has one). */
  podByName: boolean;
  infra: ContainerDraft | null;
  members: ContainerDraft[];
}

interface GraphDraft {
  pods: PodDraft[];
  standalone: ContainerDraft[];
}

/** Mostly removable states, so that failures do not block most of the graph. */
const stateArb: fc.Arbitrary<ContainerState> = fc.oneof(
  { arbitrary: fc.constantFrom<ContainerState>('created', 'exited', 'stopped'), weight: 3 },
  { arbitrary: fc.constantFrom<ContainerState>('running', 'paused', 'stopping'), weight: 1 },
);

export interface GraphSize {
  maxPods: number;
  maxMembers: number;
  maxStandalone: number;
  /** Explicit dependencies per container at most. */
  maxDeps: number;
}

/** The brief's shape: 0-4 pods of 0-5 members (+ infra), 0-12 standalone containers. */
export const SMALL: GraphSize = { maxPods: 4, maxMembers: 5, maxStandalone: 12, maxDeps: 3 };
/** Bigger graphs, for fewer runs: deeper chains, wider fans, bigger ready queues. */
export const LARGE: GraphSize = { maxPods: 6, maxMembers: 15, maxStandalone: 80, maxDeps: 4 };

export const LABEL_KEYS = ['env', 'team', 'tier'] as const;
export const LABEL_VALUES = ['ci', 'prod', ''] as const;

const labelsArb: fc.Arbitrary<Record<string, string> | null> = fc.option(
  fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES), { maxKeys: 3 }),
  { nil: null, freq: 2 },
);

function graphDraftArb(size: GraphSize): fc.Arbitrary<GraphDraft> {
  const containerDraft: fc.Arbitrary<ContainerDraft> = fc.record({
    state: stateArb,
    named: fc.boolean(),
    deps: fc.array(fc.nat({ max: 2 * size.maxStandalone }), { maxLength: size.maxDeps }),
    byName: fc.nat({ max: 15 }),
    listInfra: fc.boolean(),
    sortKey: fc.nat({ max: 3 }),
    labels: labelsArb,
    created: fc.option(fc.nat({ max: 20 }), { nil: null, freq: 4 }),
    exitCode: fc.option(fc.nat({ max: 3 }), { nil: null, freq: 3 }),
  });
  const podDraft: fc.Arbitrary<PodDraft> = fc.record({
    named: fc.boolean(),
    labels: labelsArb,
    podByName: fc.boolean(),
    infra: fc.option(containerDraft, { nil: null, freq: 3 }),
    members: fc.array(containerDraft, { maxLength: size.maxMembers, size: 'max' }),
  });
  return fc.record({
    pods: fc.array(podDraft, { maxLength: size.maxPods, size: 'max' }),
    standalone: fc.array(containerDraft, { maxLength: size.maxStandalone, size: 'max' }),
  });
}

export function containerName(index: number): string {
  return `ctr-${index}`;
}

export function podName(index: number): string {
  return `pod-${index}`;
}

/** Builds the spec a draft describes: container ids c0, c1, ... in generation order, pod ids p0, p1, ... */
function buildSpec(draft: GraphDraft): GraphSpec {
  const pods: PodSpec[] = [];
  const containers: { spec: ContainerSpec; sortKey: number; order: number }[] = [];
  let next = 0;

  const add = (d: ContainerDraft, extra: Partial<ContainerSpec>, earlier: ContainerSpec[]): ContainerSpec => {
    const index = next++;
    const spec: ContainerSpec = { id: `c${index}`, state: d.state, ...extra };
    if (d.named) spec.name = containerName(index);
    if (d.labels !== null) spec.labels = d.labels;
    if (d.created !== null) spec.created = new Date(Date.UTC(2026, 0, 1, 0, 0, d.created)).toISOString();
    if (d.exitCode !== null) spec.exitCode = d.exitCode;
    const dependsOn: string[] = [];
    d.deps.forEach((pick, k) => {
      if (earlier.length === 0) return;
      // Small picks (the shrink target) are the most recent containers: long chains.
      const target = earlier[earlier.length - 1 - (pick % earlier.length)];
      dependsOn.push((d.byName >> k) & 1 && target.name !== undefined ? target.name : target.id);
    });
    if (dependsOn.length > 0) spec.dependsOn = dependsOn;
    containers.push({ spec, sortKey: d.sortKey, order: index });
    return spec;
  };

  draft.pods.forEach((pod, p) => {
    const podSpec: PodSpec = { id: `p${p}` };
    if (pod.named) podSpec.name = podName(p);
    if (pod.labels !== null) podSpec.labels = pod.labels;
    pods.push(podSpec);
    const podRef = pod.podByName && podSpec.name !== undefined ? podSpec.name : podSpec.id;
    const infra = pod.infra === null ? undefined : add({ ...pod.infra, deps: [] }, { pod: podRef, infra: true }, []);
    const members: ContainerSpec[] = [];
    for (const member of pod.members) {
      const spec = add(member, { pod: podRef }, members);
      if (infra !== undefined && member.listInfra) {
        spec.dependsOn = [...(spec.dependsOn ?? []), member.byName & 1 && infra.name !== undefined ? infra.name : infra.id];
      }
      members.push(spec);
    }
  });
  const standalone: ContainerSpec[] = [];
  for (const d of draft.standalone) standalone.push(add(d, {}, standalone));

  containers.sort((a, b) => a.sortKey - b.sortKey || a.order - b.order);
  return { pods, containers: containers.map((c) => c.spec) };
}

/** A random valid GraphSpec of the given size (default: SMALL). */
export function graphSpecArbOf(size: GraphSize = SMALL): fc.Arbitrary<GraphSpec> {
  return graphDraftArb(size).map(buildSpec);
}

/** A random valid GraphSpec: 0-4 pods of 0-5 members, 0-12 standalone containers. */
export const graphSpecArb: fc.Arbitrary<GraphSpec> = graphSpecArbOf(SMALL);

/** Every way the spec lets a user refer to its containers and pods (ids and names). */
export function refsOf(spec: GraphSpec): { containers: string[]; pods: string[]; containerIds: string[]; podIds: string[] } {
  const containers: string[] = [];
  const pods: string[] = [];
  for (const c of spec.containers ?? []) {
    containers.push(c.id);
    if (c.name !== undefined) containers.push(c.name);
  }
  for (const p of spec.pods ?? []) {
    pods.push(p.id);
    if (p.name !== undefined) pods.push(p.name);
  }
  return {
    containers,
    pods,
    containerIds: (spec.containers ?? []).map((c) => c.id),
    podIds: (spec.pods ?? []).map((p) => p.id),
  };
}

export const concurrencyArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 6 },
  { arbitrary: fc.constant(Infinity), weight: 1 },
);

/**
 * Random removal targets and flags over a spec: `all`, or non-empty lists of pod and container
 * ids/names (duplicates through id and name included), sometimes with an unknown target, which
 * then always comes with `ignore` or `force` so that the call does not reject.
 */
export function targetsArb(spec: GraphSpec, options: { forceAll?: boolean } = {}): fc.Arbitrary<Targets> {
  const refs = refsOf(spec);
  return fc
    .record({
      all:
        options.forceAll === true
          ? fc.constant(true)
          : fc.oneof({ arbitrary: fc.constant(true), weight: 1 }, { arbitrary: fc.constant(false), weight: 3 }),
      pods: fc.subarray(refs.pods),
      containers: fc.subarray(refs.containers),
      unknown: fc.constantFrom('none', 'none', 'none', 'pod', 'container'),
      force: options.forceAll === true ? fc.constant(true) : fc.boolean(),
      depend: fc.boolean(),
      ignore: fc.boolean(),
      concurrency: concurrencyArb,
      timeout: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      filters: fc.option(fc.array(filterArb(spec), { minLength: 1, maxLength: 4 }), { nil: undefined, freq: 3 }),
      volumes: fc.boolean(),
    })
    .map((t): Targets => {
      const base: Targets = { force: t.force, depend: t.depend, ignore: t.ignore, concurrency: t.concurrency };
      if (t.timeout !== undefined) base.timeout = t.timeout;
      if (t.volumes) base.volumes = true;
      if (t.all && options.forceAll === true) return { ...base, all: true };
      // Filters select containers: never with `all` or pods; named containers narrow them.
      if (t.filters !== undefined)
        return { ...base, filters: t.filters, ...(t.containers.length > 0 ? { containers: [...t.containers] } : {}) };
      if (t.all) return { ...base, all: true };
      const pods = [...t.pods];
      const containers = [...t.containers];
      let ignore = t.ignore;
      if (t.unknown === 'pod') pods.push('ghost-pod');
      if (t.unknown === 'container') containers.push('ghost-ctr');
      if (pods.length === 0 && containers.length === 0) {
        containers.push('ghost-ctr');
        ignore = true;
      }
      if (t.unknown !== 'none' && !t.force) ignore = true;
      const out: Targets = { ...base, ignore };
      if (pods.length > 0) out.pods = pods;
      if (containers.length > 0) out.containers = containers;
      return out;
    });
}

/**
 * One random podman filter over a spec's vocabulary: a label key or key=value (a value of '' is
 * any value), a status, a name or id expression, a pod by id or name.
 */
function filterArb(spec: GraphSpec): fc.Arbitrary<string> {
  const refs = refsOf(spec);
  const options: fc.Arbitrary<string>[] = [
    fc.constantFrom(...LABEL_KEYS).map((key) => `label=${key}`),
    fc.tuple(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES)).map(([key, value]) => `label=${key}=${value}`),
    fc.constantFrom('created', 'running', 'paused', 'exited', 'stopped').map((status) => `status=${status}`),
    fc.nat({ max: 9 }).map((n) => `name=^ctr-${n}`),
    fc.nat({ max: 9 }).map((n) => `id=${n}$`),
  ];
  options.push(fc.nat({ max: 3 }).map((code) => `exited=${code}`));
  if (refs.pods.length > 0) options.push(fc.constantFrom(...refs.pods).map((pod) => `pod=${pod}`));
  const timed = (spec.containers ?? []).filter((c) => c.created !== undefined).map((c) => c.name ?? c.id);
  if (timed.length > 0) {
    options.push(fc.tuple(fc.constantFrom('before', 'since'), fc.constantFrom(...timed)).map(([key, ref]) => `${key}=${ref}`));
  }
  return fc.oneof(...options);
}

export interface FaultPlan extends Faults {
  /** Seed of the per-call latency (1-5 ms). */
  latencySeed: number;
  /** Milliseconds after the start at which the signal aborts; -1: aborted before the call; undefined: never. */
  abortAt: number | undefined;
}

/** Random faults over a spec's ids: failures, vanishing items and (only with an abort) hanging calls. */
export function faultsArb(spec: GraphSpec, options: { abort?: boolean; hang?: boolean } = {}): fc.Arbitrary<FaultPlan> {
  const refs = refsOf(spec);
  const ids = [...refs.containerIds, ...refs.podIds];
  const pick = ids.length === 0 ? fc.constant<string[]>([]) : fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 3 });
  const failPairs =
    ids.length === 0
      ? fc.constant<[string, FailKind][]>([])
      : fc.array(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...FAIL_KINDS)), { maxLength: 3 });
  const abortAt =
    options.abort === false
      ? fc.constant<number | undefined>(undefined)
      : fc.oneof(
          { arbitrary: fc.constant<number | undefined>(undefined), weight: 8 },
          { arbitrary: fc.constant<number | undefined>(-1), weight: 1 },
          { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 4 },
        );
  return fc.record({ fail: failPairs, vanish: pick, hang: pick, latencySeed: fc.nat(), abortAt }).map((f) => ({
    fail: new Map(f.fail),
    vanish: new Set(f.vanish),
    // A hanging call only ends when the signal aborts: never hang without an abort.
    hang: new Set(f.abortAt === undefined || options.hang === false ? [] : f.hang),
    latencySeed: f.latencySeed,
    abortAt: f.abortAt,
  }));
}

/** No faults, no abort: only latencies. */
export const noFaults = (latencySeed: number): FaultPlan => ({
  fail: new Map(),
  vanish: new Set(),
  hang: new Set(),
  latencySeed,
  abortAt: undefined,
});

/** FNV-1a, so that a call's latency depends on the call only, never on the order of calls. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Latency of a call in ms, 1-5, a function of (seed, operation, id). */
export function latencyOf(seed: number, op: string, id: string): number {
  return 1 + (hash(`${seed}|${op}|${id}`) % 5);
}
