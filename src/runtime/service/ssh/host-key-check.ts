/**
 * The server's host key against known_hosts (known-hosts.ts reads the file): which key types to
 * ask the server for, the check ssh2 calls during the handshake, and the refusal when it fails.
 * An unknown host is refused with the command that trusts it, a mismatch always.
 */
import { createHash } from 'node:crypto';
import type { ConnectConfig } from 'ssh2';
import type { SshAddress } from '../service-url.js';
import {
  checkHostKey,
  type HostKeyVerdict,
  hostKeyAlgorithms,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from './known-hosts.js';
import { SshFailure } from './ssh-errors.js';

const SUPPORTED_HOST_KEY_ALGORITHMS = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]);

/** One handshake's check of the host key. */
interface HostKeyCheck {
  /** For ssh2's ConnectConfig: the host key algorithms to ask for, and the `hostVerifier`. */
  readonly config: Pick<ConnectConfig, 'algorithms' | 'hostVerifier'>;
  /** After the handshake failed with `cause`: the refusal, when the host key was why; undefined otherwise. */
  refusal(cause: Error): SshFailure | undefined;
}

/** `knownHosts`: the known_hosts file's text, and how it is named in hints (`~/.ssh/known_hosts`). */
export function hostKeyCheck(address: SshAddress, knownHosts: { text: string; shown: string }): HostKeyCheck {
  const name = knownHostsName(address.host, address.port);
  const entries = parseKnownHosts(knownHosts.text);
  let verdict: { result: HostKeyVerdict; type: string; key: Buffer } | undefined;
  const config: HostKeyCheck['config'] = {
    hostVerifier: (key: Buffer) => {
      const type = keyTypeOf(key);
      verdict = { result: checkHostKey(entries, name, type, key.toString('base64')), type, key };
      return verdict.result === 'known';
    },
  };
  // Ask for a key of a type known_hosts has, as ssh does, so a server with several keys shows the one on record.
  const algorithms = hostKeyAlgorithms(knownKeyTypes(entries, name)).filter((algorithm) => SUPPORTED_HOST_KEY_ALGORITHMS.has(algorithm));
  if (algorithms.length > 0) config.algorithms = { serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
  return {
    config,
    refusal(cause) {
      if (verdict === undefined || verdict.result === 'known') return undefined;
      const hostPort = `${address.host}:${address.port}`;
      const shown = `${verdict.type} key ${fingerprint(verdict.key)}`;
      const shownFile = knownHosts.shown;
      const message =
        verdict.result === 'unknown'
          ? `the host key of ${hostPort} is unknown: ${shownFile} has no entry for ${name} (the server showed ${shown}); check that fingerprint, then trust the host with \`ssh-keyscan -p ${address.port} ${address.host} >> ${shownFile}\``
          : verdict.result === 'mismatch'
            ? `the host key of ${hostPort} does not match ${shownFile}: the server showed ${shown}, which is not the key on record; the host may have been reinstalled, or someone may be in the middle. Refused`
            : `the host key of ${hostPort} (${shown}) is revoked in ${shownFile}. Refused`;
      return new SshFailure(`ssh: ${message}`, { cause });
    },
  };
}

function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}
