/**
 * The flags of `rm` and `pod rm`, with podman's meanings and podman's argument errors, checked in
 * podman 4.3's order before anything is read or removed: `-a` implies `--depend`, `-f` implies
 * `-i`, `-t` needs `-f`.
 */
import { InvalidArgumentError } from 'commander';
import type { RemoveOptions } from '../removal/options.js';
import { CliError } from './cli-error.js';

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
}

/** What `rm` / `pod rm` was asked to do. */
export interface RemovalRequest {
  kind: TargetKind;
  /** The names and ids as typed (empty with `all`). */
  names: string[];
  all: boolean;
  force: boolean;
  depend: boolean;
  ignore: boolean;
  /** `rm -v`; `pod rm` always (podman's pod removal takes its containers' anonymous volumes). */
  volumes: boolean;
  timeout: number | undefined;
  concurrency: number | undefined;
}

export function removalRequest(kind: TargetKind, names: string[], flags: RemovalFlags): RemovalRequest {
  const all = flags.all === true;
  const latest = flags.latest === true;
  if (all && latest) throw new CliError('--all and --latest cannot be used together');
  if (names.length > 0 && latest) throw new CliError(`--latest and ${kind === 'pod' ? 'pods' : 'containers'} cannot be used together`);
  if (names.length > 0 && all) throw new CliError('no arguments are needed with --all');
  if (names.length === 0 && !all && !latest) throw new CliError('you must provide at least one name or id');
  if (flags.time !== undefined && flags.force !== true) throw new CliError('--force option must be specified to use the --time option');
  if (latest) {
    // podman --remote has no --latest either: a service cannot tell which container "you" made last.
    throw new CliError(`--latest is not supported by podgraph: name the ${kind === 'pod' ? 'pods' : 'containers'}, or use --all`);
  }
  const force = flags.force === true;
  return {
    kind,
    names,
    all,
    force,
    depend: kind === 'container' && (flags.depend === true || all),
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
  else options.containers = refs;
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
