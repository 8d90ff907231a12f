/**
 * podman's two stores of connections, read as podman 5 reads them (containers/common
 * `pkg/config`): the merged containers.conf files (`[engine] active_service`,
 * `[engine.service_destinations.NAME]`, `[farms]`) and podman-connections.json (`Connection`,
 * `Farm`), which podman 5 writes and reads first.
 */
import { createRequire } from 'node:module';
import { posix, win32 } from 'node:path';
import type { TomlTable, TomlValue } from 'smol-toml';
import { invalidArg, PodgraphError } from '../../../errors.js';
import type { ConnectionEnvironment } from '../../service/environment.js';

/** A connection as podman stores it (containers/common `Destination`). */
interface StoredDestination {
  uri: string;
  identity: string | undefined;
  isMachine: boolean;
}

export interface ConfigStore {
  /** The files that were read, in order (those that exist). */
  files: string[];
  defaultConnection: string | undefined;
  destinations: Map<string, StoredDestination>;
  defaultFarm: string | undefined;
  farms: Map<string, string[]>;
}

function pathOf(environment: ConnectionEnvironment) {
  return environment.platform === 'win32' ? win32 : posix;
}

/** `$XDG_CONFIG_HOME/containers/containers.conf`, else `~/.config/...` (`%APPDATA%\containers\...` on Windows). */
function userContainersConf(environment: ConnectionEnvironment): string {
  const path = pathOf(environment);
  const { env } = environment;
  if (environment.platform === 'win32') return path.join(env.APPDATA ?? environment.home, 'containers', 'containers.conf');
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'containers', 'containers.conf');
  return path.join(environment.home, '.config', 'containers', 'containers.conf');
}

/** podman-connections.json: `$PODMAN_CONNECTIONS_CONF`, else beside the user's containers.conf. */
function connectionsJsonPath(environment: ConnectionEnvironment): string {
  const fromEnv = environment.env.PODMAN_CONNECTIONS_CONF;
  if (fromEnv) return fromEnv;
  return pathOf(environment).join(pathOf(environment).dirname(userContainersConf(environment)), 'podman-connections.json');
}

/**
 * The containers.conf files podman 5 merges, in order: `CONTAINERS_CONF` alone if set; else the
 * vendor's, the admin's and its `.d`, the user's and its `.d`; `CONTAINERS_CONF_OVERRIDE` last.
 * The two variables must name files that exist, as podman requires.
 */
export function containersConfFiles(environment: ConnectionEnvironment): string[] {
  const path = pathOf(environment);
  const { env } = environment;
  const mustExist = (variable: string, file: string) => {
    if (environment.readFile(file) === undefined) throw invalidArg(`${variable} names ${file}, which does not exist`);
    return file;
  };
  const withDropIns = (file: string) => [
    file,
    ...(environment.listDir(`${file}.d`) ?? [])
      .filter((name) => name.endsWith('.conf'))
      .sort()
      .map((name) => path.join(`${file}.d`, name)),
  ];
  let files: string[];
  if (env.CONTAINERS_CONF) {
    files = [mustExist('CONTAINERS_CONF', env.CONTAINERS_CONF)];
  } else {
    const system =
      environment.platform === 'win32'
        ? env.ProgramData
          ? [path.join(env.ProgramData, 'containers', 'containers.conf')]
          : []
        : ['/usr/share/containers/containers.conf', '/etc/containers/containers.conf'];
    const admin = system.at(-1);
    files = [...system.slice(0, -1), ...(admin === undefined ? [] : withDropIns(admin)), ...withDropIns(userContainersConf(environment))];
  }
  if (env.CONTAINERS_CONF_OVERRIDE) files.push(mustExist('CONTAINERS_CONF_OVERRIDE', env.CONTAINERS_CONF_OVERRIDE));
  return files;
}

const load = createRequire(import.meta.url);

/**
 * A containers.conf file's tables. A file that is not TOML (a duplicate key or table, `a = 007`) is
 * INVALID_ARG naming the file, the line and the column: podman refuses it too, and a guess at what
 * it means would connect somewhere else.
 */
function parseContainersConf(source: string, file: string): TomlTable {
  // Required, not imported: `import 'podgraph'` and the CLI's start load no TOML parser, and the
  // PodmanRuntime constructor, which resolves its destination, cannot await an import().
  const { parse, TomlError } = load('smol-toml') as typeof import('smol-toml');
  try {
    // Integers beyond 2^53 are valid TOML (podman reads int64); none of them matters here.
    return parse(source, { integersAsBigInt: 'asNeeded' });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // The message's first line is smol-toml's reason; the rest is a code excerpt (kept in the cause).
    const reason = error.message.split('\n', 1)[0]!.replace(/^Invalid TOML document: /, '');
    throw new PodgraphError('INVALID_ARG', `cannot read ${file}: line ${error.line}, column ${error.column}: ${reason}`, { cause: error });
  }
}

function tomlTable(value: TomlValue | undefined): TomlTable | undefined {
  // A date is an object too (a TomlDate), not a table.
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A Go struct field: encoding/json matches names case-insensitively. */
function field(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const record = object as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function farmList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
}

/** Both stores, merged as podman merges them: later containers.conf files win key by key; the JSON file is kept apart. */
export function readConfigStores(environment: ConnectionEnvironment): { conf: ConfigStore; json: ConfigStore } {
  const conf: ConfigStore = { files: [], defaultConnection: undefined, destinations: new Map(), defaultFarm: undefined, farms: new Map() };
  for (const file of containersConfFiles(environment)) {
    const source = environment.readFile(file);
    if (source === undefined) continue;
    conf.files.push(file);
    const document = parseContainersConf(source, file);
    const engine = tomlTable(document.engine);
    if (engine?.active_service !== undefined) conf.defaultConnection = text(engine.active_service);
    for (const [name, value] of Object.entries(tomlTable(engine?.service_destinations) ?? {})) {
      const destination = tomlTable(value);
      if (destination === undefined) continue;
      conf.destinations.set(name, {
        uri: text(destination.uri) ?? '',
        identity: text(destination.identity),
        isMachine: destination.is_machine === true,
      });
    }
    const farms = tomlTable(document.farms);
    if (farms?.default !== undefined) conf.defaultFarm = text(farms.default);
    for (const [name, list] of Object.entries(tomlTable(farms?.list) ?? {})) conf.farms.set(name, farmList(list));
  }

  const json: ConfigStore = { files: [], defaultConnection: undefined, destinations: new Map(), defaultFarm: undefined, farms: new Map() };
  const jsonFile = connectionsJsonPath(environment);
  const source = environment.readFile(jsonFile);
  if (source !== undefined) {
    json.files.push(jsonFile);
    let document: unknown;
    try {
      document = JSON.parse(source);
    } catch (error) {
      throw invalidArg(`cannot read ${jsonFile}: ${(error as Error).message}`);
    }
    const connection = field(document, 'Connection');
    json.defaultConnection = text(field(connection, 'Default'));
    const connections = field(connection, 'Connections');
    for (const [name, value] of Object.entries((connections ?? {}) as Record<string, unknown>)) {
      json.destinations.set(name, {
        uri: text(field(value, 'URI')) ?? '',
        identity: text(field(value, 'Identity')),
        isMachine: field(value, 'IsMachine') === true,
      });
    }
    const farm = field(document, 'Farm');
    json.defaultFarm = text(field(farm, 'Default'));
    for (const [name, list] of Object.entries((field(farm, 'List') ?? {}) as Record<string, unknown>)) json.farms.set(name, farmList(list));
  }
  return { conf, json };
}
