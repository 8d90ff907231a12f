import { afterAll, beforeAll } from 'vitest';
import { describeNeeding } from './podman-tests.ts';
import { SshSandbox, sshUnavailable } from './ssh-sandbox.ts';

/**
 * A describe block that needs OpenSSH's sshd (skipped without it, failing in CI), nested in an
 * engine's block (describePodman, describeDocker), which says which service it fronts.
 */
export function describeSsh(name: string, body: () => void): void {
  describeNeeding('sshd', sshUnavailable(), name, body);
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
