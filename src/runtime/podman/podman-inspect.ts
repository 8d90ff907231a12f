import pLimit from 'p-limit';
import { PodgraphError } from '../../errors.js';
import { type ContainerSpec, type ContainerState, createdNanos, type GraphSpec, type PodSpec } from '../../graph/spec.js';

/** A GET that resolves with the JSON body of a 2xx reply, null for a 404 and rejects otherwise. */
export type GetJson = (path: string) => Promise<unknown>;

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
}

/**
 * podman's container states in SPEC's terms. `configured` and `initialized` have not started yet.
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
 * `stopTimeouts` gets each container's own stop timeout where it is not podman's 10 s.
 */
export async function inspectPodman(get: GetJson, concurrency: number, stopTimeouts?: Map<string, number>): Promise<GraphSpec> {
  const listedPods = asArray<ListedPod>(await get('/libpod/pods/json'), 'pods/json');
  const listed = asArray<ListedContainer>(await get('/libpod/containers/json?all=true'), 'containers/json');
  const pods: PodSpec[] = listedPods.map((pod) => ({ id: pod.Id, name: pod.Name, ...labelsOf(pod.Labels) }));
  const podIds = new Set(pods.map((pod) => pod.id));
  const limit = pLimit(concurrency);
  const inspected = await Promise.all(
    listed.map((container) => limit(async () => (await get(`/libpod/containers/${container.Id}/json`)) as InspectedContainer | null)),
  );
  const containers: ContainerSpec[] = [];
  for (const detail of inspected) {
    if (detail === null) continue;
    const stopTimeout = detail.Config?.StopTimeout;
    if (stopTimeouts !== undefined && typeof stopTimeout === 'number' && stopTimeout !== 10) stopTimeouts.set(detail.Id, stopTimeout);
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
  const known = new Set(containers.map((container) => container.id));
  for (const container of containers) container.dependsOn = container.dependsOn!.filter((id) => known.has(id));
  return { pods, containers };
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
