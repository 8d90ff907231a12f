import { DockerRuntime } from 'podgraph';
import { afterAll, beforeAll } from 'vitest';
import { DockerSandbox, dockerUnavailable } from './docker-sandbox.ts';
import { describeNeeding } from './podman-tests.ts';

const unavailable = dockerUnavailable();

/** A describe block that needs a private dockerd (skipped without one, saying why; failing in CI). */
export function describeDocker(name: string, body: () => void): void {
  describeNeeding('docker', unavailable, name, body);
}

export interface LiveDocker {
  sandbox: DockerSandbox;
  /** A DockerRuntime on the sandbox's socket. */
  runtime: DockerRuntime;
}

/**
 * A private dockerd for the enclosing describe block, and a DockerRuntime on it: started before
 * its tests, disposed of after (which fails the block when Docker's event log shows a container
 * destroyed twice). The fields are set once `beforeAll` has run, so read them inside hooks and tests.
 */
export function useDockerSandbox(): LiveDocker {
  const live = {} as LiveDocker;
  // Bounded inside: 20 s for dockerd to answer (twice if overlay2 fails), 20 s for it to stop.
  beforeAll(async () => {
    live.sandbox = await DockerSandbox.start();
    live.runtime = new DockerRuntime({ url: live.sandbox.url });
  }, 60_000);
  afterAll(async () => {
    live.runtime?.close();
    await live.sandbox?.dispose();
  }, 60_000);
  return live;
}
