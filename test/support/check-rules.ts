/**
 * Checkers of SPEC section 3 over what one removeGraph call left behind: the MemoryRuntime's
 * operation log, the report, the runtime's state and the events. Each checker returns the list
 * of violations it found (empty when the rule holds), each message naming the rule, the items
 * and the ticks / fake-time milliseconds involved; `expectRules` turns a non-empty list into a
 * test failure. The checkers only use the public API (ContainerGraph's accessors, the log).
 */
import {
  type ContainerGraph,
  type ContainerSpec,
  ERROR_CODES,
  type OperationRecord,
  PodgraphError,
  type RemovalEvent,
  type RemovalReport,
  type RemoveOptions,
} from 'podgraph';

/** Injected failure: a plain Error (`plain`), or an Error whose `code` is the kind. */
export type FailKind = 'plain' | 'RUNTIME' | 'CTR_EXISTS' | 'CTR_STATE_INVALID' | 'EIO';

export interface Faults {
  /** Item id (container or pod) -> the error every call on it rejects with. */
  fail: ReadonlyMap<string, FailKind>;
  /** Item ids removed by someone else while our call on them is in flight. */
  vanish: ReadonlySet<string>;
  /** Item ids whose calls never answer until the signal aborts. */
  hang: ReadonlySet<string>;
}

/** The RemoveOptions a run used, minus runtime, signal and listener, with the concurrency made explicit. */
export type Targets = Omit<RemoveOptions, 'runtime' | 'signal' | 'onEvent' | 'concurrency'> & { concurrency: number };

export interface AbortFacts {
  /** Fake-time ms at which the signal aborted. */
  time: number;
  /** Length of this run's log at that moment: every call started before the abort has a smaller index. */
  logLength: number;
  /** This run's calls in flight at that moment (live records: their end is filled in later). */
  inFlight: readonly OperationRecord[];
}

export interface World {
  has(idOrName: string): boolean;
  hasPod(idOrName: string): boolean;
}

export interface RunFacts {
  graph: ContainerGraph;
  targets: Targets;
  report: RemovalReport;
  /** This run's calls, in start order. */
  log: readonly OperationRecord[];
  /** Every call on the runtime (other concurrent runs included); `log` when the run was alone. */
  globalLog: readonly OperationRecord[];
  /** The runtime after the run. */
  world: World;
  faults: Faults;
  /** Set when the signal aborted before the run resolved. */
  abort?: AbortFacts;
  /** Fake-time ms at which removeGraph was called. */
  t0: number;
  /** Other removeGraph calls ran on the same runtime at the same time. */
  shared?: boolean;
}

export type Violations = string[];

const GONE_CTR = new Set(['removed', 'NO_SUCH_CTR']);
const ACTIVE = new Set(['running', 'paused', 'stopping']);
const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);
/** Codes a report entry may carry (a report never says NO_SUCH_*, CYCLE or INVALID_ARG). */
const REPORT_CODES: ReadonlySet<string> = new Set([
  'CTR_STATE_INVALID',
  'CTR_EXISTS',
  'INFRA_CTR',
  'DEPENDENCY_FAILED',
  'REMOVING_CTRS',
  'ABORTED',
  'RUNTIME',
]);

// ---------------------------------------------------------------------------------------------
// Model helpers

export interface Selection {
  containers: Set<string>;
  pods: Set<string>;
}

/**
 * The selection SPEC section 3 describes, computed independently of src/removal/selection.ts:
 * `all`, or pods (with all their containers) plus containers, plus with `depend` (or `all`)
 * everything that depends on a selected container, transitively; an infra container selected
 * with `depend` brings its pod. With `filters`, the matching containers (among the named ones,
 * when some are named) are the container targets. Unknown targets are skipped (the harness only
 * passes them with `ignore` or `force`).
 */
export function expectedSelection(graph: ContainerGraph, targets: Targets): Selection {
  const containers = new Set<string>();
  const pods = new Set<string>();
  if (targets.all === true) {
    for (const id of graph.containerIds()) containers.add(id);
    for (const id of graph.podIds()) pods.add(id);
    return { containers, pods };
  }
  const depend = targets.depend === true;
  const selectPod = (podId: string) => {
    if (pods.has(podId)) return;
    pods.add(podId);
    for (const member of graph.pod(podId)!.containers) containers.add(member);
  };
  for (const ref of targets.pods ?? []) {
    const pod = graph.pod(ref);
    if (pod !== undefined) selectPod(pod.id);
  }
  const stack: string[] = [];
  const named = (targets.containers ?? []).flatMap((ref) => {
    const info = graph.container(ref);
    return info === undefined ? [] : [info.id];
  });
  const filters = targets.filters ?? [];
  // With filters, the matches are the targets; named containers only narrow them (libpod's rule).
  const chosen =
    filters.length === 0
      ? named
      : graph.containerIds().filter((id) => matchesAll(graph, id, filters) && (named.length === 0 || named.includes(id)));
  for (const id of chosen) {
    containers.add(id);
    stack.push(id);
  }
  if (depend) {
    const expanded = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (expanded.has(id)) continue;
      expanded.add(id);
      const info = graph.container(id)!;
      if (info.infra && info.pod !== undefined) {
        selectPod(info.pod);
        for (const member of graph.pod(info.pod)!.containers) stack.push(member);
      }
      for (const dependent of graph.dependentsOf(id)) {
        containers.add(dependent);
        stack.push(dependent);
      }
    }
  }
  return { containers, pods };
}

/**
 * podman 4.3's container filters, written from its source (pkg/domain/filters/containers.go)
 * independently of src/removal/filters.ts, for the filters targetsArb generates: `id` and `name`
 * regular expressions, `label=KEY[=VALUE]` (every one must match), `status`, `pod` (id or name),
 * `exited=CODE`, `before=` / `since=` (whole seconds here, so ties occur).
 * One key's values OR, except label's; keys AND.
 */
