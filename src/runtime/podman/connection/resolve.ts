/**
 * Where `podman --remote` connects, by podman 5's rules (cmd/podman/root.go
 * `readRemoteCliFlags` and `setupRemoteConnection`, containers/common `GetConnection`); first
 * match wins:
 * 1. an explicit connection name; 2. an explicit URL;
 * 3. `CONTAINER_CONNECTION` (a name; an unknown one is an error);
 * 4. `CONTAINER_HOST`, with `CONTAINER_SSHKEY` as its identity;
 * 5. the default connection (`Connection.Default` of podman-connections.json, else
 *    `[engine] active_service`);
 * 6. the default socket: rootful `/run/podman/podman.sock`, rootless
 *    `$XDG_RUNTIME_DIR/podman/podman.sock`, else `/run/user/UID/podman/podman.sock`.
 * An explicit identity always wins. Names are looked up in podman-connections.json first, then
 * in containers.conf's `service_destinations`. Files are read only when a rule needs them.
 */
import { invalidArg } from '../../../errors.js';
import { type ConnectionEnvironment, environmentOf } from '../../service/environment.js';
import { type ConfigStore, readConfigStores } from './config-files.js';

/** podman's own default for a rootful service. */
const ROOTFUL_PODMAN_URL = 'unix:///run/podman/podman.sock';

/** One named connection, as `podman system connection list` shows it. */
export interface PodmanConnection {
  name: string;
  uri: string;
  identity: string | undefined;
  /** A podman machine connection: podman does not check its host key. */
  isMachine: boolean;
  default: boolean;
  /** podman's ReadWrite column: true when it is stored in podman-connections.json (podman 5 can edit it). */
  readWrite: boolean;
}

export interface PodmanFarm {
  name: string;
  connections: string[];
  default: boolean;
  readWrite: boolean;
}

/** Every connection and farm podman knows of here, sorted by name. */
export interface PodmanConnections {
  connections: PodmanConnection[];
  farms: PodmanFarm[];
  /** The default connection's name, if one is configured (it may name no connection). */
  defaultName: string | undefined;
  /** The files that were read. */
  files: string[];
}

export type DestinationSource =
  | 'connection'
  | 'url'
  | 'CONTAINER_CONNECTION'
  | 'CONTAINER_HOST'
  | 'default connection'
  | 'default socket'
  | 'started service';

/** Where to connect, and why there. */
export interface PodmanDestination {
  url: string;
  identity: string | undefined;
  isMachine: boolean;
  /** The connection's name when a named connection was chosen. */
  connection: string | undefined;
  source: DestinationSource;
  /** With `started service`: the default socket that did not answer. */
  startedBecause?: string;
}

interface DestinationRequest {
  connection?: string | undefined;
  url?: string | undefined;
  identity?: string | undefined;
}

function connectionOf(name: string, store: ConfigStore, readWrite: boolean, defaultName: string | undefined): PodmanConnection {
  const destination = store.destinations.get(name)!;
  return { name, ...destination, default: name === defaultName, readWrite };
}

/**
 * Every podman connection and farm this machine's configuration names, as `podman system
 * connection list` and `podman farm list` show them: podman-connections.json first, then the
 * containers.conf files, by podman 5's rules.
 */
export function podmanConnections(environment?: Partial<ConnectionEnvironment>): PodmanConnections {
  return readConnections(environmentOf(environment));
}

export function readConnections(environment: ConnectionEnvironment): PodmanConnections {
  const { conf, json } = readConfigStores(environment);
  const defaultName = json.defaultConnection ?? conf.defaultConnection;
  const connections = new Map<string, PodmanConnection>();
  for (const name of conf.destinations.keys()) connections.set(name, connectionOf(name, conf, false, defaultName));
  // The JSON file's entry wins over containers.conf's of the same name.
  for (const name of json.destinations.keys()) connections.set(name, connectionOf(name, json, true, defaultName));
  const defaultFarm = json.defaultFarm ?? conf.defaultFarm;
  const farms = new Map<string, PodmanFarm>();
  for (const [name, list] of conf.farms) farms.set(name, { name, connections: list, default: name === defaultFarm, readWrite: false });
  for (const [name, list] of json.farms) farms.set(name, { name, connections: list, default: name === defaultFarm, readWrite: true });
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    connections: [...connections.values()].sort(byName),
    farms: [...farms.values()].sort(byName),
    defaultName,
    files: [...conf.files, ...json.files],
  };
}

/** The known names, for an error about an unknown one. */
function known(all: PodmanConnections, what: 'connections' | 'farms'): string {
  const names = (what === 'connections' ? all.connections : all.farms).map((item) => item.name);
  const where = all.files.length === 0 ? 'no configuration file was found' : `read ${all.files.join(', ')}`;
  return names.length === 0 ? `no ${what} are configured (${where})` : `known ${what}: ${names.join(', ')}`;
}

