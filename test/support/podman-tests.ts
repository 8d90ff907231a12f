import { PodmanRuntime } from 'podgraph';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PodmanSandbox, podmanUnavailable } from './podman-sandbox.ts';

const unavailable = podmanUnavailable();
const inCi = process.env.CI === 'true';

/**
 * A describe block that needs a service this machine may lack (`unavailable` says why, or is
 * undefined). Without it the block is skipped, saying why, except in CI (`CI=true`), where these
 * tests must run: there it fails instead.
 */
export function describeNeeding(what: string, unavailable: string | undefined, name: string, body: () => void): void {
  if (unavailable === undefined) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it(`needs ${what}, which CI must install`, () => {
        throw new Error(`CI=true but ${unavailable}`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${unavailable}`);
    describe.skip(`${name} (skipped: ${unavailable})`, body);
  }
}

/** A describe block that needs podman. */
export function describePodman(name: string, body: () => void): void {
  describeNeeding('podman', unavailable, name, body);
}

export interface LivePodman {
  sandbox: PodmanSandbox;
  runtime: PodmanRuntime;
}

/**
 * A private podman for the enclosing describe block: started before its tests, disposed of
 * after. The fields are set once `beforeAll` has run, so read them inside hooks and tests.
 */
export function useSandbox(): LivePodman {
  const live = {} as LivePodman;
  beforeAll(async () => {
    live.sandbox = await PodmanSandbox.start();
    live.runtime = new PodmanRuntime({ url: live.sandbox.url });
  });
  afterAll(async () => {
    live.runtime?.close();
    await live.sandbox?.dispose();
  });
  return live;
}