const specsByGraph = new WeakMap<ContainerGraph, Map<string, ContainerSpec>>();

/** created and exitCode are not in ContainerInfo: the oracle reads them from the graph's own spec. */
function containerSpecs(graph: ContainerGraph): Map<string, ContainerSpec> {
  let specs = specsByGraph.get(graph);
  if (specs === undefined) specsByGraph.set(graph, (specs = new Map((graph.toSpec().containers ?? []).map((c) => [c.id, c]))));
  return specs;
}

function matchesAll(graph: ContainerGraph, id: string, filters: readonly string[]): boolean {
  const byKey = new Map<string, string[]>();
  for (const filter of filters) {
    const [key, ...rest] = filter.split('=');
    byKey.set(key, [...(byKey.get(key) ?? []), rest.join('=')]);
  }
  const info = graph.container(id)!;
  const specOf = containerSpecs(graph);
  const spec = specOf.get(id)!;
  const labels = Object.entries(info.labels ?? {});
  const status = info.state === 'stopped' ? 'exited' : info.state;
  return [...byKey].every(([key, values]) => {
    switch (key) {
      case 'id':
        return values.some((re) => new RegExp(re).test(id));
      case 'name':
        return values.some((re) => new RegExp(re).test(info.name ?? ''));
      case 'status':
        return values.some((value) => (value === 'stopped' ? 'exited' : value) === status);
      case 'pod':
        return values.some((ref) => info.pod !== undefined && graph.pod(ref)?.id === info.pod);
      case 'exited': {
        const code = spec.exitCode;
        return (info.state === 'exited' || info.state === 'stopped') && code !== undefined && values.some((v) => Number(v) === code);
      }
      case 'before':
      case 'since': {
        // podman compares with the earliest of the containers named, for both keys.
        const bound = Math.min(...values.map((ref) => Date.parse(specOf.get(graph.container(ref)!.id)!.created!)));
        if (spec.created === undefined) return false;
        const time = Date.parse(spec.created);
        return key === 'before' ? time < bound : time > bound;
      }
      case 'label':
        return values.every((wanted) => {
          const [k, ...v] = wanted.split('=');
          const value = v.join('=');
          return labels.some(([lk, lv]) => lk === k && (value === '' || lv === value));
        });
      default:
        throw new Error(`the oracle has no filter ${key}`);
    }
  });
}

/** The non-infra members of a pod. */
function nonInfraMembers(graph: ContainerGraph, podId: string): string[] {
  const pod = graph.pod(podId)!;
  return pod.containers.filter((id) => id !== pod.infra);
}

/** Whether container `id` is the infra container of a selected pod (removed by removePod, no call of its own). */
function isAbsorbedInfra(graph: ContainerGraph, selection: Selection, id: string): boolean {
  const info = graph.container(id)!;
  return info.infra && info.pod !== undefined && selection.pods.has(info.pod);
}

/** What the engine must refuse from the graph alone (INFRA_CTR wins over CTR_EXISTS), or undefined. */
export function refusalOf(graph: ContainerGraph, selection: Selection, id: string): 'INFRA_CTR' | 'CTR_EXISTS' | undefined {
  const info = graph.container(id)!;
  if (info.infra) return info.pod !== undefined && selection.pods.has(info.pod) ? undefined : 'INFRA_CTR';
  return graph.dependentsOf(id).some((d) => !selection.containers.has(d)) ? 'CTR_EXISTS' : undefined;
}

function canonicalCtr(graph: ContainerGraph, ref: string): string {
  return graph.container(ref)?.id ?? ref;
}

function canonicalPod(graph: ContainerGraph, ref: string): string {
  return graph.pod(ref)?.id ?? ref;
}

function callsOn(
  graph: ContainerGraph,
  log: readonly OperationRecord[],
  op: 'removeContainer' | 'removePod',
  id: string,
): OperationRecord[] {
  const canonical = op === 'removePod' ? canonicalPod : canonicalCtr;
  return log.filter((e) => e.op === op && canonical(graph, e.id) === id);
}

/** The first call in `log` that made container `id` gone (removed, or found already gone) and ended before `tick`. */
function goneBefore(graph: ContainerGraph, log: readonly OperationRecord[], id: string, tick: number): OperationRecord | undefined {
  return callsOn(graph, log, 'removeContainer', id).find(
    (e) => e.result !== undefined && GONE_CTR.has(e.result) && e.endTick !== undefined && e.endTick < tick,
  );
}

function describeCall(e: OperationRecord): string {
  const end = e.endTick === undefined ? 'never ended' : `ticks ${e.startTick}-${e.endTick}, ${e.start}-${e.end} ms, ${e.result}`;
  return `${e.op}(${e.id}) [${end}]`;
}

function describeCalls(list: readonly OperationRecord[]): string {
  return list.length === 0 ? 'no call' : list.map(describeCall).join('; ');
}

function injectedCode(faults: Faults, id: string): string | undefined {
  const kind = faults.fail.get(id);
  return kind === undefined ? undefined : kind === 'plain' ? 'ERROR' : kind;
}

/** Report code for a runtime answer (SPEC: the runtime error's code if it is one of section 5, else RUNTIME; gone -> null). */
export function codeForResult(result: string, kind: 'container' | 'pod'): string | null {
  if (result === 'removed' || result === (kind === 'pod' ? 'NO_SUCH_POD' : 'NO_SUCH_CTR')) return null;
  return KNOWN_CODES.has(result) ? result : 'RUNTIME';
}

function codeOf(entry: PodgraphError | null | undefined): string | null {
  return entry === null || entry === undefined ? null : entry.code;
}

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * Rule 1: no removeContainer on X starts before every container that depends on X was removed:
 * each dependent D has a call (by anyone on the runtime) that ended `removed` or `NO_SUCH_CTR`
 * with an end tick before X's start tick. Also: the runtime never answered CTR_EXISTS or
 * INFRA_CTR unless that answer was injected.
 */
