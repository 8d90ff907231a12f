import { availableParallelism } from 'node:os';
import { describe, invalidArg } from '../errors.js';
import { type ContainerGraph, runtimeOf } from '../graph/container-graph.js';
import { checkConcurrency } from '../runtime/concurrency.js';
import type { Runtime } from '../runtime/runtime.js';
import { type ParsedFilters, parseFilters } from './filters.js';
import type { RemovalEvent } from './report.js';

/** What {@link removeGraph} removes, and how. Pass `all: true`, or at least one of `pods` and `containers`. */
export interface RemoveOptions {
  /**
   * Every pod and every container of the graph (podman's `-a`). Implies `depend`; cannot be
   * combined with `pods` or `containers`.
   *
   * @default false
   */
  all?: boolean;
  /**
   * Pods to remove, by id or name: each with all its containers.
   *
   * @default []
   */
  pods?: readonly string[];
  /**
   * Containers to remove, by id or name.
   *
   * @default []
   */
  containers?: readonly string[];
  /**
   * Remove running, paused and stopping containers too: the runtime stops them first. Implies `ignore`.
   *
   * @default false
   */
  force?: boolean;
  /**
   * Also remove everything that depends on a targeted container, transitively; an infra
   * container brings its whole pod. Implied by `all`.
   *
   * @default false
   */
  depend?: boolean;
  /**
   * Skip unknown targets instead of rejecting the call with NO_SUCH_CTR / NO_SUCH_POD.
   *
   * @default false
   */
  ignore?: boolean;
  /**
   * podman's `ps --filter` syntax (`'label=env=ci'`, `'status=exited'`): selects the containers
   * that match. Values of one key OR, except `label`, where all must match; keys AND. With
   * `containers`, only those of them that match (podman's libpod does the same).
   *
   * @default undefined
   */
  filters?: readonly string[];
  /**
   * Also remove the containers' anonymous volumes (podman rm -v); named volumes stay.
   *
   * @default false
   */
  volumes?: boolean;
  /**
   * Seconds a running container gets to stop before it is killed: a finite number >= 0. When
   * absent, the runtime's own timeout (podman's is 10 s).
   *
   * @default undefined
   */
  timeout?: number;
  /**
   * Runtime calls in flight at most, pods included: an integer >= 1, or `Infinity`. The default
   * is podman's worker count, {@link defaultConcurrency}.
   *
   * @default `3 × os.availableParallelism() + 1`
   */
  concurrency?: number;
  /**
   * Where the removal happens. By default the runtime the graph was read from
   * (`ContainerGraph.fromRuntime`): for a graph read from podman or Docker, that engine, for
   * real. Only a graph made with `fromSpec` defaults to a `MemoryRuntime` seeded from it: a
   * rehearsal that changes nothing outside the process.
   *
   * @default the graph's own runtime (`fromRuntime`), else `new MemoryRuntime(graph)`
   */
  runtime?: Runtime;
  /**
   * Aborts the removal: no new runtime call starts, calls in flight get the signal, and the
   * report comes back with the items not attempted as ABORTED.
   *
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Called for every start, removal and failure. A listener that throws changes nothing.
   *
   * @default undefined
   */
  onEvent?: (event: RemovalEvent) => void;
}

/** Options checked and defaulted; targets still as given. */
export interface ResolvedOptions {
  all: boolean;
  pods: readonly string[];
  containers: readonly string[];
  force: boolean;
  depend: boolean;
  ignore: boolean;
  /** Parsed `filters`; undefined when none were given. */
  filters: ParsedFilters | undefined;
  volumes: boolean;
  timeout: number | undefined;
  concurrency: number;
  runtime: Runtime | undefined;
  signal: AbortSignal | undefined;
  onEvent: ((event: RemovalEvent) => void) | undefined;
}

/** podman's default number of parallel workers. */
export function defaultConcurrency(): number {
  return 3 * availableParallelism() + 1;
}

function flag(options: Record<string, unknown>, key: string): boolean {
  const value = options[key];
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalidArg(`Expected \`${key}\` to be a boolean, got ${describe(value)}`);
  }
  return value === true;
}

function targets(options: Record<string, unknown>, key: string): readonly string[] {
  const value = options[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw invalidArg(`Expected \`${key}\` to be an array of non-empty ids or names, got ${describe(value)}`);
  }
  return value;
}

/** `filters` parsed (podman's errors for a bad one), or undefined when none are given. */
function filterList(options: Record<string, unknown>): ParsedFilters | undefined {
  const value = options.filters;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidArg(`Expected \`filters\` to be an array of 'KEY=VALUE' strings, got ${describe(value)}`);
  }
  return value.length === 0 ? undefined : parseFilters(value);
}

/** The runtime the graph was read from (`fromRuntime`), when it can remove. */
export function graphRuntime(graph: ContainerGraph): Runtime | undefined {
  const source = runtimeOf(graph);
  return isRuntime(source) ? source : undefined;
}

/** Whether `value` is an object whose keys are of these types: the structural check of an option. */
function shaped(value: unknown, shape: Readonly<Record<string, 'function' | 'boolean'>>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(shape).every(([key, type]) => typeof (value as Record<string, unknown>)[key] === type);
}

function isRuntime(value: unknown): value is Runtime {
  return shaped(value, { removeContainer: 'function', removePod: 'function' });
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return shaped(value, { aborted: 'boolean', addEventListener: 'function' });
}

/**
 * Checks every option before anything runs (see `RemoveOptions`); throws INVALID_ARG saying what it
 * got. A removal needs something to remove; a plan (`emptyAllowed`) may select nothing.
 */
export function resolveOptions(input: RemoveOptions, emptyAllowed = false): ResolvedOptions {
  if (typeof input !== 'object' || input === null) {
    throw invalidArg(`Expected an options object, got ${describe(input)}`);
  }
  const options = input as Record<string, unknown>;
  const all = flag(options, 'all');
  const pods = targets(options, 'pods');
  const containers = targets(options, 'containers');
  if (all && (pods.length > 0 || containers.length > 0)) {
    throw invalidArg('`all` cannot be used together with `pods` or `containers`: pass one or the other');
  }
  const filters = filterList(options);
  if (filters !== undefined && (all || pods.length > 0)) {
    throw invalidArg('`filters` select containers: they cannot be used together with `all` or `pods`');
  }
  if (!emptyAllowed && !all && pods.length === 0 && containers.length === 0 && filters === undefined) {
    throw invalidArg('nothing to remove: pass `all: true`, `filters` or at least one id or name in `pods` or `containers`');
  }

  const concurrency = options.concurrency === undefined ? defaultConcurrency() : options.concurrency;
  const bound = checkConcurrency(concurrency);
  const timeout = options.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)) {
    throw invalidArg(`Expected \`timeout\` to be a finite number of seconds from 0 and up, got ${describe(timeout)}`);
  }
  const { runtime, signal, onEvent } = options;
  if (runtime !== undefined && !isRuntime(runtime)) {
    throw invalidArg(`Expected \`runtime\` to have removeContainer and removePod methods, got ${describe(runtime)}`);
  }
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw invalidArg(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw invalidArg(`Expected \`onEvent\` to be a function, got ${describe(onEvent)}`);
  }

  const force = flag(options, 'force');
  return {
    all,
    pods,
    containers,
    force,
    depend: flag(options, 'depend') || all,
    ignore: flag(options, 'ignore') || force,
    filters,
    volumes: flag(options, 'volumes'),
    timeout,
    concurrency: bound,
    runtime,
    signal,
    onEvent: onEvent as ResolvedOptions['onEvent'],
  };
}
