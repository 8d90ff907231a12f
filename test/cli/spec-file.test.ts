/**
 * `--spec FILE`: a malformed file is refused with the file, the line and column, the JSON path and
 * what is wrong, and nothing is removed. The messages are checked in-process (fast); the exit
 * code, the stderr line and stdin (`--spec -`) through the executable.
 */
import { describe, expect, test } from 'vitest';
import { findSyntaxError, locatePath, positionAt } from '../../src/cli/json-text.ts';
import { parseSpecText } from '../../src/cli/spec-file.ts';
import { podgraph, tempDir, writeSpec } from './run-cli.ts';

function refusal(text: string): string {
  try {
    parseSpecText(text, 'f.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the spec was accepted');
}

describe('a malformed spec file is refused with the file, line:column, path and problem', () => {
  test.each([
    [
      'a trailing comma',
      '{\n  "containers": [\n    { "id": "a" },\n  ]\n}\n',
      'spec file f.json:4:3: invalid JSON: expected a value, got "]" (a trailing comma?)',
    ],
    [
      'an unclosed string',
      '{\n  "containers": [\n    { "id": "a }\n  ]\n}\n',
      'spec file f.json:3:17: invalid JSON: string not closed before the end of the line',
    ],
    ['an empty file', '', 'spec file f.json:1:1: invalid JSON: expected a value, got the end of the file'],
    ['text after the value', '{}\n}', 'spec file f.json:2:1: invalid JSON: unexpected "}" after the JSON value'],
    [
      'not an object',
      '[1, 2]',
      'spec file f.json:1:1: Expected a graph spec object with `pods` and `containers` arrays, got `1,2` (object) (INVALID_ARG)',
    ],
    [
      'a misspelt state',
      '{\n  "containers": [\n    { "id": "a" },\n    { "id": "b", "state": "runing" }\n  ]\n}\n',
      'spec file f.json:4:27: Expected containers[1].state to be one of created, running, paused, stopping, exited, stopped, got `"runing"` (string) (INVALID_ARG)',
    ],
    [
      'an unknown key',
      '{\n  "containers": [\n    { "id": "a", "depends_on": ["b"] }\n  ]\n}\n',
      'spec file f.json:3:32: Unknown key containers[0].depends_on: a container has only id, name, pod, infra, state, dependsOn, labels, created, exitCode (INVALID_ARG)',
    ],
    [
      'a label that is not a string',
      '{"containers":[{"id":"a","labels":{"env":"ci","n":1}}]}',
      'spec file f.json:1:51: Expected containers[0].labels["n"] to be a string, got `1` (number) (INVALID_ARG)',
    ],
    [
      'labels that are not an object',
      '{"pods":[{"id":"p","labels":["team=a"]}]}',
      'spec file f.json:1:29: Expected pods[0].labels to be an object of strings, got `team=a` (object) (INVALID_ARG)',
    ],
    [
      'a creation time that is not RFC 3339',
      '{"containers":[{"id":"a","created":"12/01/2026"}]}',
      'spec file f.json:1:36: Expected containers[0].created to be an RFC 3339 time such as podman\'s Created, got `"12/01/2026"` (string) (INVALID_ARG)',
    ],
    [
      'a missing id',
      '{"containers":[{"name":"x"}]}',
      'spec file f.json:1:16: Expected containers[0].id to be a non-empty string, got `undefined` (undefined) (INVALID_ARG)',
    ],
    [
      'dependsOn not an array',
      '{"containers":[{"id":"a","dependsOn":"b"}]}',
      'spec file f.json:1:38: Expected containers[0].dependsOn to be an array of ids or names, got `"b"` (string) (INVALID_ARG)',
    ],
    [
      'an unknown dependency',
      '{\n  "containers": [\n    { "id": "a" },\n    { "id": "b", "dependsOn": ["a", "zz"] }\n  ]\n}\n',
      'spec file f.json:4:37: containers[1].dependsOn[1]: container b depends on container zz not found in input list: no such container (NO_SUCH_CTR)',
    ],
    [
      'a cycle',
      '{\n  "containers": [\n    { "id": "a", "dependsOn": ["b"] },\n    { "id": "b", "dependsOn": ["a"] }\n  ]\n}\n',
      'spec file f.json:3:32: containers[0].dependsOn[0]: cycle found in container dependency graph: a -> b -> a (CYCLE)',
    ],
    [
      'a duplicate id',
      '{\n  "containers": [\n    { "id": "a" },\n    { "id": "a" }\n  ]\n}\n',
      'spec file f.json:4:13: containers[1].id: duplicate container id "a" (containers[0] and containers[1]) (INVALID_ARG)',
    ],
    [
      'an unknown pod',
      '{\n  "pods": [],\n  "containers": [\n    { "id": "a", "pod": "p" }\n  ]\n}\n',
      'spec file f.json:4:25: containers[0].pod: container a belongs to pod p, which is not in the input list: no such pod (NO_SUCH_POD)',
    ],
    [
      'a dependency across pods',
      '{"pods":[{"id":"p"},{"id":"q"}],"containers":[{"id":"a","pod":"p"},\n{"id":"b","pod":"q","dependsOn":["a"]}]}',
      'spec file f.json:2:34: containers[1].dependsOn[0]: container has joined pod q and dependency container a is not a member of the pod (INVALID_ARG)',
    ],
    [
      'two infra containers',
      '{"pods":[{"id":"p"}],"containers":[{"id":"a","pod":"p","infra":true},\n{"id":"b","pod":"p","infra":true}]}',
      'spec file f.json:2:29: containers[1].infra: pod p has two infra containers: a and b (INVALID_ARG)',
    ],
    // One validator: what the model refuses, with its message and code; the file places its path.
    [
      'an unknown key at the root',
      '{\n  "containers": [],\n  "version": 2\n}\n',
      'spec file f.json:3:14: Unknown key version: a graph spec has only pods, containers (INVALID_ARG)',
    ],
    [
      'an unknown key that is no identifier',
      '{"pods":[{"id":"p","x-y":1}]}',
      'spec file f.json:1:26: Unknown key pods[0]["x-y"]: a pod has only id, name, labels (INVALID_ARG)',
    ],
    [
      'a label key with dots and a slash',
      '{"containers":[{"id":"a","labels":{"app.kubernetes.io/name":null}}]}',
      'spec file f.json:1:61: Expected containers[0].labels["app.kubernetes.io/name"] to be a string, got `null` (null) (INVALID_ARG)',
    ],
    [
      'an exit code past 32 bits (the reader took any integer)',
      '{"containers":[{"id":"a","state":"exited","exitCode":4294967295}]}',
      'spec file f.json:1:54: Expected containers[0].exitCode to be a 32-bit integer, got `4294967295` (number) (INVALID_ARG)',
    ],
    [
      'a null state (the model took it for created)',
      '{"containers":[{"id":"a","state":null}]}',
      'spec file f.json:1:34: Expected containers[0].state to be one of created, running, paused, stopping, exited, stopped, got `null` (null) (INVALID_ARG)',
    ],
    [
      'an empty dependency (the model said NO_SUCH_CTR)',
      '{"containers":[{"id":"a"},{"id":"b","dependsOn":["a",""]}]}',
      'spec file f.json:1:54: Expected containers[1].dependsOn[1] to be a container id or name, got `""` (string) (INVALID_ARG)',
    ],
    [
      'a dependency that is not a string',
      '{"containers":[{"id":"a"},{"id":"b","dependsOn":["a",7]}]}',
      'spec file f.json:1:54: Expected containers[1].dependsOn[1] to be a container id or name, got `7` (number) (INVALID_ARG)',
    ],
    [
      'the shape before the graph: a wrong type after a duplicate id',
      '{"containers":[{"id":"a"},{"id":"a"},{"id":"c","infra":"no"}]}',
      'spec file f.json:1:56: Expected containers[2].infra to be a boolean when given, got `"no"` (string) (INVALID_ARG)',
    ],
  ])('%s', (_, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  test('a valid file is accepted as it is', () => {
    const { spec, graph } = parseSpecText(
      '{"pods":[{"id":"p"}],"containers":[{"id":"i","pod":"p","infra":true},{"id":"a","pod":"p","state":"running"}]}',
      'f.json',
    );
    expect(graph.size).toBe(2);
    expect(spec.pods).toEqual([{ id: 'p' }]);
  });
});

describe('json-text', () => {
  test('positions are 1-based lines and columns', () => {
    expect(positionAt('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  test('locatePath finds a value by its path, keys with escapes and nested arrays included', () => {
    const text = '{"a\\"b": [1, {"c": [true, null, "x"]}],\n "d": {}}';
    expect(locatePath(text, ['a"b', 1, 'c', 2])).toEqual({ line: 1, column: 33 });
    expect(locatePath(text, ['d'])).toEqual({ line: 2, column: 7 });
    expect(locatePath(text, ['zz'])).toBeUndefined();
  });

  test('findSyntaxError accepts what JSON.parse accepts and places the first error', () => {
    for (const text of ['0', '"\\u00e9"', '[]', '{"a":[-1.5e3,{}]}', ' null ']) expect(findSyntaxError(text)).toBeUndefined();
    expect(findSyntaxError('{"a" 1}')).toEqual({
      position: { line: 1, column: 6 },
      message: 'expected \':\' after a property name, got "1"',
    });
    expect(findSyntaxError('[01]')?.message).toBe("expected ',' or ']' after an array element, got \"1\"");
    expect(findSyntaxError('"\\q"')?.message).toBe('bad escape \\q in a string');
  });

  test('deep nesting does not overflow the stack', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(findSyntaxError(deep)).toBeUndefined();
    expect(findSyntaxError(`${deep.slice(0, -1)}`)?.position).toEqual({ line: 1, column: 400_000 });
  });
});

describe.concurrent('through the executable', () => {
  test('a malformed file: exit 125, one Error line naming file:line:column, nothing removed', async ({ expect }) => {
    const file = writeSpec(
      tempDir(),
      'bad.json',
      '{\n  "containers": [\n    { "id": "a" },\n    { "id": "b", "state": "runing" }\n  ]\n}\n',
    );
    expect(await podgraph(['rm', '-fa', '--spec', file])).toEqual({
      code: 125,
      stdout: '',
      stderr: `Error: spec file ${file}:4:27: Expected containers[1].state to be one of created, running, paused, stopping, exited, stopped, got \`"runing"\` (string) (INVALID_ARG)\n`,
    });
  });

  test("an unknown key: exit 125, the model's INVALID_ARG placed in the file, nothing removed", async ({ expect }) => {
    const file = writeSpec(tempDir(), 'extra.json', '{\n  "containers": [\n    { "id": "a", "image": "alpine" }\n  ]\n}\n');
    expect(await podgraph(['rm', '-fa', '--spec', file])).toEqual({
      code: 125,
      stdout: '',
      stderr: `Error: spec file ${file}:3:27: Unknown key containers[0].image: a container has only id, name, pod, infra, state, dependsOn, labels, created, exitCode (INVALID_ARG)\n`,
    });
  });

  test('a wrong type deep in a file read from stdin: its line and column', async ({ expect }) => {
    const input = '{"containers": [\n  {"id": "a"},\n  {"id": "b", "dependsOn": ["a", 7]}\n]}';
    expect(await podgraph(['rm', '-fa', '--spec', '-'], { input })).toEqual({
      code: 125,
      stdout: '',
      stderr:
        'Error: spec file <stdin>:3:34: Expected containers[1].dependsOn[1] to be a container id or name, got `7` (number) (INVALID_ARG)\n',
    });
  });

  test('a missing file names the file', async ({ expect }) => {
    const result = await podgraph(['rm', '-fa', '--spec', '/nonexistent/spec.json']);
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^Error: reading spec file \/nonexistent\/spec\.json: ENOENT/);
  });

  test('--spec - reads stdin', async ({ expect }) => {
    const input = JSON.stringify({ containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }] });
    expect(await podgraph(['rm', '--depend', 'a', '--spec', '-', '--progress', 'none'], { input })).toEqual({
      code: 0,
      stdout: 'b\na\n',
      stderr: '',
    });
  });

  test('--latency is for spec files only', async ({ expect }) => {
    expect(await podgraph(['rm', 'a', '--latency', '10'])).toEqual({
      code: 125,
      stdout: '',
      stderr: 'Error: --latency applies to --spec only: a real podman takes its own time\n',
    });
  });
});

test('examples/stack.json, the CLI demo file, is examples/stack.ts as JSON', async () => {
  const { readFileSync } = await import('node:fs');
  const { stack } = await import('../../examples/stack.ts');
  expect(JSON.parse(readFileSync(new URL('../../examples/stack.json', import.meta.url), 'utf8'))).toEqual(stack);
});