export function checkRule1DependentsFirst(f: RunFacts): Violations {
  const out: Violations = [];
  for (const e of f.log) {
    if (e.op !== 'removeContainer') continue;
    const x = canonicalCtr(f.graph, e.id);
    for (const d of f.graph.dependentsOf(x)) {
      if (goneBefore(f.graph, f.globalLog, d, e.startTick) === undefined) {
        out.push(
          `rule 1: ${describeCall(e)} started at tick ${e.startTick} before its dependent ${d} was removed ` +
            `(calls on ${d}: ${describeCalls(callsOn(f.graph, f.globalLog, 'removeContainer', d))})`,
        );
      }
    }
    if ((e.result === 'CTR_EXISTS' || e.result === 'INFRA_CTR') && injectedCode(f.faults, x) !== e.result) {
      out.push(`rule 1: the runtime answered ${e.result} to ${describeCall(e)}: the engine called it too early`);
    }
  }
  return out;
}

/**
 * Rule 2: a container that was not removed (non-null entry) keeps all its dependencies,
 * transitively: none has a successful removeContainer in this run (for an infra container: no
 * successful removePod of its pod), and, when the run had the runtime to itself, the runtime
 * still has them.
 */
export function checkRule2FailedKeepsDependencies(f: RunFacts): Violations {
  const out: Violations = [];
  for (const [id, entry] of f.report.containers) {
    if (entry === null) continue;
    const seen = new Set<string>();
    const stack = [...f.graph.dependenciesOf(id)];
    while (stack.length > 0) {
      const y = stack.pop()!;
      if (seen.has(y)) continue;
      seen.add(y);
      stack.push(...f.graph.dependenciesOf(y));
      const removed = callsOn(f.graph, f.log, 'removeContainer', y).filter((e) => e.result === 'removed');
      const info = f.graph.container(y)!;
      if (info.infra && info.pod !== undefined) {
        removed.push(...callsOn(f.graph, f.log, 'removePod', info.pod).filter((e) => e.result === 'removed'));
      }
      if (removed.length > 0) {
        out.push(`rule 2: ${id} was not removed (${entry.code}) but its dependency ${y} was: ${describeCalls(removed)}`);
      }
      if (f.shared !== true && !f.world.has(y)) {
        out.push(`rule 2: ${id} was not removed (${entry.code}) but its dependency ${y} is gone from the runtime`);
      }
    }
  }
  return out;
}

/** Rule 3: removePod on P starts only after every non-infra member of P was removed (call ended removed / NO_SUCH_CTR). */
export function checkRule3PodAfterMembers(f: RunFacts): Violations {
  const out: Violations = [];
  for (const e of f.log) {
    if (e.op !== 'removePod') continue;
    const pod = canonicalPod(f.graph, e.id);
    if (f.graph.pod(pod) === undefined) {
      out.push(`rule 3: ${describeCall(e)} on a pod that is not in the graph`);
      continue;
    }
    for (const m of nonInfraMembers(f.graph, pod)) {
      if (goneBefore(f.graph, f.globalLog, m, e.startTick) === undefined) {
        out.push(
          `rule 3: ${describeCall(e)} started at tick ${e.startTick} before its member ${m} was removed ` +
            `(calls on ${m}: ${describeCalls(callsOn(f.graph, f.globalLog, 'removeContainer', m))})`,
        );
      }
    }
  }
  return out;
}

/** Rule 4: per item and run, at most one successful call, and no call on it starts after the successful one started. */
export function checkRule4AtMostOnce(f: RunFacts): Violations {
  const out: Violations = [];
  const byItem = new Map<string, OperationRecord[]>();
  for (const e of f.log) {
    const key = e.op === 'removePod' ? `pod ${canonicalPod(f.graph, e.id)}` : `container ${canonicalCtr(f.graph, e.id)}`;
    let list = byItem.get(key);
    if (list === undefined) byItem.set(key, (list = []));
    list.push(e);
  }
  for (const [key, list] of byItem) {
    const successes = list.filter((e) => e.result === 'removed');
    if (successes.length > 1) out.push(`rule 4: ${key} was removed ${successes.length} times: ${describeCalls(successes)}`);
    if (successes.length === 0) continue;
    const first = successes[0];
    const later = list.filter((e) => e !== first && e.startTick > first.startTick);
    if (later.length > 0) out.push(`rule 4: ${key} got calls after its successful removal ${describeCall(first)}: ${describeCalls(later)}`);
  }
  return out;
}

/** Rule 5: at most `concurrency` of this run's calls in flight at any tick (a call that never ended stays in flight). */
export function checkRule5Concurrency(f: RunFacts): Violations {
  const limit = f.targets.concurrency;
  const events: { tick: number; delta: number; e: OperationRecord }[] = [];
  for (const e of f.log) {
    events.push({ tick: e.startTick, delta: 1, e });
    if (e.endTick !== undefined) events.push({ tick: e.endTick, delta: -1, e });
  }
  events.sort((a, b) => a.tick - b.tick);
  const inFlight = new Set<OperationRecord>();
  for (const ev of events) {
    if (ev.delta > 0) inFlight.add(ev.e);
    else inFlight.delete(ev.e);
    if (inFlight.size > limit) {
      return [`rule 5: ${inFlight.size} calls in flight at tick ${ev.tick} with concurrency ${limit}: ${describeCalls([...inFlight])}`];
    }
  }
  return [];
}

/**
 * Rule 6 (work-conserving), in fake time, for a run alone and never aborted: a call that started
 * later than the moment it became ready (the latest end of the calls it waited for: its
 * dependents' removals, or for a pod its members' removals; the run's start when none) found
 * `concurrency` calls in flight at every instant from that moment to its start.
 * A call is in flight at instant t when start <= t < end (every latency is >= 1 ms).
 */
