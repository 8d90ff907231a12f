/**
 * podman's `ps --filter` / `rm --filter` over the model, as podman 5.8 evaluates them
 * (pkg/domain/filters/containers.go), for the keys the model can answer:
 *
 * - `id=V`: a hex V is a prefix of the full id; anything else a Go regular expression matched
 *   anywhere in it (podman 4.3 took every V as an expression).
 * - `name=RE`: a Go regular expression matched anywhere in the name (`name=^web$` to anchor),
 *   slashes dropped from RE; a value that is not a valid expression matches nothing, as in podman.
 * - `label=KEY` or `label=KEY=VALUE`: the container has that label (with that value; `KEY=`
 *   means any value); a KEY with `*` is a glob over label keys (Go's filepath.Match). Every
 *   `label` value must match. `label!=...`: not every one of those matches (podman 5; 4.3 has no
 *   `label!` for containers).
 * - `status=S`: podman's states (`created`, `running`, `paused`, `exited`, ...; `stopped` means
 *   `exited`); another word is podman's `unknown container state` error.
 * - `pod=P`: a member of pod P (id, name or unique id prefix); an unknown pod matches nothing.
 * - `exited=N`: a container in state exited (or stopped) whose exit code is N.
 * - `before=C`, `since=C`: created before / after container C (by `created`; with several
 *   values, the earliest of them, as podman); an unknown C is podman's "no such container".
 *
 * Values of one key OR, except `label` and `label!`, where all must match; different keys AND.
 * podman's other keys need facts the model does not hold (the time now, images, volumes,
 * networks, health, restart policies, commands) and are refused, as is any other word.
 */
import { invalidArg } from '../errors.js';
import { globSource } from '../glob.js';
import { type CompiledGraph, stateOf } from '../graph/compiled-graph.js';
import { resolveRef } from '../graph/lookup.js';
import { type ContainerState, createdNanos, type Labels } from '../graph/spec.js';
import { noSuchContainer } from '../messages.js';

/** One key's values, as given. */
export type ParsedFilters = ReadonlyMap<FilterKey, readonly string[]>;

const FILTER_KEYS = ['id', 'name', 'label', 'label!', 'status', 'pod', 'exited', 'before', 'since'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** podman's container filter keys that need facts the model does not have. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  until: 'clock: until= compares with the time now',
  ancestor: 'images',
  volume: 'volumes',
  network: 'networks',
  health: 'health checks',
  'restart-policy': 'restart policies',
  command: 'commands',
  'should-start-on-boot': 'restart policies',
};

/** The words podman 4.3's `status=` accepts (libpod's StringToContainerStatus). */
const PODMAN_STATUSES: ReadonlySet<string> = new Set([
  'unknown',
  'created',
  'initialized',
  'running',
  'stopped',
  'paused',
  'exited',
  'removing',
]);

/** A model state as podman's status filter sees it: `stopped` reads as `exited`. */
const STATUS_OF: Readonly<Record<ContainerState, string>> = {
  created: 'created',
  running: 'running',
  paused: 'paused',
  stopping: 'stopping',
  exited: 'exited',
  stopped: 'exited',
};

function isFilterKey(key: string): key is FilterKey {
  return (FILTER_KEYS as readonly string[]).includes(key);
}

/**
 * Parses `KEY=VALUE` strings into values per key, checking keys and values as podman does,
 * before anything is removed. Throws INVALID_ARG with podman's words.
 */
export function parseFilters(filters: readonly string[]): ParsedFilters {
  const parsed = new Map<FilterKey, string[]>();
  for (const filter of filters) {
    const at = filter.indexOf('=');
    if (at === -1) throw invalidArg(`invalid filter ${JSON.stringify(filter)}`);
    const key = filter.slice(0, at);
    const value = filter.slice(at + 1);
    if (!isFilterKey(key)) {
      const missing = UNSUPPORTED[key];
      if (missing !== undefined) {
        throw invalidArg(
          `${key} is a podman filter podgraph cannot apply: the model has no ${missing} (filter by ${FILTER_KEYS.join(', ')})`,
        );
      }
      throw invalidArg(`${key} is an invalid filter`);
    }
    if (key === 'status' && !PODMAN_STATUSES.has(value)) throw invalidArg(`unknown container state: ${value}: invalid argument`);
    if (key === 'exited') exitCodeOf(value);
    let values = parsed.get(key);
    if (values === undefined) parsed.set(key, (values = []));
    values.push(value);
  }
  return parsed;
}

/** `exited=` values as Go's strconv.ParseInt(value, 10, 32) reads them, with podman's (odd) complaint. */
function exitCodeOf(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) {
    throw invalidArg(`exited code out of range '\\x00': strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  const code = Number(value);
  if (code < -(2 ** 31) || code >= 2 ** 31) {
    throw invalidArg(`exited code out of range '\uFFFD': strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
  }
  return code;
}

/** The container `ref` names as podman's LookupContainer finds it: id, name, or a unique id prefix. */
function containerNamed(graph: CompiledGraph, ref: string): number | undefined {
  const found = resolveRef(graph.lookup, graph.ids, ref);
  return found === 'ambiguous' ? undefined : found;
}

/**
 * `before=` / `since=`: the earliest creation time of the containers named (podman takes the
 * minimum for both), and a test on each container's own creation time.
 */