/**
 * The connection called `name`; INVALID_ARG naming it and the known ones when there is none.
 * `via` says who named it: an option (its name is the error's `path`) or where else it came from
 * (the message's first words: `CONTAINER_CONNECTION: ...`).
 */
function connectionNamed(all: PodmanConnections, name: string, via: { option: string } | string): PodmanConnection {
  const found = all.connections.find((connection) => connection.name === name);
  const refuse = (text: string) => (typeof via === 'string' ? invalidArg(`${via}: ${text}`) : invalidArg(text, via.option));
  if (found === undefined) throw refuse(`connection "${name}" not found; ${known(all, 'connections')}`);
  if (found.uri === '') throw refuse(`connection "${name}" has no URI`);
  return found;
}

/** The connections of farm `name` (the default farm without one), in the farm's order. */
export function farmConnections(all: PodmanConnections, name: string | undefined): { farm: string; connections: PodmanConnection[] } {
  const farm =
    name === undefined ? all.farms.find((candidate) => candidate.default) : all.farms.find((candidate) => candidate.name === name);
  if (farm === undefined) {
    throw invalidArg(
      name === undefined ? `no default farm is configured; ${known(all, 'farms')}` : `farm "${name}" not found; ${known(all, 'farms')}`,
    );
  }
  return { farm: farm.name, connections: farm.connections.map((member) => connectionNamed(all, member, `farm "${farm.name}"`)) };
}

/** Rule 6: the local service podman would use for this user. */
function defaultSocketUrl(environment: ConnectionEnvironment): string {
  const rootless = environment.platform === 'linux' && environment.uid !== undefined && environment.uid !== 0;
  if (!rootless) return ROOTFUL_PODMAN_URL;
  const runtimeDir = environment.env.XDG_RUNTIME_DIR || `/run/user/${environment.uid}`;
  return `unix://${runtimeDir.replace(/\/+$/, '')}/podman/podman.sock`;
}

function fromConnection(connection: PodmanConnection, source: DestinationSource): PodmanDestination {
  return { url: connection.uri, identity: connection.identity, isMachine: connection.isMachine, connection: connection.name, source };
}

/**
 * Rules 3 to 6, which podman settles before it reads its flags. An unknown CONTAINER_CONNECTION
 * is thrown only when no flag overrides it, as in podman 5.
 */
function fromEnvironment(environment: ConnectionEnvironment, all: () => PodmanConnections): PodmanDestination {
  const { env } = environment;
  if (env.CONTAINER_CONNECTION)
    return fromConnection(connectionNamed(all(), env.CONTAINER_CONNECTION, 'CONTAINER_CONNECTION'), 'CONTAINER_CONNECTION');
  if (env.CONTAINER_HOST) {
    return {
      url: env.CONTAINER_HOST,
      identity: env.CONTAINER_SSHKEY || undefined,
      isMachine: false,
      connection: undefined,
      source: 'CONTAINER_HOST',
    };
  }
  const connections = all();
  const fallback = connections.connections.find((connection) => connection.default && connection.uri !== '');
  // podman falls back to the socket when the default names no connection.
  if (fallback !== undefined) return fromConnection(fallback, 'default connection');
  return { url: defaultSocketUrl(environment), identity: undefined, isMachine: false, connection: undefined, source: 'default socket' };
}

/** Where `podman --remote` with these flags (`--connection`, `--url`, `--identity`) would connect. */
export function resolveDestination(request: DestinationRequest, environment: ConnectionEnvironment): PodmanDestination {
  let cached: PodmanConnections | undefined;
  const all = () => (cached ??= readConnections(environment));
  let destination: PodmanDestination;
  if (request.connection !== undefined) {
    destination = fromConnection(connectionNamed(all(), request.connection, { option: 'connection' }), 'connection');
  } else if (request.url !== undefined) {
    // podman keeps the identity the environment chose (CONTAINER_SSHKEY, the default connection's)
    // for a URL given on its own; not its machine mode: host keys are checked for an explicit URL.
    // Only ssh uses an identity: a unix or tcp URL reads no file at all.
    let identity: string | undefined;
    if (request.url.startsWith('ssh://')) {
      try {
        identity = fromEnvironment(environment, all).identity;
      } catch {
        identity = undefined;
      }
    }
    destination = { url: request.url, identity, isMachine: false, connection: undefined, source: 'url' };
  } else {
    destination = fromEnvironment(environment, all);
  }
  if (request.identity !== undefined && request.identity !== '') destination = { ...destination, identity: request.identity };
  return destination;
}
