/**
 * What connection resolution reads from the machine, injected so that every rule can be tested
 * against fixture files (as testcontainers' strategies take `env` and `platform`): the
 * environment, the user, the platform and the files. The defaults come from the process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';

export interface ConnectionEnvironment {
  /** Environment variables: CONTAINER_*, CONTAINERS_CONF*, PODMAN_CONNECTIONS_CONF, DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, XDG_*, HOME, SSH_AUTH_SOCK. */
  env: Readonly<Record<string, string | undefined>>;
  /** The effective user id (rootless when not 0); undefined where there is none (Windows). */
  uid: number | undefined;
  platform: NodeJS.Platform;
  /** The user's home: `$HOME` when set, else the account's. */
  home: string;
  /** A file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** The names in a directory, or undefined when it does not exist. */
  listDir(path: string): string[] | undefined;
}

function absent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // A directory where a file is expected (a `foo.conf` folder in a `.d`) is skipped, as podman skips it.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** The environment of this process. */
function processEnvironment(): ConnectionEnvironment {
  return {
    env: process.env,
    uid: process.geteuid?.(),
    platform: process.platform,
    home: process.env.HOME || homedir(),
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if (absent(error)) return undefined;
        throw error;
      }
    },
    listDir(path) {
      try {
        return readdirSync(path);
      } catch (error) {
        if (absent(error)) return undefined;
        throw error;
      }
    },
  };
}

/** `environment` with what it leaves out taken from the process (a test gives `env` and files). */
export function environmentOf(environment: Partial<ConnectionEnvironment> | undefined): ConnectionEnvironment {
  const base = processEnvironment();
  if (environment === undefined) return base;
  const merged = { ...base, ...environment };
  // The home follows the given `env`'s HOME (known_hosts and the user's config live there).
  if (environment.env !== undefined && environment.home === undefined) merged.home = environment.env.HOME || base.home;
  return merged;
}
