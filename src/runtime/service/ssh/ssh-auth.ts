/**
 * How podgraph logs in: the identity file, else the keys of ssh-agent (SSH_AUTH_SOCK), and a
 * password in the URL; never a prompt (a key with a passphrase is refused, saying what to do).
 */
import type { ConnectConfig } from 'ssh2';
import type { SshAddress } from '../service-url.js';
import { SshFailure, serverOf } from './ssh-errors.js';

interface SshCredentials {
  /** A private key file; without one, the keys of `agentSocket`. */
  identity: string | undefined;
  /** `SSH_AUTH_SOCK`. */
  agentSocket: string | undefined;
  readFile(path: string): string | undefined;
}

/** ssh2's `utils.parseKey`, passed in: ssh2 loads only when a runtime first talks ssh. */
type ParseKey = typeof import('ssh2')['utils']['parseKey'];

/**
 * What ssh2 logs in to `address` with (its password too, when the URL has one); SshFailure when
 * there is nothing to log in with, or the identity file cannot serve.
 */
export function authConfig(
  credentials: SshCredentials,
  address: SshAddress,
  parseKey: ParseKey,
): Pick<ConnectConfig, 'password' | 'privateKey' | 'agent'> {
  const { identity, agentSocket } = credentials;
  const { password } = address;
  const config: Pick<ConnectConfig, 'password' | 'privateKey' | 'agent'> = {};
  if (password !== undefined) config.password = password;
  if (identity !== undefined) {
    const key = credentials.readFile(identity);
    if (key === undefined) throw new SshFailure(`the identity file ${identity} does not exist`);
    const parsed = parseKey(key);
    if (parsed instanceof Error) {
      throw new SshFailure(
        /passphrase/i.test(parsed.message)
          ? `the identity file ${identity} is protected by a passphrase, and podgraph does not ask for one: load it into ssh-agent (\`ssh-add ${identity}\`) and connect without an identity, or use a key without a passphrase`
          : `the identity file ${identity} is not a private key podgraph can read (${parsed.message})`,
        { cause: parsed },
      );
    }
    config.privateKey = key;
  } else if (agentSocket !== undefined && agentSocket !== '') {
    config.agent = agentSocket;
  } else if (password === undefined) {
    throw new SshFailure(
      `no identity file was given and SSH_AUTH_SOCK is not set: podgraph has no key to log in to ${serverOf(address)} with`,
    );
  }
  return config;
}

/** What the server refused when authentication fails: `the identity KEY`, `the password in the URL`, `the keys of ssh-agent`. */
export function credentialsShown(credentials: Pick<SshCredentials, 'identity'>, address: SshAddress): string {
  if (credentials.identity !== undefined) return `the identity ${credentials.identity}`;
  return address.password !== undefined ? 'the password in the URL' : 'the keys of ssh-agent (SSH_AUTH_SOCK)';
}
