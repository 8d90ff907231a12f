import pLimit from 'p-limit';
import { PodgraphError } from '../../errors.js';
import { type ContainerSpec, type ContainerState, createdNanos, type GraphSpec, type PodSpec } from '../../graph/spec.js';

/**
 * A GET that resolves with the JSON body of a 2xx reply, null for a 404, {@link STORAGE_GONE}
 * for a container whose storage podman no longer has, and rejects otherwise.
 */
export type GetJson = (path: string) => Promise<unknown>;

/**
 * What a container's inspect answers when its storage is gone but podman's database still has
 * it: a removal cut short (the service killed midway). podman 4.3.1 answers HTTP 500 `getting
 * container from store "ID": container not known`, or `reading information about layer "ID":
 * layer not known` when the container is there but its layer went; `podman rm` still removes it.
 */
export const STORAGE_GONE = Symbol('storage gone');
export const STORAGE_GONE_TEXT = /getting container from store .*: container not known|reading information about layer .*: layer not known/;

interface ListedPod {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
}

interface ListedContainer {
  Id: string;
  Names?: string[];
  Pod?: string;
  IsInfra?: boolean;
  State?: string;
}

interface InspectedContainer {
  Id: string;
  Name?: string;
  Pod?: string;
  IsInfra?: boolean;
  Dependencies?: string[] | null;
  State?: { Status?: string; ExitCode?: number };
  Config?: { Labels?: Record<string, string> | null; StopTimeout?: number };
  Created?: string;
  Mounts?: { Type?: string }[] | null;
}

/** What a runtime keeps of each container's inspect, beyond the graph. */
interface ContainerNotes {
  /** Its own stop timeout, when it has one. */
  stopTimeout: number | undefined;
  /** Whether it mounts a volume (a pod's removal takes its anonymous ones). */
  volumes: boolean;
}

/**
 * podman's container states in the model's terms (`ContainerState`). `configured` and `initialized` have not started yet.
 * `removing`: podman is taking it down already; like `stopping` it is busy, so only a forced
 * removal touches it. `unknown`: podman cannot tell it runs, and neither would `podman rm`,
 * which removes it without force; it reads as `exited`.
 */
export function stateFromPodman(status: string | undefined): ContainerState {
  switch (status) {
    case 'configured':
    case 'initialized':
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'stopping':
    case 'exited':
    case 'stopped':
      return status;
    case 'removing':
      return 'stopping';
    default:
      return 'exited';
  }
}

/**
 * One consistent GraphSpec of a live podman: pods first, then containers, then each container's
 * inspect for its `Dependencies` (podman 4.3's list has none), `concurrency` at a time.
 * podman keeps changing while we look, so the snapshot keeps only what it can vouch for: a
 * container gone before its inspect is left out, as is one in a pod created after the pod list
 * (its pod is not in the snapshot), and dependencies point only at containers in the snapshot.
 * A container whose storage is gone (a removal cut short) comes from the list, to go first.
 * `note` is told what a runtime keeps of each container's inspect.
 */
export async function inspectPodman(
  get: GetJson,
  concurrency: number,
  note?: (id: string, notes: ContainerNotes) => void,
): Promise<GraphSpec> {
  const listedPods = asArray<ListedPod>(await get('/libpod/pods/json'), 'pods/json');
  const listed = asArray<ListedContainer>(await get('/libpod/containers/json?all=true'), 'containers/json');
  const pods: PodSpec[] = listedPods.map((pod) => ({ id: pod.Id, name: pod.Name, ...labelsOf(pod.Labels) }));
  const podIds = new Set(pods.map((pod) => pod.id));
  const limit = pLimit(concurrency);
  const inspected = await Promise.all(
    listed.map((container) =>
      limit(async () => (await get(`/libpod/containers/${container.Id}/json`)) as InspectedContainer | typeof STORAGE_GONE | null),
    ),
  );
  const containers: ContainerSpec[] = [];
  const halfRemoved: ContainerSpec[] = [];
  for (const [index, detail] of inspected.entries()) {
    if (detail === null) continue;
    if (detail === STORAGE_GONE) {
      const entry = listed[index]!;
      const pod = entry.Pod !== undefined && entry.Pod !== '' ? entry.Pod : undefined;
      if (pod !== undefined && !podIds.has(pod)) continue;
      const name = entry.Names?.[0];
      halfRemoved.push({
        id: entry.Id,
        ...(name ? { name } : {}),
        ...(pod !== undefined ? { pod } : {}),
        ...(entry.IsInfra === true ? { infra: true } : {}),
        state: stateFromPodman(entry.State),
        dependsOn: [],
      });
      continue;
    }
    note?.(detail.Id, {
      stopTimeout: detail.Config?.StopTimeout,
      volumes: (detail.Mounts ?? []).some((mount) => mount.Type === 'volume'),
    });
    const pod = detail.Pod !== undefined && detail.Pod !== '' ? detail.Pod : undefined;
    if (pod !== undefined && !podIds.has(pod)) continue;
    const state = stateFromPodman(detail.State?.Status);
    const exited = (state === 'exited' || state === 'stopped') && typeof detail.State?.ExitCode === 'number';
    containers.push({
      id: detail.Id,
      ...(detail.Name ? { name: detail.Name } : {}),
      ...(pod !== undefined ? { pod } : {}),
      ...(detail.IsInfra === true ? { infra: true } : {}),
      state,
      dependsOn: detail.Dependencies ?? [],
      ...labelsOf(detail.Config?.Labels),
      ...(typeof detail.Created === 'string' && createdNanos(detail.Created) !== undefined ? { created: detail.Created } : {}),
      ...(exited ? { exitCode: detail.State!.ExitCode } : {}),
    });
  }
  const known = new Set([...containers, ...halfRemoved].map((container) => container.id));
  for (const container of containers) container.dependsOn = container.dependsOn!.filter((id) => known.has(id));
  for (const container of halfRemoved) container.dependsOn = firstOfItsScope(container, containers);
  return { pods, containers: [...containers, ...halfRemoved] };
}

/**
 * A half-removed container's dependencies are unknown (its inspect fails), so it goes first: it
 * depends on every container of its pod (or of those outside pods) that does not depend on it,
 * infra containers aside. Its dependents, if any, are known from their own inspects.
 */
function firstOfItsScope(container: ContainerSpec, containers: readonly ContainerSpec[]): string[] {
  const scope = containers.filter((other) => other.pod === container.pod && other.infra !== true);
  const byId = new Map(scope.map((other) => [other.id, other]));
  const reaches = new Set<string>([container.id]);
  // Those that depend on it, transitively: iterate to a fixed point (scopes are small).
  for (let grew = true; grew; ) {
    grew = false;
    for (const other of scope) {
      if (reaches.has(other.id) || !other.dependsOn!.some((id) => reaches.has(id))) continue;
      reaches.add(other.id);
      grew = true;
    }
  }
  return [...byId.keys()].filter((id) => !reaches.has(id));
}

/** `{ labels }` when podman reports any (it says null or {} for none). */
function labelsOf(labels: Record<string, string> | null | undefined): { labels?: Record<string, string> } {
  return labels !== null && labels !== undefined && Object.keys(labels).length > 0 ? { labels } : {};
}

function asArray<T>(body: unknown, what: string): T[] {
  if (!Array.isArray(body))
    throw new PodgraphError('RUNTIME', `podman's ${what} reply is not a list: ${JSON.stringify(body)?.slice(0, 200)}`);
  return body as T[];
}
