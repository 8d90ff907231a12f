/**
 * The shape of a graph spec: objects, arrays, types, states, and no key the model
 * does not know. The one place the spec's shape is checked: `ContainerGraph.fromSpec`, the
 * in-memory runtime and the CLI's spec files all come through here. Each error is an INVALID_ARG
 * whose `path` names the value refused. References, duplicates, pods and cycles are the index's
 * to check (they need it).
 */
import { describe, invalidArg, type PodgraphError } from '../errors.js';
import { CONTAINER_STATES, type ContainerSpec, createdNanos, type PodSpec } from './spec.js';
import { fieldPath, itemPath, keyPath, quotedKeyPath } from './spec-path.js';

/** A spec whose shape is checked: every field has its declared type. */
export interface CheckedSpec {
  readonly pods: readonly PodSpec[];
  readonly containers: readonly ContainerSpec[];
}

const SPEC_KEYS = ['pods', 'containers'];
const POD_KEYS = ['id', 'name', 'labels'];
const CONTAINER_KEYS = ['id', 'name', 'pod', 'infra', 'state', 'dependsOn', 'labels', 'created', 'exitCode'];
const STATES: ReadonlySet<unknown> = new Set(CONTAINER_STATES);

/** Checks the shape of `spec`; throws an INVALID_ARG naming the first value refused. */
export function checkSpec(spec: unknown): CheckedSpec {
  if (!isRecord(spec)) {
    throw invalidArg(`Expected a graph spec object with \`pods\` and \`containers\` arrays, got ${describe(spec)}`);
  }
  for (const key in spec) if (!SPEC_KEYS.includes(key)) refuseKey(spec, key, SPEC_KEYS, 'a graph spec');
  const pods = listAt(spec, 'pods');
  const containers = listAt(spec, 'containers');
  for (let p = 0; p < pods.length; p++) checkPod(pods[p], p);
  for (let i = 0; i < containers.length; i++) checkContainer(containers[i], i);
  return { pods: pods as PodSpec[], containers: containers as ContainerSpec[] };
}

function listAt(spec: Record<string, unknown>, key: 'pods' | 'containers'): readonly unknown[] {
  const value = spec[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw expected(key, 'an array', value);
  return value;
}

// Paths are written only when something is refused: a million containers must not cost a million strings.

function checkPod(pod: unknown, p: number): void {
  if (!isRecord(pod)) throw expected(itemPath('pods', p), 'an object', pod);
  for (const key in pod) if (!POD_KEYS.includes(key)) refuseKey(pod, key, POD_KEYS, 'a pod', 'pods', p);
  if (!isNonEmptyString(pod.id)) throw expected(fieldPath('pods', p, 'id'), 'a non-empty string', pod.id);
  if (pod.name !== undefined && !isNonEmptyString(pod.name)) {
    throw expected(fieldPath('pods', p, 'name'), 'a non-empty string when given', pod.name);
  }
  if (pod.labels !== undefined) checkLabels(pod.labels, 'pods', p);
}

function checkContainer(ctr: unknown, i: number): void {
  if (!isRecord(ctr)) throw expected(itemPath('containers', i), 'an object', ctr);
  for (const key in ctr) if (!isContainerKey(key)) refuseKey(ctr, key, CONTAINER_KEYS, 'a container', 'containers', i);
  const { id, name, pod, infra, state, dependsOn, labels, created, exitCode } = ctr;
  if (!isNonEmptyString(id)) throw expected(fieldPath('containers', i, 'id'), 'a non-empty string', id);
  if (name !== undefined && !isNonEmptyString(name)) {
    throw expected(fieldPath('containers', i, 'name'), 'a non-empty string when given', name);
  }
  if (pod !== undefined && !isNonEmptyString(pod)) {
    throw expected(fieldPath('containers', i, 'pod'), 'a non-empty string when given', pod);
  }
  if (infra !== undefined && typeof infra !== 'boolean') throw expected(fieldPath('containers', i, 'infra'), 'a boolean when given', infra);
  if (state !== undefined && !STATES.has(state)) {
    throw expected(fieldPath('containers', i, 'state'), `one of ${CONTAINER_STATES.join(', ')}`, state);
  }
  if (dependsOn !== undefined) checkDependsOn(dependsOn, i);
  if (labels !== undefined) checkLabels(labels, 'containers', i);
  if (created !== undefined && (typeof created !== 'string' || createdNanos(created) === undefined)) {
    throw expected(fieldPath('containers', i, 'created'), "an RFC 3339 time such as podman's Created", created);
  }
  // podman keeps an exit code as an int32, and `exited=` reads one as Go's ParseInt(value, 10, 32).
  if (exitCode !== undefined && !isInt32(exitCode)) throw expected(fieldPath('containers', i, 'exitCode'), 'a 32-bit integer', exitCode);
}

function checkDependsOn(dependsOn: unknown, i: number): void {
  if (!Array.isArray(dependsOn)) throw expected(fieldPath('containers', i, 'dependsOn'), 'an array of ids or names', dependsOn);
  for (let k = 0; k < dependsOn.length; k++) {
    if (!isNonEmptyString(dependsOn[k])) {
      throw expected(`${fieldPath('containers', i, 'dependsOn')}[${k}]`, 'a container id or name', dependsOn[k]);
    }
  }
}

function checkLabels(labels: unknown, list: 'pods' | 'containers', index: number): void {
  if (!isRecord(labels)) throw expected(fieldPath(list, index, 'labels'), 'an object of strings', labels);
  for (const key of Object.keys(labels)) {
    if (typeof labels[key] !== 'string') throw expected(quotedKeyPath(fieldPath(list, index, 'labels'), key), 'a string', labels[key]);
  }
}

/**
 * CONTAINER_KEYS as a switch: it runs for every key of every container, and comparing interned
 * strings is about three times cheaper than hashing them into a Set (a million containers: tens of ms).
 */
function isContainerKey(key: string): boolean {
  switch (key) {
    case 'id':
    case 'name':
    case 'pod':
    case 'infra':
    case 'state':
    case 'dependsOn':
    case 'labels':
    case 'created':
    case 'exitCode':
      return true;
    default:
      return false;
  }
}

/** Refuses `key`, unknown to `what`, unless it is inherited or undefined (as for the known keys, undefined is absent). */
function refuseKey(
  value: Record<string, unknown>,
  key: string,
  known: readonly string[],
  what: string,
  list?: 'pods' | 'containers',
  index = 0,
): void {
  if (!Object.hasOwn(value, key) || value[key] === undefined) return;
  const path = list === undefined ? keyPath('', key) : fieldPath(list, index, key);
  throw invalidArg(`Unknown key ${path}: ${what} has only ${known.join(', ')}`, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isInt32(value: unknown): boolean {
  return typeof value === 'number' && (value | 0) === value;
}

function expected(path: string, what: string, got: unknown): PodgraphError {
  return invalidArg(`Expected ${path} to be ${what}, got ${describe(got)}`, path);
}
