import { describe, invalidArg } from '../../errors.js';

/** Where podman's API service listens: a unix socket or a TCP address. */
export type PodmanEndpoint =
  | { readonly url: string; readonly socketPath: string }
  | { readonly url: string; readonly host: string; readonly port: number };

/** podman's own default for a rootful service. */
export const DEFAULT_PODMAN_URL = 'unix:///run/podman/podman.sock';

/** The URL podman's own client would use: `CONTAINER_HOST`, else the rootful socket. */
export function defaultPodmanUrl(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CONTAINER_HOST;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_PODMAN_URL;
}

/** Parses `unix:///path.sock` or `tcp://host:port`; anything else is INVALID_ARG naming it. */
export function parsePodmanUrl(url: unknown): PodmanEndpoint {
  const expected = `Expected \`url\` to be unix:///path/to.sock or tcp://host:port, got ${describe(url)}`;
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
    const port = Number(parsed.port);
    if (parsed.port === '' || parsed.pathname !== '/' || !Number.isInteger(port)) {
      throw invalidArg(`${expected}: a host and a port are needed`);
    }
    return { url, host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
  }
  throw invalidArg(expected);
}
