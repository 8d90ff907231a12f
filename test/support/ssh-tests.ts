import { afterAll, beforeAll } from 'vitest';
import { podmanUnavailable } from './podman-sandbox.ts';
import { describeNeeding } from './podman-tests.ts';
import { SshSandbox, sshUnavailable } from './ssh-sandbox.ts';

const unavailable = podmanUnavailable() ?? sshUnavailable();
/** A describe block that needs podman and OpenSSH's sshd (skipped without them, failing in CI). */
export function describeSsh(name: string, body: () => void): void {
  describeNeeding('podman and sshd', unavailable, name, body);
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
