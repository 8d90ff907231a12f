/**
 * The flags of `rm` and `pod rm`, with podman 5.8's meanings and argument errors, whatever the
 * service's version (podgraph is the client: what podman's client does, podgraph does), checked in
 * podman's order (its CheckAllLatestAndIDFile, then rm's own checks) before anything is removed:
 * `-t` needs `-f` and takes a signed int (`-1`: wait forever); `rm` reads its `--cidfile`s (a
 * missing one skipped with `-i`), checks its filters, then `-a` implies `--depend`, `-f` implies
 * `-i`, and a leading `/` is dropped from each name; `--filter` takes no names, selects instead
 * of `-a`, and is one filter per use, commas and all; `pod rm` reads each `--pod-id-file` on its
 * own, its errors collected with the rest.
 */
import { PodgraphError } from '../errors.js';
import type { ItemKind, RemoveOptions } from '../index.js';
import { parseFilters } from '../internal.js';
import { CliError } from './cli-error.js';
import { goQuote } from './go-text.js';
import { type IdFileRead, readIdFile } from './id-files.js';
import type { ProgressMode } from './progress.js';
import type { SourceFlags } from './source.js';

/** The flags of `rm` and `pod rm` as commander parses them: the removal's, where, and the output's. */
export interface RemoveFlags extends RemovalFlags, SourceFlags {
  json?: boolean;
  progress?: ProgressMode;
  reportSvg?: string;
}

/** The flags as commander parses them. */
export interface RemovalFlags {
  all?: boolean;
  force?: boolean;
  depend?: boolean;
  ignore?: boolean;
  volumes?: boolean;
  latest?: boolean;
  /** `-t` as given: negative waits forever. */
  time?: number;
  concurrency?: number;
  /** `rm --filter`, one filter per use (pflag's StringArray, as podman 5). */
  filter?: string[];
  /** `rm --cidfile`. */
  cidfile?: string[];
  /** `pod rm --pod-id-file`. */
  podIdFile?: string[];
}

/**
 * Seconds podman servers of both generations read as "forever": libpod 5 maps a negative stop
 * timeout to math.MaxUint32 seconds; podman 4.3 would wrap podman-remote's 2^64-1 to an immediate
 * kill, and either answers 400 to a literal `-1`.
 */
const FOREVER = 4294967295;

/** `pod rm --pod-id-file`: a file, and the id it holds or why it could not be read. */
export type PodIdFile = { file: string } & IdFileRead;

/** What `rm` / `pod rm` was asked to do. */
export interface RemovalRequest {
  kind: ItemKind;
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
  /** Seconds to stop a running container: `-t`, with a negative one as {@link FOREVER}. */
  timeout: number | undefined;
  concurrency: number | undefined;
  /** `pod rm --pod-id-file`, in order; `names` holds the ids of those that could be read. */
  podIdFiles: PodIdFile[];
}

export function removalRequest(kind: ItemKind, typed: string[], flags: RemovalFlags): RemovalRequest {
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
  if (flags.time !== undefined && flags.force !== true) throw new CliError('--force option must be specified to use the --time option');
  const fromFiles: string[] = [];
  const podIdFiles: PodIdFile[] = [];
  for (const file of idFiles) {
    const read = readIdFile(kind, file);
    if (kind === 'pod') podIdFiles.push({ file, ...read });
    if ('id' in read) fromFiles.push(read.id);
    else if (kind === 'container' && !(read.missing && flags.ignore === true)) throw new CliError(read.error);
  }
  for (const filter of filters) if (!filter.includes('=')) throw new CliError(`invalid filter ${goQuote(filter)}`);
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
  const names = [...typed, ...fromFiles];
  return {
    kind,
    // podman 5's rm drops a leading `/` (Docker's names have one); pod rm does not.
    names: kind === 'container' ? names.map((name) => (name.startsWith('/') ? name.slice(1) : name)) : names,
    filters,
    // --filter selects instead of -a, which still implies --depend (podman 5).
    all: flags.all === true && filters.length === 0,
    force,
    depend: kind === 'container' && (flags.depend === true || flags.all === true),
    ignore: flags.ignore === true || force,
    volumes: kind === 'pod' || flags.volumes === true,
    timeout: flags.time === undefined ? undefined : flags.time < 0 || flags.time > FOREVER ? FOREVER : flags.time,
    concurrency: flags.concurrency,
    podIdFiles,
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
