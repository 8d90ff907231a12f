import { PodmanRuntime } from 'podgraph';
import { afterAll, beforeAll, describe, it, TestRunner } from 'vitest';

import { type Engine, type EngineKind, enginesOf } from './engines.ts';
import { PodmanSandbox, sandboxUnavailable } from './podman-sandbox.ts';

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

/** The engine each matrix block runs, by its suite: blocks nested in it (at any depth) run it too. */
const engineOfSuite = new WeakMap<object, Engine>();

/**
 * The engine of the matrix block being collected: `useSandbox()` and `useDockerSandbox()`, called
 * in a block's body or in a block nested in it, start that engine's sandbox. (Nested blocks are
 * collected after their parent's body returns, so this walks up the suites being collected.)
 */
export function currentEngine(kind: EngineKind): Engine {
  for (let suite = TestRunner.getCurrentSuite().suite; suite !== undefined; suite = suite.suite) {
    const found = engineOfSuite.get(suite);
    if (found?.kind === kind) return found;
  }
  throw new Error(`no ${kind} engine: call this inside describePodman or describeDocker`);
}

/**
 * One describe block per engine of `kind` this run covers (PODGRAPH_ENGINES narrows it), named
 * `NAME [podman 5.8.6]`; each needs its engine (`unavailable`) as describeNeeding says.
 */
export function describeEngines(
  kind: EngineKind,
  name: string,
  unavailable: (engine: Engine) => string | undefined,
  body: (engine: Engine) => void,
): void {
  for (const engine of enginesOf(kind)) {
    describeNeeding(engine.label, unavailable(engine), `${name} [${engine.label}]`, () => {
      const suite = TestRunner.getCurrentSuite().suite;
      if (suite !== undefined) engineOfSuite.set(suite, engine);
      body(engine);
    });
  }
}

/** A describe block per podman of the matrix. */
export function describePodman(name: string, body: (engine: Engine) => void): void {
  describeEngines('podman', name, sandboxUnavailable, body);
}

export interface LivePodman {
  sandbox: PodmanSandbox;
  runtime: PodmanRuntime;
}

/**
 * A private podman of the enclosing matrix block's engine: started before its tests, disposed of
 * after. The fields are set once `beforeAll` has run, so read them inside hooks and tests.
 */
export function useSandbox(): LivePodman {
  const live = {} as LivePodman;
  const engine = currentEngine('podman');
  beforeAll(async () => {
    live.sandbox = await PodmanSandbox.start(engine);
    live.runtime = new PodmanRuntime({ url: live.sandbox.url });
  });
  afterAll(async () => {
    live.runtime?.close();
    await live.sandbox?.dispose();
  });
  return live;
}