export function checkRule6WorkConserving(f: RunFacts): Violations {
  if (f.abort !== undefined || f.shared === true) return [];
  const out: Violations = [];
  const limit = f.targets.concurrency;
  const inFlightAt = (t: number) => f.log.filter((e) => e.start <= t && e.end !== undefined && t < e.end).length;
  for (const c of f.log) {
    const waitedOn =
      c.op === 'removePod' ? nonInfraMembers(f.graph, canonicalPod(f.graph, c.id)) : f.graph.dependentsOf(canonicalCtr(f.graph, c.id));
    let ready = f.t0;
    let known = true;
    for (const w of waitedOn) {
      const done = goneBefore(f.graph, f.log, w, c.startTick);
      if (done === undefined)
        known = false; // rule 1 / 3 report it
      else ready = Math.max(ready, done.end!);
    }
    if (!known || c.start <= ready) continue;
    const instants = new Set<number>([ready]);
    for (const e of f.log) {
      if (e.start > ready && e.start < c.start) instants.add(e.start);
      if (e.end !== undefined && e.end > ready && e.end < c.start) instants.add(e.end);
    }
    for (const t of [...instants].sort((a, b) => a - b)) {
      const n = inFlightAt(t);
      if (n < limit) {
        out.push(
          `rule 6: ${describeCall(c)} was ready at ${ready} ms but started at ${c.start} ms, ` +
            `although only ${n} of ${limit} calls were in flight at ${t} ms`,
        );
        break;
      }
    }
  }
  return out;
}

/**
 * Rule 8, when the signal aborted during the run: no call started after the abort; every call in
 * flight at the abort got the signal (ended ABORTED at the abort time); every call ended; an item
 * whose call was aborted is reported ABORTED; an item with no call, not refused from the graph,
 * whose predecessors all were removed or ABORTED, is reported ABORTED.
 */
export function checkRule8Abort(f: RunFacts): Violations {
  const abort = f.abort;
  if (abort === undefined) return [];
  const out: Violations = [];
  const late = f.log.slice(abort.logLength);
  if (late.length > 0) out.push(`rule 8: calls started after the abort at ${abort.time} ms: ${describeCalls(late)}`);
  for (const e of abort.inFlight) {
    if (e.result !== 'ABORTED' || e.end !== abort.time) {
      out.push(
        `rule 8: ${describeCall(e)} was in flight at the abort (${abort.time} ms) but did not end ABORTED then: the signal did not reach it`,
      );
    }
  }
  for (const e of f.log) {
    if (e.endTick === undefined) out.push(`rule 8: ${describeCall(e)} was still in flight when removeGraph resolved`);
  }
  const selection = expectedSelection(f.graph, f.targets);
  for (const [id, entry] of f.report.containers) {
    const calls = callsOn(f.graph, f.log, 'removeContainer', id);
    if (calls.some((e) => e.result === 'ABORTED') && codeOf(entry) !== 'ABORTED') {
      out.push(`rule 8: the call on container ${id} was aborted (${describeCalls(calls)}) but the report says ${codeOf(entry)}`);
    }
    if (calls.length > 0 || isAbsorbedInfra(f.graph, selection, id) || refusalOf(f.graph, selection, id) !== undefined) continue;
    const preds = f.graph.dependentsOf(id).map((d) => codeOf(f.report.containers.get(d)));
    if (preds.every((c) => c === null || c === 'ABORTED') && codeOf(entry) !== 'ABORTED') {
      out.push(
        `rule 8: container ${id} was not attempted and nothing it waited on failed (${preds.join(', ') || 'nothing'}), but the report says ${codeOf(entry)}, not ABORTED`,
      );
    }
  }
  for (const [id, entry] of f.report.pods) {
    const calls = callsOn(f.graph, f.log, 'removePod', id);
    if (calls.some((e) => e.result === 'ABORTED') && codeOf(entry) !== 'ABORTED') {
      out.push(`rule 8: the call on pod ${id} was aborted (${describeCalls(calls)}) but the report says ${codeOf(entry)}`);
    }
    if (calls.length > 0) continue;
    const preds = nonInfraMembers(f.graph, id).map((m) => codeOf(f.report.containers.get(m)));
    if (preds.every((c) => c === null || c === 'ABORTED') && codeOf(entry) !== 'ABORTED') {
      out.push(
        `rule 8: pod ${id} was not attempted and no member failed (${preds.join(', ') || 'no members'}), but the report says ${codeOf(entry)}, not ABORTED`,
      );
    }
  }
  return out;
}

/** Every error of a report entry's `cause` chain (the entry first), stopping at a non-Error or a loop. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && !chain.includes(current) && chain.length < 1000) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/**
 * Rule 7, for several removeGraph calls run at once on one runtime (no abort): no entry of any
 * report is, or is caused by, a NO_SUCH_* error (another call removed the item first); every
 * item reported removed is gone from the runtime; every item no run selected is still there;
 * and every item a concurrent run reported failed also fails when that run is alone on a fresh
 * runtime with the same faults (another call's removals can only turn failures into successes).
 */
