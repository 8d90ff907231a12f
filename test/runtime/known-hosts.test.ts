/** known_hosts as OpenSSH reads it: plain names, [host]:port, lists, wildcards, negations, hashed names, revoked keys. */
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  checkHostKey,
  hostKeyAlgorithms,
  hostsMatch,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/runtime/service/ssh/known-hosts.ts';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const OTHER = 'AAAAC3NzaC1lZDI1NTE5AAAAIA5n3cPHKl6aLw2yAsLAgWB4kqvYqK64BRUyt3h0Vjen';

function hashed(name: string, salt = Buffer.from('0123456789abcdefghij')): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  test('names: host on port 22, [host]:port otherwise', () => {
    expect(knownHostsName('h.example', 22)).toBe('h.example');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  test('patterns: lists, wildcards and negations; hashed names', () => {
    expect(hostsMatch('a.example,[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true);
    expect(hostsMatch('*.example', 'web1.example')).toBe(true);
    expect(hostsMatch('web?.example', 'web12.example')).toBe(false);
    expect(hostsMatch('*.example,!db.example', 'db.example')).toBe(false);
    expect(hostsMatch('127.0.0.1', '[127.0.0.1]:2222')).toBe(false); // another port is another host
    expect(hostsMatch(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2222')).toBe(true);
    expect(hostsMatch(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2223')).toBe(false);
  });

  test('verdicts: known, unknown, mismatch (listed with other keys only), revoked anywhere', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        '',
        `${hashed('h1')} ssh-ed25519 ${KEY}`,
        `h2 ssh-ed25519 ${OTHER} a comment`,
        `@revoked * ssh-ed25519 ${OTHER}`,
        `@cert-authority *.example ssh-ed25519 ${KEY}`,
        'garbage',
      ].join('\n'),
    );
    expect(entries).toHaveLength(4);
    expect(checkHostKey(entries, 'h1', 'ssh-ed25519', KEY)).toBe('known');
    expect(checkHostKey(entries, 'h3', 'ssh-ed25519', KEY)).toBe('unknown');
    expect(checkHostKey(entries, 'h1', 'ssh-ed25519', Buffer.from('x').toString('base64'))).toBe('mismatch');
    expect(checkHostKey(entries, 'h2', 'ssh-ed25519', OTHER)).toBe('revoked');
    // A certificate authority is not a host key: the host stays unknown.
    expect(checkHostKey(entries, 'a.example', 'ssh-ed25519', KEY)).toBe('unknown');
  });

  test('the key types on record decide which host key podgraph asks for, as ssh does', () => {
    const entries = parseKnownHosts(`h ssh-rsa ${KEY}\nh ecdsa-sha2-nistp256 ${KEY}\n`);
    expect(knownKeyTypes(entries, 'h')).toEqual(['ssh-rsa', 'ecdsa-sha2-nistp256']);
    expect(hostKeyAlgorithms(knownKeyTypes(entries, 'h'))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256']);
    expect(keyTypeOf(Buffer.from(KEY, 'base64'))).toBe('ssh-ed25519');
  });
});
