import { describe, it } from 'vitest';
import { podmanUnavailable } from './podman-sandbox.ts';

const unavailable = podmanUnavailable();
const inCi = process.env.CI === 'true';

/**
 * A describe block that needs podman. Without podman it is skipped, saying why, except in CI
 * (`CI=true`), where podman tests must run: there it fails instead.
 */
export function describePodman(name: string, body: () => void): void {
  if (unavailable === undefined) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it('needs podman, which CI must install', () => {
        throw new Error(`CI=true but ${unavailable}`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${unavailable}`);
    describe.skip(`${name} (skipped: ${unavailable})`, body);
  }
}
