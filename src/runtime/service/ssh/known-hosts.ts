/**
 * OpenSSH's known_hosts, read to check a server's host key: plain entries (`host`,
 * `[host]:port`, comma lists, `*` and `?` wildcards, `!` negations) and hashed ones
 * (`|1|salt|hmac`, HMAC-SHA1 of the name under the salt), `@revoked` keys. `@cert-authority`
 * lines are skipped: podgraph does not check host certificates.
 */
import { createHmac } from 'node:crypto';
import { globSource } from '../../../glob.js';

interface KnownHostEntry {
  marker: '@revoked' | '@cert-authority' | undefined;
  hosts: string;
  keyType: string;
  /** The key blob, base64, as in the file. */
  key: string;
}

export type HostKeyVerdict = 'known' | 'unknown' | 'mismatch' | 'revoked';

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? (fields.shift() as KnownHostEntry['marker']) : undefined;
    const [hosts, keyType, key] = fields;
    if (hosts === undefined || keyType === undefined || key === undefined) continue;
    entries.push({ marker, hosts, keyType, key });
  }
  return entries;
}

/** How known_hosts names a server: `host` on port 22, `[host]:port` on any other. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string, name: string): boolean {
  return new RegExp(`^${globSource(pattern, 'ssh')}$`, 'i').test(name);
}

/** Whether an entry's host field names `name`: a hashed name, or a pattern list with no negation that matches. */
export function hostsMatch(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcard(pattern.slice(1), name)) return false;
    } else if (wildcard(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key types known_hosts has for the server: podgraph asks the server for one of these first, as ssh does. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((entry) => entry.marker === undefined && hostsMatch(entry.hosts, name)).map((entry) => entry.keyType))];
}

/**
 * The verdict for the key the server showed: `known` when an entry for it has this key, `revoked`
 * when the key is revoked anywhere, `mismatch` when the server is listed with other keys only,
 * `unknown` when it is not listed at all.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, keyType: string, key: string): HostKeyVerdict {
  if (entries.some((entry) => entry.marker === '@revoked' && entry.key === key)) return 'revoked';
  const forHost = entries.filter((entry) => entry.marker === undefined && hostsMatch(entry.hosts, name));
  if (forHost.some((entry) => entry.keyType === keyType && entry.key === key)) return 'known';
  return forHost.length === 0 ? 'unknown' : 'mismatch';
}

/** The key type inside an SSH public key blob (a length-prefixed string first). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** The server host key algorithms that yield a key of these types, in the order ssh prefers them. */
export function hostKeyAlgorithms(keyTypes: readonly string[]): string[] {
  const algorithms: string[] = [];
  for (const type of keyTypes) {
    if (type === 'ssh-rsa') algorithms.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else algorithms.push(type);
  }
  return algorithms;
}
