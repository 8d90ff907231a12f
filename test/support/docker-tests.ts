import { DockerRuntime } from 'podgraph';
import { afterAll, beforeAll } from 'vitest';
import { DockerSandbox, dockerUnavailable } from './docker-sandbox.ts';
import type { Engine } from './engines.ts';
import { currentEngine, describeEngines } from './podman-tests.ts';

/** A describe block per Docker Engine of the matrix (each skipped without its dockerd, saying why; failing in CI). */
export function describeDocker(name: string, body: (engine: Engine) => void): void {
  describeEngines('docker', name, dockerUnavailable, body);
}

export interface LiveDocker {
  sandbox: DockerSandbox;
  /** A DockerRuntime on the sandbox's socket. */
  runtime: DockerRuntime;
}

/**
 * A private dockerd of the enclosing matrix block's engine, and a DockerRuntime on it: started
 * before its tests, disposed of after (which fails the block when Docker's event log shows a
 * container destroyed twice). The fields are set once `beforeAll` has run, so read them inside hooks and tests.
 */
export function useDockerSandbox(): LiveDocker {
  const live = {} as LiveDocker;
  const engine = currentEngine('docker');
  // Bounded inside: 20 s for dockerd to answer (twice if overlay2 fails), 20 s for it to stop.
  beforeAll(async () => {
    live.sandbox = await DockerSandbox.start(engine);
    live.runtime = new DockerRuntime({ url: live.sandbox.url });
  }, 60_000);
  afterAll(async () => {
    live.runtime?.close();
    await live.sandbox?.dispose();
  }, 60_000);
  return live;
}