function createdTest(graph: CompiledGraph, key: 'before' | 'since', refs: readonly string[]): (index: number) => boolean {
  let bound: bigint | undefined;
  for (const ref of refs) {
    const index = containerNamed(graph, ref);
    if (index === undefined) throw noSuchContainer(ref);
    const text = graph.created[index];
    if (text === undefined) {
      throw invalidArg(`${key}=${ref}: container ${graph.ids[index]} has no creation time (ContainerSpec.created) to compare with`);
    }
    const time = createdNanos(text)!;
    if (bound === undefined || time < bound) bound = time;
  }
  return (i) => {
    const text = graph.created[i];
    if (text === undefined || bound === undefined) return false;
    const time = createdNanos(text)!;
    return key === 'before' ? time < bound : time > bound;
  };
}

/** Go's regexp.MatchString for the common cases: an inline `(?flags)` prefix becomes JS flags; invalid is undefined. */
function goRegExp(source: string): RegExp | undefined {
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  const flags = inline === null ? '' : [...new Set(inline[1].replace('U', ''))].join('');
  try {
    return new RegExp(inline === null ? source : source.slice(inline[0].length), flags);
  } catch {
    return undefined;
  }
}

/** A test that an id starts with `prefix`. */
function prefixTest(prefix: string): { test(id: string): boolean } {
  return { test: (id) => id.startsWith(prefix) };
}

/** Go's filepath.Match of `*PATTERN*` (podman's matchPattern), `/` being no separator there. */
function globRegExp(pattern: string): RegExp {
  return new RegExp(`^.*${globSource(pattern, 'go')}.*$`, 's');
}

interface LabelWanted {
  key: string;
  /** '' is any value. */
  value: string;
  /** For a key with `*`. */
  glob: RegExp | undefined;
}

function labelWanted(filter: string): LabelWanted {
  const at = filter.indexOf('=');
  const key = at === -1 ? filter : filter.slice(0, at);
  return { key, value: at === -1 ? '' : filter.slice(at + 1), glob: key.includes('*') ? globRegExp(key) : undefined };
}

/** podman's MatchLabelFilters: every `KEY[=VALUE]` is met by some label. */
function matchesLabels(wanted: readonly LabelWanted[], labels: Labels | undefined): boolean {
  if (labels === undefined) return wanted.length === 0;
  return wanted.every(({ key, value, glob }) => {
    if (Object.hasOwn(labels, key) && (value === '' || labels[key] === value)) return true;
    if (glob === undefined) return false;
    for (const labelKey in labels) if ((value === '' || labels[labelKey] === value) && glob.test(labelKey)) return true;
    return false;
  });
}

/** The pods `pod=` values name, as podman's LookupPod finds them: id, name, or a unique id prefix. */
function podsNamed(graph: CompiledGraph, refs: readonly string[]): Set<number> {
  const pods = new Set<number>();
  for (const ref of refs) {
    const exact = graph.podLookup.get(ref);
    if (exact !== undefined) {
      pods.add(exact);
      continue;
    }
    const found = resolveRef(graph.podLookup, graph.podIds, ref);
    if (typeof found === 'number') pods.add(found);
  }
  return pods;
}

/** The indices of the containers every filter key matches, in index order. */
export function matchFilters(graph: CompiledGraph, filters: ParsedFilters): number[] {
  const tests: ((index: number) => boolean)[] = [];
  for (const [key, values] of filters) {
    switch (key) {
      case 'id': {
        // podman 5 (FilterID): a hex value is an id prefix, anything else a regular expression.
        const matchersOrUndefined = values.map((value) =>
          /^[0-9a-fA-F]+$/.test(value) ? prefixTest(value.toLowerCase()) : goRegExp(value),
        );
        const matchers = matchersOrUndefined.filter((re) => re !== undefined);
        tests.push((i) => matchers.some((re) => re.test(graph.ids[i])));
        break;
      }
      case 'name': {
        // podman 5 drops the slashes of each value; podman's name has none, and a container without
        // a name in the model has none to match.
        const expressions = values.map((value) => goRegExp(value.replaceAll('/', ''))).filter((re) => re !== undefined);
        tests.push((i) => expressions.some((re) => re.test(graph.names[i] ?? '')));
        break;
      }
      case 'label':
      case 'label!': {
        const wanted = values.map(labelWanted);
        const negated = key === 'label!';
        tests.push((i) => matchesLabels(wanted, graph.labels[i]) !== negated);
        break;
      }
      case 'status': {
        const wanted = new Set(values.map((value) => (value === 'stopped' ? 'exited' : value)));
        tests.push((i) => wanted.has(STATUS_OF[stateOf(graph, i)]));
        break;
      }
      case 'pod': {
        const pods = podsNamed(graph, values);
        tests.push((i) => graph.podOf[i] !== -1 && pods.has(graph.podOf[i]));
        break;
      }
      case 'exited': {
        const codes = new Set(values.map(exitCodeOf));
        tests.push((i) => {
          const state = stateOf(graph, i);
          const code = graph.exitCodes[i];
          return (state === 'exited' || state === 'stopped') && code !== undefined && codes.has(code);
        });
        break;
      }
      case 'before':
      case 'since':
        tests.push(createdTest(graph, key, values));
        break;
    }
  }
  const matched: number[] = [];
  for (let i = 0; i < graph.size; i++) if (tests.every((test) => test(i))) matched.push(i);
  return matched;
}