export function checkRule7Concurrent(runs: readonly RunFacts[], aloneReports: readonly RemovalReport[], world: World): Violations {
  const out: Violations = [];
  const everSelected: Selection = { containers: new Set(), pods: new Set() };
  runs.forEach((f, i) => {
    const selection = expectedSelection(f.graph, f.targets);
    for (const id of selection.containers) everSelected.containers.add(id);
    for (const id of selection.pods) everSelected.pods.add(id);
    const alone = aloneReports[i];
    const entries: [string, string, PodgraphError | null, PodgraphError | null | undefined][] = [
      ...[...f.report.containers].map(
        ([id, e]) =>
          ['container', id, e, alone.containers.get(id)] as [string, string, PodgraphError | null, PodgraphError | null | undefined],
      ),
      ...[...f.report.pods].map(
        ([id, e]) => ['pod', id, e, alone.pods.get(id)] as [string, string, PodgraphError | null, PodgraphError | null | undefined],
      ),
    ];
    for (const [kind, id, entry, aloneEntry] of entries) {
      if (entry === null) {
        if (kind === 'pod' ? world.hasPod(id) : world.has(id))
          out.push(`rule 7: run ${i} reported ${kind} ${id} removed but the runtime still has it`);
        continue;
      }
      const noSuch = causeChain(entry).find((e) => /^NO_SUCH_/.test(String((e as { code?: unknown }).code)));
      if (noSuch !== undefined) {
        out.push(
          `rule 7: run ${i} reported ${kind} ${id} failed because of ${(noSuch as Error).message} (${entry.code}: ${entry.message})`,
        );
      }
      if (aloneEntry === null) {
        out.push(
          `rule 7: run ${i} reported ${kind} ${id} failed (${entry.code}: ${entry.message}) but alone it removes it: another call's removal made it fail`,
        );
      }
    }
  });
  for (const f of runs.slice(0, 1)) {
    for (const id of f.graph.containerIds()) {
      if (!everSelected.containers.has(id) && !world.has(id)) out.push(`rule 7: container ${id} was selected by no run but is gone`);
    }
    for (const id of f.graph.podIds()) {
      if (!everSelected.pods.has(id) && !world.hasPod(id)) out.push(`rule 7: pod ${id} was selected by no run but is gone`);
    }
  }
  return out;
}

/**
 * Rule 7's sharing, over the runtime's whole log of several calls on one runtime object: each
 * item gets at most one successful removal in all; no call makes a runtime call for an item that
 * another call removed while this one was running (it waits, or finds it in the shared map); and
 * the runtime's own bound on calls in flight holds over all the calls together.
 */
export function checkSharedRuntime(
  globalLog: readonly OperationRecord[],
  logs: readonly (readonly OperationRecord[])[],
  startTicks: readonly number[],
  endTicks: readonly number[],
  bound: number | undefined,
): Violations {
  const out: Violations = [];
  const key = (e: OperationRecord) => `${e.op === 'removePod' ? 'pod' : 'container'} ${e.id}`;
  const removals = new Map<string, OperationRecord[]>();
  for (const e of globalLog) if (e.result === 'removed') (removals.get(key(e)) ?? removals.set(key(e), []).get(key(e))!).push(e);
  for (const [item, list] of removals) {
    if (list.length > 1) out.push(`rule 7: ${item} was removed ${list.length} times over the calls`);
  }
  logs.forEach((log, i) => {
    for (const e of log) {
      for (const [j, other] of logs.entries()) {
        if (j === i) continue;
        const removed = other.find((r) => r.result === 'removed' && key(r) === key(e));
        // Run i was already running when run j's removal ended, and called the runtime after that.
        if (removed !== undefined && startTicks[i] < removed.endTick! && removed.endTick! < e.startTick && e.startTick < endTicks[i]) {
          out.push(
            `rule 7: run ${i} called ${e.op} ${e.id} at tick ${e.startTick} after run ${j} had removed it at tick ${removed.endTick}`,
          );
        }
      }
    }
  });
  if (bound !== undefined) {
    let inFlight = 0;
    const edges = globalLog.flatMap((e) => [
      [e.startTick, 1],
      [e.endTick ?? Infinity, -1],
    ]);
    edges.sort((a, b) => a[0] - b[0]);
    for (const [, delta] of edges) {
      inFlight += delta;
      if (inFlight > bound) {
        out.push(`rule 7: ${inFlight} runtime calls in flight over the calls, above the runtime's bound of ${bound}`);
        break;
      }
    }
  }
  return out;
}

/** A comparable picture of a report: per entry its code, message and the codes of its cause chain. */
export function normalizeReport(report: RemovalReport): unknown {
  const entry = (e: PodgraphError | null) =>
    e === null
      ? null
      : {
          code: e.code,
          message: e.message,
          causes: causeChain(e)
            .slice(1)
            .map((c) => (c instanceof Error ? `${(c as { code?: unknown }).code ?? c.name}: ${c.message}` : String(c))),
        };
  return {
    ok: report.ok,
    containers: [...report.containers].map(([id, e]) => [id, entry(e)]),
    pods: [...report.pods].map(([id, e]) => [id, entry(e)]),
  };
}

/** A comparable picture of a log. */
export function normalizeLog(log: readonly OperationRecord[]): unknown {
  return log.map((e) => ({
    op: e.op,
    id: e.id,
    force: e.force,
    state: e.state,
    start: e.start,
    end: e.end,
    startTick: e.startTick,
    endTick: e.endTick,
    result: e.result,
  }));
}

/** Rule 9: a throwing listener changes nothing: same report and same runtime calls, at the same fake times, as without it. */
export function checkRule9ListenerIsolation(
  withThrowing: { report: RemovalReport; log: readonly OperationRecord[] },
  without: { report: RemovalReport; log: readonly OperationRecord[] },
): Violations {
  const out: Violations = [];
  const a = JSON.stringify(normalizeReport(withThrowing.report));
  const b = JSON.stringify(normalizeReport(without.report));
  if (a !== b) out.push(`rule 9: a throwing listener changed the report:\n  with:    ${a}\n  without: ${b}`);
  const la = JSON.stringify(normalizeLog(withThrowing.log));
  const lb = JSON.stringify(normalizeLog(without.log));
  if (la !== lb) out.push(`rule 9: a throwing listener changed the runtime calls:\n  with:    ${la}\n  without: ${lb}`);
  return out;
}

