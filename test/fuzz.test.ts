/**
 * Fuzzing, seeded (fast-check): random argv for the CLI, random and malformed spec files, random
 * RemoveOptions. Whatever comes in, the CLI ends with a podman exit code and `Error:` lines,
 * never a stack trace, and the SDK never throws synchronously nor rejects with anything but a
 * PodgraphError. The CLI runs in process (`runCli`): no real runtime is reachable (CONTAINER_HOST
 * names a socket that does not exist), and flags that write files or dial out only ever get
 * safe values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ContainerGraph, MemoryRuntime, PodgraphError, PodmanRuntime, removeGraph } from 'podgraph';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../src/cli/program.ts';

const SEED = 4242;
const dir = mkdtempSync(join(tmpdir(), 'podgraph-fuzz-'));
const spec = join(dir, 'spec.json');
writeFileSync(
  spec,
  JSON.stringify({
    pods: [{ id: 'p', name: 'web', labels: { env: 'ci' } }],
    containers: [
      { id: 'i', pod: 'p', infra: true, state: 'running' },
      { id: 'a', name: 'app', pod: 'p', state: 'running', labels: { env: 'ci' } },
      { id: 'b', dependsOn: ['c'] },
      { id: 'c', state: 'exited' },
    ],
  }),
);
const emptyFile = join(dir, 'empty');
writeFileSync(emptyFile, '');

let savedHost: string | undefined;
beforeAll(() => {
  savedHost = process.env.CONTAINER_HOST;
  process.env.CONTAINER_HOST = 'unix:///nonexistent/podgraph-fuzz.sock';
});
afterAll(() => {
  if (savedHost === undefined) delete process.env.CONTAINER_HOST;
  else process.env.CONTAINER_HOST = savedHost;
});

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** What every run must look like, whatever its input. */
function expectPodmanStyle(result: { code: number; stdout?: string; stderr: string }, argv: string[]): void {
  const context = JSON.stringify(argv);
  expect([0, 1, 2, 125], context).toContain(result.code);
  expect(result.stderr, context).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(result.stderr, context).not.toMatch(/TypeError|ReferenceError|RangeError|SyntaxError: Unexpected/);
  // A plan that ran exits as its removal would, with the plan on stdout: no Error: line of its own.
  const planned = argv[0] === 'plan' && (result.stdout ?? '') !== '';
  if (result.code !== 0 && !planned) expect(result.stderr, context).toMatch(/^Error: /m);
}

/** A token no flag can swallow as a dangerous value: never starts with `-`, never a URL or a path outside the temp folder. */
const word = fc.oneof(
  fc.constantFrom('app', 'web', 'a', 'b', 'c', 'p', 'i', 'missing', '', ' ', 'ünïcödé', '🐳', 'a,b', '0', '-0'.slice(1), 'x'.repeat(300)),
  fc.string({ maxLength: 12 }).filter((s) => !s.startsWith('-') && !s.includes('://')),
);
const value = fc.oneof(
  fc.constantFrom('0', '1', '-1', '1.5', 'NaN', 'Infinity', '1e309', 'abc', '', ' ', '10', '99999999999999999999'),
  word,
);

/** A flag with its value (if it takes one) as consecutive tokens. */
const flag: fc.Arbitrary<string[]> = fc.oneof<fc.Arbitrary<string[]>[]>(
  fc
    .constantFrom(
      '-a',
      '--all',
      '-f',
      '--force',
      '-i',
      '--ignore',
      '--depend',
      '-l',
      '--latest',
      '-v',
      '--volumes',
      '-fa',
      '-fv',
      '--json',
      '-h',
      '--help',
      '--bogus',
      '-Z',
    )
    .map((f) => [f]),
  fc.tuple(fc.constantFrom('-t', '--time', '--concurrency', '--progress', '--filter', '--format'), value).map(([f, v]) => [f, v]),
  fc.tuple(fc.constantFrom('--latency'), fc.constantFrom('0', '1', '-1', 'abc', '')).map(([f, v]) => [f, v]),
  fc.constantFrom(['--spec', spec], ['--spec', emptyFile], ['--spec', join(dir, 'missing.json')], ['--spec', dir]),
  fc.constantFrom(['--cidfile', emptyFile], ['--cidfile', join(dir, 'missing')], ['--pod-id-file', emptyFile]),
  fc.constantFrom(['--url', 'unix:///nonexistent/x.sock'], ['--url', 'tcp://127.0.0.1:1'], ['--url', 'bogus'], ['--url', '']),
);
const command = fc.constantFrom(['rm'], ['pod', 'rm'], ['plan', 'rm'], ['plan', 'pod', 'rm'], ['graph'], ['pod'], ['plan'], [], ['bogus']);
const argvArb = fc
  .tuple(
    command,
    fc.array(
      fc.oneof(
        flag,
        word.map((w) => [w]),
      ),
      { maxLength: 6 },
    ),
    fc.boolean(),
  )
  .map(([cmd, parts, withSpec]) => [...cmd, ...parts.flat(), ...(withSpec ? ['--spec', spec] : [])]);

