/**
 * One description of a Docker host, built two ways: for real in a Docker sandbox, and as the
 * GraphSpec podgraph should read back from it. Docker has no pods and no `--requires`: its
 * dependencies are the namespaces, volumes and links a container takes from another, and
 * docker compose's `depends_on` label.
 */
import type { ContainerSpec, GraphSpec } from 'podgraph';
import { DOCKER_TINY_IMAGE, type DockerSandbox } from './docker-sandbox.ts';

/** docker compose's labels, as compose v2 sets them on every container of a project. */
export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_DEPENDS_ON = 'com.docker.compose.depends_on';

export interface DockerFixtureContainer {
  /** Its name and, in the spec, its id; Docker wants 2 characters or more. */
  name: string;
  /**
   * Started after creation. Docker starts nothing a container needs: list running every
   * container it takes its network, IPC or PID namespace from, or links to, or its start fails.
   */
  running?: boolean;
  /** `--network container:X`. */
  networkOf?: string;
  /** `--ipc container:X`; X is then created with `--ipc shareable`, which Docker requires of the donor. */
  ipcOf?: string;
  /** `--pid container:X`. */
  pidOf?: string;
  /** `--volumes-from`, each a name that may end in `:ro` or `:rw`. */
  volumesFrom?: string[];
  /** `--link`, each `X:alias` (or a bare `X`). */
  links?: string[];
  /** docker compose's labels: project, service and the raw `depends_on` label value. */
  compose?: {
    project: string;
    service: string;
    /** As compose wrote it: `db,redis` (v2.0-2.2), `db:service_started` (to 2.16), `db:service_started:false`; default `""`. */
    dependsOn?: string;
  };
  labels?: Record<string, string>;
}

export interface DockerFixture {
  containers: DockerFixtureContainer[];
}

/** The labels Docker shows for the container: its own and compose's. */
function labelsOf(c: DockerFixtureContainer): Record<string, string> {
  const compose: Record<string, string> = c.compose
    ? { [COMPOSE_PROJECT]: c.compose.project, [COMPOSE_SERVICE]: c.compose.service, [COMPOSE_DEPENDS_ON]: c.compose.dependsOn ?? '' }
    : {};
  return { ...c.labels, ...compose };
}

/** The service names of a `depends_on` label in any of compose's formats: the part of each entry before its first `:`. */
export function composeDependencies(label: string): string[] {
  return label
    .split(',')
    .map((entry) => entry.split(':')[0]!.trim())
    .filter((service) => service !== '');
}

/** The container a `--volumes-from` or `--link` value names: what comes before its `:`. */
const target = (value: string) => value.split(':')[0]!;

/**
 * The fixture as podgraph should read it: ids are the names; a container depends on every
 * container it takes a namespace, volumes or a link from, and on every container of the services
 * its compose `depends_on` label names within its own project (a service with no container adds
 * nothing). `labels` is given only when there are some.
 */
export function dockerFixtureSpec(fixture: DockerFixture): GraphSpec {
  const containers: ContainerSpec[] = fixture.containers.map((c) => {
    const direct = [c.networkOf, c.ipcOf, c.pidOf, ...(c.volumesFrom ?? []).map(target), ...(c.links ?? []).map(target)];
    const services = composeDependencies(c.compose?.dependsOn ?? '');
    const compose = fixture.containers
      .filter((other) => other.compose?.project === c.compose?.project && services.includes(other.compose?.service ?? ''))
      .map((other) => other.name);
    const dependsOn = [...new Set([...direct, ...compose].filter((name): name is string => name !== undefined && name !== c.name))];
    const labels = labelsOf(c);
    return {
      id: c.name,
      state: c.running ? 'running' : 'created',
      dependsOn,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
    };
  });
  return { containers };
}

/** The `docker create` flags of one container, IPC donors made shareable. */
function createArgs(c: DockerFixtureContainer, ipcDonors: Set<string>): string[] {
  const args = ['create', '--name', c.name];
  if (c.networkOf) args.push('--network', `container:${c.networkOf}`);
  if (c.ipcOf) args.push('--ipc', `container:${c.ipcOf}`);
  else if (ipcDonors.has(c.name)) args.push('--ipc', 'shareable');
  if (c.pidOf) args.push('--pid', `container:${c.pidOf}`);
  for (const volumes of c.volumesFrom ?? []) args.push('--volumes-from', volumes);
  for (const link of c.links ?? []) args.push('--link', link);
  for (const [key, value] of Object.entries(labelsOf(c))) args.push('--label', `${key}=${value}`);
  return args;
}

/**
 * Creates the fixture in the sandbox with the docker CLI, in the order given (each container
 * after those it takes anything from: Docker checks they exist), then starts the running ones in
 * that order, in one `docker start`.
 */
export async function createInDocker(sandbox: DockerSandbox, fixture: DockerFixture): Promise<void> {
  const ipcDonors = new Set(fixture.containers.flatMap((c) => (c.ipcOf ? [c.ipcOf] : [])));
  for (const c of fixture.containers) await sandbox.docker(...createArgs(c, ipcDonors), DOCKER_TINY_IMAGE);
  const running = fixture.containers.filter((c) => c.running).map((c) => c.name);
  if (running.length > 0) await sandbox.docker('start', ...running);
}