/**
 * Report consistency: an entry for exactly the selected items; `ok` iff every entry is null;
 * every entry null or a PodgraphError with a report code; DEPENDENCY_FAILED caused by the
 * (identical) error of a direct dependent that failed, its chain reaching a non-DEPENDENCY_FAILED
 * error; REMOVING_CTRS only with a failed member; an item whose call failed is reported with
 * the runtime's code (RUNTIME when not a section-5 code) and the runtime's error as cause; an
 * item whose call succeeded, null; an absorbed infra container shares its pod's fate; null
 * entries are gone from the runtime; alone, non-null entries and unselected items are still there.
 */
export function checkReportConsistency(f: RunFacts): Violations {
  const out: Violations = [];
  const { graph, report } = f;
  const selection = expectedSelection(graph, f.targets);
  const sameSet = (kind: string, actual: Iterable<string>, expected: Set<string>) => {
    const a = [...actual].sort();
    const e = [...expected].sort();
    if (JSON.stringify(a) !== JSON.stringify(e))
      out.push(`report: ${kind} entries ${JSON.stringify(a)}, expected the selection ${JSON.stringify(e)}`);
  };
  sameSet('container', report.containers.keys(), selection.containers);
  sameSet('pod', report.pods.keys(), selection.pods);
  const all = [...report.containers.values(), ...report.pods.values()];
  if (report.ok !== all.every((e) => e === null))
    out.push(`report: ok is ${report.ok} but the entries say ${all.every((e) => e === null)}`);

  const checkEntry = (kind: 'container' | 'pod', id: string, entry: PodgraphError | null) => {
    const exists = kind === 'pod' ? f.world.hasPod(id) : f.world.has(id);
    if (entry === null) {
      if (exists) out.push(`report: ${kind} ${id} is reported removed but the runtime still has it`);
      return;
    }
    if (!(entry instanceof PodgraphError)) {
      out.push(`report: ${kind} ${id}'s entry is not a PodgraphError: ${String(entry)}`);
      return;
    }
    if (!REPORT_CODES.has(entry.code)) out.push(`report: ${kind} ${id} has code ${entry.code}, not one a report may carry`);
    if (f.shared !== true && !exists) out.push(`report: ${kind} ${id} is reported ${entry.code} but the runtime no longer has it`);
    if (entry.code === 'DEPENDENCY_FAILED') {
      const chain = causeChain(entry);
      const bottom = chain[chain.length - 1];
      if (!(entry.cause instanceof PodgraphError)) out.push(`report: ${kind} ${id} is DEPENDENCY_FAILED without a PodgraphError cause`);
      else if (!(bottom instanceof PodgraphError) && !(bottom instanceof Error))
        out.push(`report: ${kind} ${id}'s cause chain does not end in an error`);
      if (!chain.some((c) => c instanceof PodgraphError && c.code !== 'DEPENDENCY_FAILED')) {
        out.push(`report: ${kind} ${id}'s DEPENDENCY_FAILED chain never reaches the first failure`);
      }
      if (kind === 'container') {
        const failedDependents = graph
          .dependentsOf(id)
          .map((d) => report.containers.get(d))
          .filter((e) => e !== null && e !== undefined && e.code !== 'ABORTED');
        if (!failedDependents.includes(entry.cause as PodgraphError)) {
          out.push(
            `report: container ${id} is DEPENDENCY_FAILED but its cause (${String((entry.cause as Error)?.message)}) is not the error of a direct dependent that failed`,
          );
        }
      }
    }
    if (entry.code === 'REMOVING_CTRS' && kind === 'pod') {
      const failed = nonInfraMembers(graph, id).filter((m) => {
        const e = report.containers.get(m);
        return e !== null && e !== undefined && e.code !== 'ABORTED';
      });
      if (failed.length === 0) out.push(`report: pod ${id} is REMOVING_CTRS but none of its containers failed`);
    }
  };
  for (const [id, entry] of report.containers) checkEntry('container', id, entry);
  for (const [id, entry] of report.pods) checkEntry('pod', id, entry);

  // Calls and entries agree.
  const agree = (kind: 'container' | 'pod', id: string, entry: PodgraphError | null | undefined, calls: OperationRecord[]) => {
    if (calls.length === 0 || entry === undefined) return;
    const last = calls[calls.length - 1];
    if (last.result === undefined) return; // rule 8 reports it
    const expected = codeForResult(last.result, kind);
    if (codeOf(entry) !== expected) {
      out.push(
        `report: ${kind} ${id} is reported ${codeOf(entry)} but its call answered ${last.result} (expected ${expected}): ${describeCall(last)}`,
      );
    } else if (entry !== null && !(entry.cause instanceof Error)) {
      out.push(`report: ${kind} ${id} failed in the runtime (${last.result}) but its entry has no Error cause`);
    }
  };
  for (const [id, entry] of report.containers) agree('container', id, entry, callsOn(graph, f.log, 'removeContainer', id));
  for (const [id, entry] of report.pods) agree('pod', id, entry, callsOn(graph, f.log, 'removePod', id));

  // An absorbed infra container is removed with its pod, no call of its own.
  for (const [id, entry] of report.containers) {
    if (!isAbsorbedInfra(graph, selection, id)) continue;
    const podEntry = report.pods.get(graph.container(id)!.pod!);
    if ((entry === null) !== (podEntry === null))
      out.push(`report: infra container ${id} is ${codeOf(entry)} but its pod is ${codeOf(podEntry)}`);
    const own = callsOn(graph, f.log, 'removeContainer', id);
    if (own.length > 0) out.push(`report: infra container ${id} of a selected pod got removeContainer calls: ${describeCalls(own)}`);
  }

  // Calls only on selected items.
  for (const e of f.log) {
    const selected =
      e.op === 'removePod' ? selection.pods.has(canonicalPod(graph, e.id)) : selection.containers.has(canonicalCtr(graph, e.id));
    if (!selected) out.push(`report: ${describeCall(e)} on an item that is not selected`);
  }

  if (f.shared !== true) {
    for (const id of graph.containerIds())
      if (!selection.containers.has(id) && !f.world.has(id)) out.push(`report: container ${id} was not selected but is gone`);
    for (const id of graph.podIds())
      if (!selection.pods.has(id) && !f.world.hasPod(id)) out.push(`report: pod ${id} was not selected but is gone`);
  }
  return out;
}

