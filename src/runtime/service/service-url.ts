import { describe, invalidArg } from '../../errors.js';

/** Where an engine's API service is reached through ssh: the server, and the service's socket on it. */
export interface SshAddress {
  readonly user: string;
  /** A password in the URL (`ssh://user:secret@host/...`); never shown. */
  readonly password: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly socketPath: string;
}

/** Where an engine's API service listens: a unix socket, a TCP address, or a unix socket behind ssh. `url` never holds a password. */
export type ServiceEndpoint =
  | { readonly url: string; readonly socketPath: string }
  | { readonly url: string; readonly host: string; readonly port: number }
  | { readonly url: string; readonly ssh: SshAddress };

const EXPECTED = 'Expected `url` to be unix:///path/to.sock, tcp://host:port or ssh://user@host[:port]/path/to.sock';

/** How an engine's URLs differ: podman's need the ssh socket path and a TCP port; Docker's have defaults. */
export interface UrlDefaults {
  /** The user when an ssh:// URL names none. */
  user: string;
  /** The socket on the server when an ssh:// URL gives no path; without one, the path is required. */
  sshSocket?: string;
  /** The port when a tcp:// URL gives none; without one, the port is required. */
  tcpPort?: number;
}

/**
 * Parses `unix:///path.sock`, `tcp://host:port` or `ssh://[user[:password]@]host[:port]/path.sock`
 * (port 22 and `defaults.user` when left out, as podman 5 does; Docker's defaults fill in the
 * socket and the TCP port too); anything else is INVALID_ARG naming it.
 */
export function parseServiceUrl(url: unknown, defaults: UrlDefaults = { user: 'root' }): ServiceEndpoint {
  const expected = `${EXPECTED}, got ${describe(url)}`;
  if (typeof url !== 'string') throw invalidArg(expected);
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw invalidArg(`${expected}: the socket path must be absolute`);
    return { url, socketPath };
  }
  if (url.startsWith('tcp://')) {
    let parsed: URL;
    try {
      parsed = new URL(`http://${url.slice('tcp://'.length)}`);
    } catch {
      throw invalidArg(expected);
    }
    const port = parsed.port === '' && defaults.tcpPort !== undefined ? defaults.tcpPort : Number(parsed.port);
    if ((parsed.port === '' && defaults.tcpPort === undefined) || parsed.pathname !== '/' || !Number.isInteger(port)) {
      throw invalidArg(`${expected}: a host and a port are needed`);
    }
    return { url, host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
  }
  if (url.startsWith('ssh://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidArg(expected.replace(url, redactUrl(url)));
    }
    const shown = redactUrl(url);
    if (parsed.hostname === '') throw invalidArg(`${EXPECTED}, got ${describe(shown)}: a host is needed`);
    const given = decodeURIComponent(parsed.pathname);
    const socketPath = given === '' || given === '/' ? (defaults.sshSocket ?? '') : given;
    if (socketPath === '') {
      throw invalidArg(
        `${EXPECTED}, got ${describe(shown)}: the path of podman's socket on the server is needed, such as /run/user/1000/podman/podman.sock or /run/podman/podman.sock`,
      );
    }
    const ssh: SshAddress = {
      user: parsed.username === '' ? defaults.user : decodeURIComponent(parsed.username),
      password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: parsed.port === '' ? 22 : Number(parsed.port),
      socketPath,
    };
    return { url: shown, ssh };
  }
  throw invalidArg(expected);
}

/** The URL without a password, for every message. */
function redactUrl(url: string): string {
  return url.replace(/^(ssh:\/\/[^:/@]*):[^@/]*@/, '$1@');
}
