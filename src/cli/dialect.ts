/**
 * What podgraph's CLI words itself, in the words and layouts of the podman it talks to: chosen
 * once per command from the service's version (`Libpod-Api-Version`); Docker and `--spec` get the
 * newest. Messages that come from podman's own answers are printed as they came; these are the
 * ones podgraph makes (a name the graph does not hold, a pod it could not empty, a container
 * blocked by a failed dependent), which libpod words differently by version:
 *
 * - podman 4 (4.3.1's BoltDB state): `no container with name or ID "x"`, `"x" is a pod, not a
 *   container`, `x is a container, not a pod`, `more than one result for container ID x` /
 *   `for ID or name x: pod already exists`, and a pod's failed members as one multi-error block.
 * - podman 5.0-5.4 (SQLite state): `no container with ID or name "x"`, `more than one result for
 *   container "x"` / `for pod "x": container already exists` (sic), and podman 5's `pod rm`
 *   layout: `not all containers could be removed from pod P: removing pod containers`, then one
 *   `Error: error removing container C from pod P: ...` line per failed member (the local CLI's).
 * - podman 5.5+: the same, and a blocked pod member `could not be stopped` (5.5's graph walk),
 *   where earlier versions say `could not be removed`.
 */
import { goQuote } from './go-text.js';

export interface Dialect {
  /** Which podman speaks it: `podman 4`, `podman 5.0-5.4`, `podman 5.5+`. */
  readonly name: string;
  /** `rm NAME` of a name podman does not know; `isPod`: it is a pod's name. */
  noSuchContainer(name: string, isPod: boolean): string;
  /** `pod rm NAME` of a name podman does not know; `isContainer`: it is a container's name. */
  noSuchPod(name: string, isContainer: boolean): string;
  /** An id prefix more than one container (or pod) starts with. */
  ambiguous(kind: 'container' | 'pod', prefix: string): string;
  /** A container left because one that depends on it failed, without the failure's kind. */
  blocked(id: string): string;
  /** The `Error:` blocks of a pod some members of which could not be removed (`members`: id and podman's text of each). */
  podNotEmptied(podId: string, members: readonly (readonly [id: string, text: string])[]): string[];
}

const noSuchPod = (name: string) => `no pod with name or ID ${name} found: no such pod`;

/** podman 5's local `pod rm`: the pod's error, then one line per failed member (cmd/podman/pods/rm.go). */
function podmanFivePodNotEmptied(podId: string, members: readonly (readonly [string, string])[]): string[] {
  return [
    `Error: not all containers could be removed from pod ${podId}: removing pod containers`,
    ...members.map(([id, text]) => `Error: error removing container ${id} from pod ${podId}: ${text}`),
  ];
}

const PODMAN_4: Dialect = {
  name: 'podman 4',
  noSuchContainer: (name, isPod) =>
    isPod
      ? `${goQuote(name)} is a pod, not a container: no such container`
      : `no container with name or ID ${goQuote(name)} found: no such container`,
  noSuchPod: (name, isContainer) => (isContainer ? `${name} is a container, not a pod: no such pod` : noSuchPod(name)),
  ambiguous: (kind, prefix) =>
    kind === 'pod'
      ? `more than one result for ID or name ${prefix}: pod already exists`
      : `more than one result for container ID ${prefix}: container already exists`,
  blocked: (id) => `a container that depends on container ${id} could not be removed`,
  // hashicorp/go-multierror's list: its text ends in a blank line, which podman prints too.
  podNotEmptied: (podId, members) =>
    members.length === 0
      ? [`Error: not all containers could be removed from pod ${podId}`]
      : [
          [
            `Error: ${members.length} error${members.length === 1 ? '' : 's'} occurred:`,
            ...members.map(([id, text]) => `\t* removing container ${id} from pod ${podId}: ${text}`),
            '',
            '',
          ].join('\n'),
        ],
};

const PODMAN_5_0: Dialect = {
  name: 'podman 5.0-5.4',
  noSuchContainer: (name) => `no container with ID or name ${goQuote(name)} found: no such container`,
  noSuchPod: (name) => noSuchPod(name),
  ambiguous: (kind, prefix) => `more than one result for ${kind} ${goQuote(prefix)}: container already exists`,
  blocked: (id) => `a container that depends on container ${id} could not be removed`,
  podNotEmptied: podmanFivePodNotEmptied,
};

const PODMAN_5_5: Dialect = {
  ...PODMAN_5_0,
  name: 'podman 5.5+',
  blocked: (id) => `a container that depends on container ${id} could not be stopped`,
};

/** What Docker and `--spec` get: the newest podman's words. */
export const NEWEST: Dialect = PODMAN_5_5;

/** The dialect of a podman of this version (`5.8.6`); an unknown version gets the newest. */
export function dialectOf(version: string | undefined): Dialect {
  const numbers = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (numbers === null) return NEWEST;
  const [major, minor] = [Number(numbers[1]), Number(numbers[2])];
  if (major < 5) return PODMAN_4;
  return major === 5 && minor < 5 ? PODMAN_5_0 : PODMAN_5_5;
}