/** Expected code of an item per SPEC's outcome table, 'NONNULL' where the SPEC only says "not removed". */
export type Expected = string | null;

/**
 * SPEC's outcome table as an oracle, for a run alone: dependents first, refusals from the graph
 * (INFRA_CTR, CTR_EXISTS), DEPENDENCY_FAILED / REMOVING_CTRS after a failed predecessor, ABORTED
 * after an aborted one, and for a call: hang -> ABORTED, injected failure -> its code (RUNTIME
 * when none or not a section-5 code), vanished -> null, running/paused/stopping without force
 * -> CTR_STATE_INVALID, else null. Without an abort the report must match it exactly; with an
 * abort an entry may also be ABORTED instead.
 */
export function expectedOutcomes(
  graph: ContainerGraph,
  targets: Targets,
  faults: Faults,
): { containers: Map<string, Expected>; pods: Map<string, Expected> } {
  const selection = expectedSelection(graph, targets);
  const containers = new Map<string, Expected>();
  const pods = new Map<string, Expected>();
  const callOutcome = (id: string, state: string | undefined): Expected => {
    if (faults.hang.has(id)) return 'ABORTED';
    const injected = faults.fail.get(id);
    if (injected !== undefined) return injected === 'plain' || !KNOWN_CODES.has(injected) ? 'RUNTIME' : injected;
    if (faults.vanish.has(id)) return null;
    if (state !== undefined && ACTIVE.has(state) && targets.force !== true) return 'CTR_STATE_INVALID';
    return null;
  };
  const fold = (preds: Expected[], failed: string, call: () => Expected): Expected => {
    if (preds.some((p) => p !== null && p !== 'ABORTED')) return failed;
    if (preds.some((p) => p === 'ABORTED')) return 'ABORTED';
    return call();
  };
  const podOutcome = (podId: string): Expected => {
    if (pods.has(podId)) return pods.get(podId)!;
    const result = fold(nonInfraMembers(graph, podId).map(ctrOutcome), 'REMOVING_CTRS', () => callOutcome(podId, undefined));
    pods.set(podId, result);
    return result;
  };
  const ctrOutcome = (id: string): Expected => {
    if (containers.has(id)) return containers.get(id)!;
    const info = graph.container(id)!;
    let result: Expected;
    const refusal = refusalOf(graph, selection, id);
    if (refusal !== undefined) result = refusal;
    else if (info.infra) {
      const pod = podOutcome(info.pod!);
      result = pod === null ? null : pod === 'ABORTED' ? 'ABORTED' : 'NONNULL';
    } else {
      result = fold(graph.dependentsOf(id).map(ctrOutcome), 'DEPENDENCY_FAILED', () => callOutcome(id, info.state));
    }
    containers.set(id, result);
    return result;
  };
  for (const id of selection.containers) ctrOutcome(id);
  for (const id of selection.pods) podOutcome(id);
  // Only selected items are reported.
  for (const id of [...containers.keys()]) if (!selection.containers.has(id)) containers.delete(id);
  return { containers, pods };
}

/** The report matches SPEC's outcome table (see expectedOutcomes); only for a run alone. */
export function checkOutcomeTable(f: RunFacts): Violations {
  if (f.shared === true) return [];
  const out: Violations = [];
  const expected = expectedOutcomes(f.graph, f.targets, f.faults);
  const compare = (kind: string, id: string, want: Expected, got: PodgraphError | null | undefined) => {
    const code = codeOf(got);
    if (want === code) return;
    if (want === 'NONNULL' && code !== null) return;
    if (f.abort !== undefined && code === 'ABORTED') return;
    out.push(
      `outcome: ${kind} ${id} is reported ${code}${got ? ` (${got.message})` : ''} but the SPEC's table says ${want}${f.abort ? ' (or ABORTED)' : ''}`,
    );
  };
  for (const [id, want] of expected.containers) compare('container', id, want, f.report.containers.get(id));
  for (const [id, want] of expected.pods) compare('pod', id, want, f.report.pods.get(id));
  return out;
}

/**
 * Events: each report entry gets exactly one terminal event (`removed` for null, `failed` with
 * an error of the same code and message otherwise), nothing else does; a `start` event for each
 * runtime call of the run, before that item's terminal event.
 */
export function checkEvents(f: RunFacts, events: readonly RemovalEvent[]): Violations {
  const out: Violations = [];
  const terminal = new Map<string, { event: RemovalEvent; at: number }[]>();
  const starts = new Map<string, number[]>();
  events.forEach((event, at) => {
    const key = `${event.kind} ${event.id}`;
    if (event.type === 'start') {
      let list = starts.get(key);
      if (list === undefined) starts.set(key, (list = []));
      list.push(at);
      return;
    }
    let list = terminal.get(key);
    if (list === undefined) terminal.set(key, (list = []));
    list.push({ event, at });
  });
  const entries: [string, PodgraphError | null][] = [
    ...[...f.report.containers].map(([id, e]) => [`container ${id}`, e] as [string, PodgraphError | null]),
    ...[...f.report.pods].map(([id, e]) => [`pod ${id}`, e] as [string, PodgraphError | null]),
  ];
  const reported = new Set(entries.map(([key]) => key));
  for (const [key, entry] of entries) {
    const list = terminal.get(key) ?? [];
    if (list.length !== 1) {
      out.push(`events: ${key} got ${list.length} removed/failed events, expected 1`);
      continue;
    }
    const { event } = list[0];
    if (entry === null && event.type !== 'removed') out.push(`events: ${key} was removed but its event is ${event.type}`);
    if (entry !== null && (event.type !== 'failed' || event.error?.code !== entry.code || event.error.message !== entry.message)) {
      out.push(`events: ${key} failed with ${entry.code} but its event is ${event.type} ${event.error?.code ?? ''}`);
    }
  }
  for (const key of terminal.keys()) if (!reported.has(key)) out.push(`events: ${key} got an event but has no report entry`);
  const callCounts = new Map<string, number>();
  for (const e of f.log) {
    const key = e.op === 'removePod' ? `pod ${canonicalPod(f.graph, e.id)}` : `container ${canonicalCtr(f.graph, e.id)}`;
    callCounts.set(key, (callCounts.get(key) ?? 0) + 1);
  }
  for (const key of new Set([...callCounts.keys(), ...starts.keys()])) {
    const calls = callCounts.get(key) ?? 0;
    const started = starts.get(key) ?? [];
    if (calls !== started.length) out.push(`events: ${key} had ${calls} runtime calls but ${started.length} start events`);
    const end = terminal.get(key)?.[0]?.at;
    if (end !== undefined && started.some((at) => at > end))
      out.push(`events: ${key} got a start event after its ${terminal.get(key)![0].event.type} event`);
  }
  return out;
}

