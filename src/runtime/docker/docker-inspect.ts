import pLimit from 'p-limit';
import { PodgraphError } from '../../errors.js';
import { resolveRef } from '../../graph/lookup.js';
import { type ContainerSpec, type ContainerState, createdNanos, type GraphSpec } from '../../graph/spec.js';

/** A GET that resolves with the JSON body of a 2xx reply, null for a 404, and rejects otherwise. */
export type GetJson = (path: string) => Promise<unknown>;

interface ListedContainer {
  Id: string;
}

/** The parts of `GET /containers/{id}/json` that say what a container depends on. */
interface DockerInspect {
  Id: string;
  Name?: string;
  Created?: string;
  State?: { Status?: string; ExitCode?: number };
  Config?: { Labels?: Record<string, string> | null; StopTimeout?: number | null };
  HostConfig?: {
    NetworkMode?: string;
    IpcMode?: string;
    PidMode?: string;
    VolumesFrom?: string[] | null;
    Links?: string[] | null;
  };
  NetworkSettings?: { Networks?: Record<string, { Links?: string[] | null } | null> | null };
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';
const COMPOSE_DEPENDS_ON = 'com.docker.compose.depends_on';

/**
 * Docker's states in the model's terms (`ContainerState`): `restarting` is running for removal's sake (it needs force),
 * `removing` is busy like podman's `stopping`, `dead` has stopped for good.
 */
function stateFromDocker(status: string | undefined): ContainerState {
  switch (status) {
    case 'created':
    case 'running':
    case 'paused':
    case 'exited':
      return status;
    case 'restarting':
      return 'running';
    case 'removing':
      return 'stopping';
    default:
      return 'exited';
  }
}

/**
 * The containers one container names as what it needs, each as the reference it was given (an id,
 * an id prefix or a name): `container:X` network, IPC and PID modes, `--volumes-from X[:ro]`,
 * `--link X:alias` on the default bridge (`/X:/Y/alias`) and on user networks (`X:alias`).
 */
function referencesOf(detail: DockerInspect): string[] {
  const host = detail.HostConfig ?? {};
  const refs: string[] = [];
  for (const mode of [host.NetworkMode, host.IpcMode, host.PidMode]) {
    if (typeof mode === 'string' && mode.startsWith('container:')) refs.push(mode.slice('container:'.length));
  }
  for (const from of host.VolumesFrom ?? []) refs.push(from.replace(/:(ro|rw|z|Z)(,.*)?$/, ''));
  const links = [...(host.Links ?? []), ...Object.values(detail.NetworkSettings?.Networks ?? {}).flatMap((net) => net?.Links ?? [])];
  for (const link of links) refs.push(link.split(':')[0]!.replace(/^\//, ''));
  return refs;
}

/**
 * The services a compose container waits for, from `com.docker.compose.depends_on`: compose
 * v2.0-2.2 writes `db,redis`, v2.3-2.16 `db:service_started`, v2.17 and later
 * `db:service_started:false` (any order; `""` for none).
 */
function composeServicesOf(label: string | undefined): string[] {
  if (label === undefined || label.trim() === '') return [];
  return label
    .split(',')
    .map((entry) => entry.trim().split(':')[0]!)
    .filter((service) => service !== '');
}

/**
 * One GraphSpec of a live Docker host: the list, then each container's inspect (`concurrency` at a
 * time) for what it depends on. A container gone before its inspect is left out; a reference
 * that names no container in the snapshot (removed already, leaving its dependent broken) is
 * dropped; compose's `depends_on` becomes a dependency on every container of those services in
 * the same project (compose's own order, across all of a host's projects at once).
 * `stopTimeout` is told each container's own stop timeout.
 */
export async function inspectDocker(
  get: GetJson,
  concurrency: number,
  stopTimeout?: (id: string, seconds: number | null | undefined) => void,
): Promise<GraphSpec> {
  const listed = await get('/containers/json?all=1');
  if (!Array.isArray(listed)) {
    throw new PodgraphError('RUNTIME', `Docker's containers/json reply is not a list: ${JSON.stringify(listed)?.slice(0, 200)}`);
  }
  const limit = pLimit(concurrency);
  const inspected = await Promise.all(
    (listed as ListedContainer[]).map((c) => limit(async () => (await get(`/containers/${c.Id}/json`)) as DockerInspect | null)),
  );
  const details = inspected.filter((detail): detail is DockerInspect => detail !== null);
  const resolve = referenceResolver(details);
  const services = new Map<string, string[]>();
  for (const detail of details) {
    const labels = detail.Config?.Labels ?? {};
    const project = labels[COMPOSE_PROJECT];
    const service = labels[COMPOSE_SERVICE];
    if (project === undefined || service === undefined) continue;
    const key = `${project}\0${service}`;
    services.set(key, [...(services.get(key) ?? []), detail.Id]);
  }
  const containers: ContainerSpec[] = details.map((detail) => {
    const labels = detail.Config?.Labels ?? {};
    const dependsOn = new Set<string>();
    for (const ref of referencesOf(detail)) {
      const id = resolve(ref);
      if (id !== undefined) dependsOn.add(id);
    }
    const project = labels[COMPOSE_PROJECT];
    if (project !== undefined) {
      for (const service of composeServicesOf(labels[COMPOSE_DEPENDS_ON])) {
        for (const id of services.get(`${project}\0${service}`) ?? []) dependsOn.add(id);
      }
    }
    dependsOn.delete(detail.Id);
    stopTimeout?.(detail.Id, detail.Config?.StopTimeout);
    const state = stateFromDocker(detail.State?.Status);
    const name = detail.Name?.replace(/^\//, '');
    return {
      id: detail.Id,
      ...(name ? { name } : {}),
      state,
      dependsOn: [...dependsOn],
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(typeof detail.Created === 'string' && createdNanos(detail.Created) !== undefined ? { created: detail.Created } : {}),
      ...(state === 'exited' && typeof detail.State?.ExitCode === 'number' ? { exitCode: detail.State.ExitCode } : {}),
    };
  });
  return { containers };
}

/** Finds the container a reference names, as Docker does: a full id, a name, or a unique id prefix. */
function referenceResolver(details: readonly DockerInspect[]): (ref: string) => string | undefined {
  const exact = new Map<string, number>();
  details.forEach((detail, index) => {
    exact.set(detail.Id, index);
    if (detail.Name) exact.set(detail.Name.replace(/^\//, ''), index);
  });
  const ids = details.map((detail) => detail.Id);
  return (ref) => {
    const found = resolveRef(exact, ids, ref);
    return typeof found === 'number' ? ids[found] : undefined;
  };
}