describe('fuzz', () => {
  test('random argv: a podman exit code, Error: lines, never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        expectPodmanStyle(await run(argv), argv);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  test('random and malformed spec files: exit 0 or an Error: line with exit 1 or 125, never a stack trace', async () => {
    const specText = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '{"containers":[{"id":"a"},{"id":"a"}]}',
        '{"containers":[{"id":"a","dependsOn":["a"]}]}',
        '{"containers":[{"id":"a","state":"zombie"}]}',
        '{"containers":[{"id":"a","labels":{"k":1}}]}',
        '{"containers":[{"id":"a","exitCode":1e400}]}',
        '{"pods":{"id":"p"}}',
        '{"containers":[{"id":"a"}],"containers":[{"id":"b"}]}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `{"containers":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
        '\u0000\u0001',
      ),
      fc
        .array(fc.record({ id: fc.string({ maxLength: 4 }), dependsOn: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }) }), {
          maxLength: 30,
        })
        .map((containers) => JSON.stringify({ containers })),
    );
    const file = join(dir, 'fuzzed.json');
    await fc.assert(
      fc.asyncProperty(
        specText,
        fc.constantFrom(['rm', '-fa'], ['pod', 'rm', '-fa'], ['graph', '--format', 'json'], ['plan', 'rm', '-a']),
        async (text, cmd) => {
          writeFileSync(file, text);
          const argv = [...cmd, '--spec', file];
          const result = await run(argv);
          expectPodmanStyle(result, argv);
          expect([0, 1, 125], argv.join(' ')).toContain(result.code);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  test('a 50 MB spec file is read or refused with an Error: line, no stack trace', async () => {
    const big = join(dir, 'big.json');
    const containers = Array.from({ length: 400_000 }, (_, i) => ({
      id: `container-${i}`,
      dependsOn: i > 0 ? [`container-${i - 1}`] : [],
    }));
    const text = JSON.stringify({ containers });
    writeFileSync(big, text + ' '.repeat(Math.max(0, 50 * 2 ** 20 - text.length)));
    const result = await run(['plan', 'rm', '-a', '--spec', big, '--json']);
    expectPodmanStyle(result, ['plan', 'rm', '-a', '--spec', big]);
  });

  test('random RemoveOptions: never a synchronous throw, and a rejection is always a PodgraphError', async () => {
    const graph = ContainerGraph.fromSpec({ containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }] });
    const anything = fc.oneof(
      fc.anything(),
      fc.constantFrom(undefined, null, NaN, -1, Infinity, 1.5, '', 'a', [], ['a'], [1], {}, () => 1),
    );
    const options = fc.dictionary(
      fc.constantFrom(
        'all',
        'pods',
        'containers',
        'force',
        'depend',
        'ignore',
        'filters',
        'volumes',
        'timeout',
        'concurrency',
        'runtime',
        'signal',
        'onEvent',
        'other',
      ),
      anything,
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(options, anything), async (input) => {
        let promise: Promise<unknown>;
        try {
          promise = removeGraph(graph, input as never);
        } catch (error) {
          throw new Error(`removeGraph threw synchronously: ${String(error)}`);
        }
        await promise.then(
          () => undefined,
          (error: unknown) => expect(error).toBeInstanceOf(PodgraphError),
        );
      }),
      { seed: SEED, numRuns: 2000 },
    );
    // And with a real runtime that keeps its rules: nothing bad reaches it.
    const runtime = new MemoryRuntime(graph);
    await expect(removeGraph(graph, { all: true, runtime, concurrency: 0 })).rejects.toBeInstanceOf(PodgraphError);
    expect(runtime.log).toHaveLength(0);
  });

  test('random PodmanRuntimeOptions: the constructor accepts them or throws INVALID_ARG, never anything else', () => {
    const odd = fc.constantFrom(undefined, null, NaN, -1, 0, 0.5, 1, 1e9, Infinity, -Infinity, '', 'a', [], {}, true, false, () => 1);
    const retry = fc.oneof(
      odd,
      fc.dictionary(fc.constantFrom('budget', 'initialDelay', 'maxDelay', 'other'), fc.oneof(odd, fc.double()), { maxKeys: 4 }),
    );
    const options = fc.record(
      {
        url: fc.oneof(
          fc.constantFrom('unix:///nonexistent/podgraph-fuzz.sock', 'tcp://127.0.0.1:1', 'ssh://u@127.0.0.1:1/s.sock'),
          fc.string(),
          odd,
        ),
        retry,
        callTimeout: fc.oneof(odd, fc.double()),
        maxSockets: odd,
        inspectConcurrency: odd,
        apiVersion: fc.oneof(fc.constantFrom('v4.0.0', 'v5'), fc.string(), odd),
        concurrency: odd,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(options, (input) => {
        try {
          new PodmanRuntime({
            environment: { env: {}, readFile: () => undefined, listDir: () => undefined },
            ...(input as object),
          }).close();
        } catch (error) {
          expect(error).toBeInstanceOf(PodgraphError);
          expect((error as PodgraphError).code).toBe('INVALID_ARG');
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