/**
 * The messages SPEC section 3's outcome table spells out: INFRA_CTR, CTR_EXISTS (naming the
 * unselected direct dependents), DEPENDENCY_FAILED, REMOVING_CTRS, and CTR_STATE_INVALID for a
 * running / paused / stopping container without force (items with an injected failure are skipped:
 * their message is the injected one). Absorbed infra containers are skipped (the SPEC is silent).
 */
export function checkMessages(f: RunFacts): Violations {
  const out: Violations = [];
  const selection = expectedSelection(f.graph, f.targets);
  const expect = (what: string, entry: PodgraphError, wanted: string) => {
    if (entry.message !== wanted) out.push(`message: ${what} (${entry.code}) says "${entry.message}", the SPEC says "${wanted}"`);
  };
  for (const [id, entry] of f.report.containers) {
    if (entry === null || isAbsorbedInfra(f.graph, selection, id)) continue;
    const info = f.graph.container(id)!;
    if (entry.code === 'INFRA_CTR' && !f.faults.fail.has(id)) {
      expect(
        `container ${id}`,
        entry,
        `container ${id} is the infra container of pod ${info.pod} and cannot be removed without removing the pod`,
      );
    } else if (entry.code === 'CTR_EXISTS' && !f.faults.fail.has(id)) {
      const unselected = f.graph.dependentsOf(id).filter((d) => !selection.containers.has(d));
      const prefix = `container ${id} has dependent containers which must be removed before it: `;
      const listed = entry.message.startsWith(prefix) ? entry.message.slice(prefix.length).split(', ') : undefined;
      if (listed === undefined || JSON.stringify([...listed].sort()) !== JSON.stringify([...unselected].sort())) {
        out.push(
          `message: container ${id} (CTR_EXISTS) says "${entry.message}", the SPEC says "${prefix}${unselected.join(', ')}" (the unselected direct dependents, in any order)`,
        );
      }
    } else if (entry.code === 'DEPENDENCY_FAILED') {
      expect(`container ${id}`, entry, `a container that depends on container ${id} could not be removed`);
    } else if (entry.code === 'CTR_STATE_INVALID' && !f.faults.fail.has(id)) {
      expect(
        `container ${id}`,
        entry,
        `cannot remove container ${id} as it is ${info.state} - running or paused containers cannot be removed without force`,
      );
    }
  }
  for (const [id, entry] of f.report.pods) {
    if (entry?.code === 'REMOVING_CTRS' && !f.faults.fail.has(id))
      expect(`pod ${id}`, entry, `not all containers could be removed from pod ${id}`);
  }
  return out;
}

/** Every runtime call carries the run's `force` and `timeout`, every container call its `volumes` (SPEC section 2's call options). */
export function checkCallOptions(f: RunFacts): Violations {
  const out: Violations = [];
  for (const e of f.log) {
    if (e.force !== (f.targets.force === true))
      out.push(`call options: ${describeCall(e)} got force ${e.force}, the run has force ${f.targets.force === true}`);
    if (e.timeout !== f.targets.timeout)
      out.push(`call options: ${describeCall(e)} got timeout ${e.timeout}, the run has timeout ${f.targets.timeout}`);
    if (e.op === 'removeContainer' && (e.volumes === true) !== (f.targets.volumes === true))
      out.push(`call options: ${describeCall(e)} got volumes ${e.volumes}, the run has volumes ${f.targets.volumes === true}`);
  }
  return out;
}

/** Every single-run rule: 1-6, 8, the report, the outcome table, the call options. */
export function checkSingleRun(f: RunFacts): Violations {
  return [
    ...checkCallOptions(f),
    ...checkMessages(f),
    ...checkRule1DependentsFirst(f),
    ...checkRule2FailedKeepsDependencies(f),
    ...checkRule3PodAfterMembers(f),
    ...checkRule4AtMostOnce(f),
    ...checkRule5Concurrency(f),
    ...checkRule6WorkConserving(f),
    ...checkRule8Abort(f),
    ...checkReportConsistency(f),
    ...checkOutcomeTable(f),
  ];
}

/** Throws an Error listing the violations (and what produced them) when there are any. */
export function expectRules(violations: Violations, context: () => unknown): void {
  if (violations.length === 0) return;
  let shown: string;
  try {
    shown = JSON.stringify(
      context(),
      (_key, value) => (value === Infinity ? 'Infinity' : value instanceof Map ? [...value] : value instanceof Set ? [...value] : value),
      1,
    );
  } catch (error) {
    shown = `(context not printable: ${String(error)})`;
  }
  throw new Error(`${violations.length} violation(s):\n- ${violations.join('\n- ')}\ncontext: ${shown}`);
}
