/**
 * The flags of `rm` and `pod rm`, with podman's meanings and podman's argument errors, checked in
 * podman 4.3's order (its CheckAllLatestAndIDFile, then rm's own checks) before anything is read
 * or removed: `-a` implies `--depend`, `-f` implies `-i`, `-t` needs `-f`; `--filter` takes no
 * names and wins over `-a` (podman then neither removes everything nor implies `--depend`);
 * `--cidfile` / `--pod-id-file` add the ids their files hold.
 */
import { InvalidArgumentError } from 'commander';
import { PodgraphError } from '../errors.js';
import { parseFilters } from '../removal/filters.js';
import type { RemoveOptions } from '../removal/options.js';
import { CliError } from './cli-error.js';
import { readIdFiles } from './id-files.js';

export type TargetKind = 'container' | 'pod';

/** The flags as commander parses them. */
export interface RemovalFlags {
  all?: boolean;
  force?: boolean;
  depend?: boolean;
  ignore?: boolean;
  volumes?: boolean;
  latest?: boolean;
  time?: number;
  concurrency?: number;
  /** `rm --filter`, split on commas. */
  filter?: string[];
  /** `rm --cidfile`. */
  cidfile?: string[];
  /** `pod rm --pod-id-file`. */
  podIdFile?: string[];
}

/** What `rm` / `pod rm` was asked to do. */
export interface RemovalRequest {
  kind: TargetKind;
  /** The names and ids as typed, then those read from id files (empty with `all`). */
  names: string[];
  /** `--filter` values: with them, `names` (from id files) only narrow what matches. */
  filters: string[];
  all: boolean;
  force: boolean;
  depend: boolean;
  ignore: boolean;
  /** `rm -v`; `pod rm` always (podman's pod removal takes its containers' anonymous volumes). */
  volumes: boolean;
  timeout: number | undefined;
  concurrency: number | undefined;
}

export function removalRequest(kind: TargetKind, typed: string[], flags: RemovalFlags): RemovalRequest {
  const idFileFlag = kind === 'pod' ? 'pod-id-file' : 'cidfile';
  const idFiles = (kind === 'pod' ? flags.podIdFile : flags.cidfile) ?? [];
  const filters = flags.filter ?? [];
  const latest = flags.latest === true;
  const what = kind === 'pod' ? 'pods' : 'containers';
  if (flags.filter !== undefined) {
    if (typed.length > 0) throw new CliError('--filter takes no arguments');
  } else {
    const all = flags.all === true;
    if (idFiles.length > 0 && (all || latest)) throw new CliError(`--all, --latest, and --${idFileFlag} cannot be used together`);
    if (all && latest) throw new CliError('--all and --latest cannot be used together');
    if (typed.length > 0 && all) throw new CliError('no arguments are needed with --all');
    if (typed.length > 0 && latest) throw new CliError(`--latest and ${what} cannot be used together`);
    if (typed.length > 0 && idFiles.length > 0) throw new CliError(`no arguments are needed with --latest or --${idFileFlag}`);
    if (typed.length === 0 && idFiles.length === 0 && !all && !latest) throw new CliError('you must provide at least one name or id');
  }
  // podman's pod rm reads its files before the --time check, rm after it.
  const fromFiles = kind === 'pod' ? readIdFiles(kind, idFiles) : [];
  if (flags.time !== undefined && flags.force !== true) throw new CliError('--force option must be specified to use the --time option');
  if (kind === 'container') fromFiles.push(...readIdFiles(kind, idFiles));
  try {
    parseFilters(filters);
  } catch (error) {
    throw error instanceof PodgraphError ? new CliError(error.message) : error;
  }
  if (latest) {
    // podman --remote has no --latest either: a service cannot tell which container "you" made last.
    throw new CliError(`--latest is not supported by podgraph: name the ${what}, or use --all`);
  }
  const force = flags.force === true;
  // With --filter, podman's -a neither selects everything nor implies --depend.
  const all = flags.all === true && filters.length === 0;
  return {
    kind,
    names: [...typed, ...fromFiles],
    filters,
    all,
    force,
    depend: kind === 'container' && ((flags.depend === true && flags.all !== true) || all),
    ignore: flags.ignore === true || force,
    volumes: kind === 'pod' || flags.volumes === true,
    timeout: flags.time,
    concurrency: flags.concurrency,
  };
}

/** The request as removeGraph options, with the targets resolved to ids (`pod rm -a` is every pod, not every container). */
export function removeOptionsOf(request: RemovalRequest, refs: readonly string[], podIds: readonly string[]): RemoveOptions {
  const options: RemoveOptions = { force: request.force, depend: request.depend, ignore: request.ignore };
  if (request.all && request.kind === 'container') options.all = true;
  else if (request.all) options.pods = podIds;
  else if (request.kind === 'pod') options.pods = refs;
  else if (request.filters.length === 0 || refs.length > 0) options.containers = refs;
  if (request.filters.length > 0) options.filters = request.filters;
  if (request.volumes) options.volumes = true;
  if (request.timeout !== undefined) options.timeout = request.timeout;
  if (request.concurrency !== undefined) options.concurrency = request.concurrency;
  return options;
}

/** `-t, --time`: podman's uint, with podman's complaint. */
export function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError(
      `invalid argument "${value}" for "-t, --time" flag: strconv.ParseUint: parsing "${value}": invalid syntax`,
    );
  }
  return Number(value);
}

/** `--concurrency`: an integer from 1 up, or `Infinity`. */
export function parseConcurrency(value: string): number {
  if (value === 'Infinity' || value === 'inf') return Infinity;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(`invalid argument "${value}" for "--concurrency" flag: expected an integer from 1 up, or Infinity`);
  }
  return Number(value);
}

/** `--latency`: milliseconds, from 0 up. */
export function parseMilliseconds(value: string): number {
  const ms = Number(value);
  if (value.trim() === '' || !Number.isFinite(ms) || ms < 0) {
    throw new InvalidArgumentError(`invalid argument "${value}" for "--latency" flag: expected milliseconds from 0 up`);
  }
  return ms;
}

/** commander's collector for a repeatable flag whose every use is one value (pflag's StringArray). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * commander's collector for `--filter`, pflag's StringSlice: repeatable, and each use split on
 * commas as a CSV record (`--filter name=a,label=env=ci` is two filters; `"a,b"` keeps its comma).
 */
export function collectCsv(value: string, previous: string[] | undefined): string[] {
  if (value === '') return previous ?? [];
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return [...(previous ?? []), ...fields];
}
