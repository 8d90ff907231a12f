/**
 * `--spec FILE.json`: a GraphSpec in a file, checked before anything runs. Every problem is
 * reported with the file, the line and column, the JSON path and what is wrong, so a typo in a
 * 500-line file is found at once; a key podgraph does not know is an error, not silently ignored.
 */
import { readFileSync } from 'node:fs';
import { PodgraphError } from '../errors.js';
import { ContainerGraph } from '../graph/container-graph.js';
import { CONTAINER_STATES, createdNanos, type GraphSpec } from '../graph/spec.js';
import { CliError } from './cli-error.js';
import { findSyntaxError, formatPath, type JsonPath, locatePath } from './json-text.js';

const ROOT_KEYS = ['pods', 'containers'];
const POD_KEYS = ['id', 'name', 'labels'];
const CONTAINER_KEYS = ['id', 'name', 'pod', 'infra', 'state', 'dependsOn', 'labels', 'created', 'exitCode'];

/** A problem at a place in the file. */
class SpecProblem extends Error {
  readonly path: JsonPath | undefined;

  constructor(path: JsonPath | undefined, message: string) {
    super(message);
    this.path = path;
  }
}

/** Reads, parses and validates a spec file (`-` reads stdin); throws a CliError naming the file, line and path. */
export function loadSpecFile(file: string): { spec: GraphSpec; graph: ContainerGraph } {
  const name = file === '-' ? '<stdin>' : file;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`reading spec file ${name}: ${(error as Error).message}`);
  }
  return parseSpecText(text, name);
}

/** `parseSpecText(text, name)`: the same from text already read. */
export function parseSpecText(text: string, name: string): { spec: GraphSpec; graph: ContainerGraph } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const syntax = findSyntaxError(text);
    const where = syntax === undefined ? name : `${name}:${syntax.position.line}:${syntax.position.column}`;
    throw new CliError(`spec file ${where}: invalid JSON: ${syntax?.message ?? (error as Error).message}`);
  }
  try {
    return validate(value);
  } catch (error) {
    if (!(error instanceof SpecProblem)) throw error;
    throw new CliError(`spec file ${placeOf(text, name, error.path)}${error.message}`);
  }
}

/** The spec's structure, then the graph's own checks (references, pods, cycles); throws a SpecProblem. */
function validate(value: unknown): { spec: GraphSpec; graph: ContainerGraph } {
  const spec = checkShape(value);
  try {
    return { spec, graph: ContainerGraph.fromSpec(spec) };
  } catch (error) {
    if (!(error instanceof PodgraphError)) throw error;
    throw new SpecProblem(locateGraphError(error), `${error.message} (${error.code})`);
  }
}

function placeOf(text: string, name: string, path: JsonPath | undefined): string {
  if (path === undefined) return `${name}: `;
  const position = locatePath(text, path);
  const where = position === undefined ? name : `${name}:${position.line}:${position.column}`;
  return path.length === 0 ? `${where}: ` : `${where}: ${formatPath(path)}: `;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function got(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function checkKeys(value: Record<string, unknown>, allowed: readonly string[], path: JsonPath): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new SpecProblem([...path, key], `unknown key ${JSON.stringify(key)} (expected ${allowed.join(', ')})`);
    }
  }
}

function checkString(owner: Record<string, unknown>, key: string, path: JsonPath, required: boolean): void {
  const value = owner[key];
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value === '') {
    throw new SpecProblem(
      value === undefined ? path : [...path, key],
      value === undefined ? `\`${key}\` is missing: expected a non-empty string` : `expected a non-empty string, got ${got(value)}`,
    );
  }
}

/** `labels`: an object whose every value is a string. */
function checkLabels(owner: Record<string, unknown>, path: JsonPath): void {
  const labels = owner.labels;
  if (labels === undefined) return;
  if (!isRecord(labels)) throw new SpecProblem([...path, 'labels'], `expected an object of string labels, got ${got(labels)}`);
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') throw new SpecProblem([...path, 'labels', key], `expected a string label value, got ${got(value)}`);
  }
}

/** The structure of SPEC section 1, entry by entry; references, duplicates and cycles are the graph's to check. */
function checkShape(value: unknown): GraphSpec {
  if (!isRecord(value)) throw new SpecProblem([], `expected an object with \`pods\` and \`containers\` arrays, got ${got(value)}`);
  checkKeys(value, ROOT_KEYS, []);
  for (const key of ROOT_KEYS) {
    if (value[key] !== undefined && !Array.isArray(value[key])) throw new SpecProblem([key], `expected an array, got ${got(value[key])}`);
  }
  const pods = (value.pods ?? []) as unknown[];
  pods.forEach((pod, p) => {
    const path = ['pods', p];
    if (!isRecord(pod)) throw new SpecProblem(path, `expected a pod object, got ${got(pod)}`);
    checkKeys(pod, POD_KEYS, path);
    checkString(pod, 'id', path, true);
    checkString(pod, 'name', path, false);
    checkLabels(pod, path);
  });
  const containers = (value.containers ?? []) as unknown[];
  containers.forEach((ctr, i) => {
    const path = ['containers', i];
    if (!isRecord(ctr)) throw new SpecProblem(path, `expected a container object, got ${got(ctr)}`);
    checkKeys(ctr, CONTAINER_KEYS, path);
    checkString(ctr, 'id', path, true);
    checkString(ctr, 'name', path, false);
    checkString(ctr, 'pod', path, false);
    checkLabels(ctr, path);
    if (ctr.created !== undefined && (typeof ctr.created !== 'string' || createdNanos(ctr.created) === undefined))
      throw new SpecProblem(
        [...path, 'created'],
        `expected an RFC 3339 time such as 2024-05-01T10:00:00.123456789Z, got ${got(ctr.created)}`,
      );
    if (ctr.exitCode !== undefined && !Number.isInteger(ctr.exitCode))
      throw new SpecProblem([...path, 'exitCode'], `expected an integer exit code, got ${got(ctr.exitCode)}`);
    if (ctr.infra !== undefined && typeof ctr.infra !== 'boolean')
      throw new SpecProblem([...path, 'infra'], `expected true or false, got ${got(ctr.infra)}`);
    if (ctr.state !== undefined && !(CONTAINER_STATES as readonly unknown[]).includes(ctr.state)) {
      throw new SpecProblem([...path, 'state'], `expected one of ${CONTAINER_STATES.join(', ')}, got ${got(ctr.state)}`);
    }
    if (ctr.dependsOn !== undefined) {
      if (!Array.isArray(ctr.dependsOn))
        throw new SpecProblem([...path, 'dependsOn'], `expected an array of container ids or names, got ${got(ctr.dependsOn)}`);
      ctr.dependsOn.forEach((ref, k) => {
        if (typeof ref !== 'string' || ref === '')
          throw new SpecProblem([...path, 'dependsOn', k], `expected a container id or name, got ${got(ref)}`);
      });
    }
  });
  return value as GraphSpec;
}

/** The graph names where its error lies (`containers[3].dependsOn[1]`): that path, parsed. */
function locateGraphError(error: PodgraphError): JsonPath | undefined {
  if (error.path === undefined) return undefined;
  return [...error.path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((part) => (part[2] === undefined ? part[1] : Number(part[2])));
}
