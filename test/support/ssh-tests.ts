import { afterAll, beforeAll, describe, it } from 'vitest';
import { podmanUnavailable } from './podman-sandbox.ts';
import { SshSandbox, sshUnavailable } from './ssh-sandbox.ts';

const unavailable = podmanUnavailable() ?? sshUnavailable();
const inCi = process.env.CI === 'true';

/**
 * A describe block that needs podman and OpenSSH's sshd. Without them it is skipped, saying why,
 * except in CI (`CI=true`), where these tests must run: there it fails instead.
 */
export function describeSsh(name: string, body: () => void): void {
  if (unavailable === undefined) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it('needs podman and sshd, which CI must install', () => {
        throw new Error(`CI=true but ${unavailable}`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${unavailable}`);
    describe.skip(`${name} (skipped: ${unavailable})`, body);
  }
}

/** A private sshd for the enclosing describe block; its fields are set once `beforeAll` has run. */
export function useSshd(): { sshd: SshSandbox } {
  const live = {} as { sshd: SshSandbox };
  beforeAll(async () => {
    live.sshd = await SshSandbox.start();
  });
  afterAll(async () => {
    await live.sshd?.dispose();
  });
  return live;
}
