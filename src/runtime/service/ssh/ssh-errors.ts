/** What goes wrong in the ssh layer, said so a person knows what to do: the failure, and ssh2's errors explained. */
import type { SshAddress } from '../service-url.js';

/**
 * A failure of the ssh layer; its message is the whole explanation, for the client to prefix with
 * where. `transient`: the connection or a channel was lost or could not be made for now (sshd or
 * the service restarting), worth another attempt; refusals (host keys, authentication, keys) are not.
 */
export class SshFailure extends Error {
  readonly transient: boolean;
  constructor(message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.name = 'SshFailure';
    this.transient = options?.transient ?? false;
  }
}

/** An error ssh2 emits: `level` says which stage failed, `code` is the socket's errno. */
export type Ssh2Error = Error & { level?: string; code?: string };

/** `user@host:port`, for messages. */
export function serverOf(address: SshAddress): string {
  const { user, host, port } = address;
  return `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Why the SSH connection could not be made, for an error of ssh2 before the connection was ready
 * (a refused host key is host-key-check.ts's to say). `credentials`: what was refused, for an
 * authentication failure.
 */
export function explainConnectError(
  error: Ssh2Error,
  context: { address: SshAddress; credentials: string; agentSocket: string | undefined },
): SshFailure {
  const { address, credentials, agentSocket } = context;
  const hostPort = `${address.host}:${address.port}`;
  switch (error.level) {
    case 'client-authentication':
      return new SshFailure(`ssh: ${serverOf(address)} refused ${credentials}: authentication failed (${error.message})`, { cause: error });
    case 'agent':
      return new SshFailure(`ssh: cannot use ssh-agent at SSH_AUTH_SOCK=${agentSocket}: ${error.message}`, {
        cause: error,
      });
    case 'client-dns':
      return new SshFailure(`ssh: cannot resolve ${address.host}: ${error.message}`, { cause: error });
    case 'client-timeout':
      return new SshFailure(`ssh: ${hostPort} did not complete the SSH handshake within 20 s`, { cause: error, transient: true });
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SshFailure(`ssh: cannot connect to ${hostPort}: connection refused; is sshd running there?`, {
        cause: error,
        transient: true,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SshFailure(`ssh: cannot resolve ${address.host} (${error.code})`, {
        cause: error,
        transient: error.code === 'EAI_AGAIN',
      });
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
      return new SshFailure(`ssh: cannot reach ${hostPort} (${error.code})`, { cause: error, transient: true });
  }
  return new SshFailure(`ssh: ${hostPort}: ${error.message}`, { cause: error });
}
