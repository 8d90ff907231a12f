/**
 * What every picture of a graph shows, whatever the format: pods as boxes around their
 * containers, an arrow per dependency (dependent -> dependency, the order of removal: top to
 * bottom), each container coloured by its state or, after a removal, by what became of it.
 *
 * A pod member's implicit dependency on its infra container is drawn (dashed) only for members
 * without an explicit dependency: the others reach the infra container through what they depend
 * on, so nothing is lost, and a pod of n chained members keeps n arrows instead of 2n, the long
 * ones of which cost a layout O(n^2).
 */
import type { PodgraphError } from '../../errors.js';
import type { ContainerGraph, ContainerState, RemovalReport } from '../../index.js';
import { depthsOf, topologicalOrder } from '../../internal.js';

type Outcome = 'removed' | 'failed' | 'blocked' | 'aborted' | 'untouched';

interface DrawnContainer {
  id: string;
  /** The name, else the id (podman's 64-hex ids cut to 12, as `podman ps` shows them). */
  label: string;
  state: ContainerState;
  infra: boolean;
  /** Index into `pods`, or -1. */
  pod: number;
  outcome?: Outcome;
  /** The error code when not removed. */
  code?: string;
}

interface DrawnPod {
  id: string;
  label: string;
  outcome?: Outcome;
  code?: string;
}

export interface Drawing {
  pods: DrawnPod[];
  containers: DrawnContainer[];
  /** Indices into `containers` of each pod's members, in input order. */
  members: number[][];
  /** Indices into `containers` of the containers outside pods. */
  outside: number[];
  /** Indices into `containers`; `implicit` for a pod member's edge to its infra container (see above). */
  edges: { from: number; to: number; implicit: boolean }[];
  /** Colour by outcome (after a removal) rather than by state. */
  byOutcome: boolean;
}

export interface Swatch {
  fill: string;
  stroke: string;
}

/** The palette, each colour once: a state and an outcome that mean alike share one. */
const green: Swatch = { fill: '#c8e6c9', stroke: '#2e7d32' };
const amber: Swatch = { fill: '#ffe0b2', stroke: '#e65100' };
const grey: Swatch = { fill: '#eeeeee', stroke: '#616161' };
const yellow: Swatch = { fill: '#fff3c4', stroke: '#b58900' };
const blue: Swatch = { fill: '#e3f2fd', stroke: '#1565c0' };
const red: Swatch = { fill: '#ffcdd2', stroke: '#c62828' };
const ash: Swatch = { fill: '#e0e0e0', stroke: '#757575' };
const white: Swatch = { fill: '#ffffff', stroke: '#9e9e9e' };

const STATE_COLOURS: Record<ContainerState, Swatch> = {
  running: green,
  stopping: amber,
  exited: grey,
  stopped: grey,
  paused: yellow,
  created: blue,
};

const OUTCOME_COLOURS: Record<Outcome, Swatch> = { removed: green, blocked: amber, failed: red, aborted: ash, untouched: white };

export function swatchOf(drawing: Drawing, container: DrawnContainer): Swatch {
  return drawing.byOutcome ? OUTCOME_COLOURS[container.outcome ?? 'untouched'] : STATE_COLOURS[container.state];
}

/** The legend's entries, in the order worth reading. */
export function legendOf(drawing: Drawing): { text: string; swatch: Swatch }[] {
  if (drawing.byOutcome)
    return (Object.keys(OUTCOME_COLOURS) as Outcome[]).map((outcome) => ({ text: outcome, swatch: OUTCOME_COLOURS[outcome] }));
  const states: ContainerState[] = ['running', 'paused', 'stopping', 'created', 'exited'];
  return states.map((state) => ({ text: state === 'exited' ? 'exited / stopped' : state, swatch: STATE_COLOURS[state] }));
}

/** podman's full ids are 64 hex digits; people read the first 12, as `podman ps` prints them. */
export function shortId(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

export function outcomeOf(error: PodgraphError | null | undefined): Outcome {
  if (error === undefined) return 'untouched';
  if (error === null) return 'removed';
  if (error.code === 'ABORTED') return 'aborted';
  if (error.code === 'DEPENDENCY_FAILED' || error.code === 'REMOVING_CTRS') return 'blocked';
  return 'failed';
}

export function drawingOf(graph: ContainerGraph, report?: RemovalReport): Drawing {
  const podIds = graph.podIds();
  const podIndex = new Map(podIds.map((id, p) => [id, p]));
  const pods: DrawnPod[] = podIds.map((id) => {
    const info = graph.pod(id)!;
    const pod: DrawnPod = { id, label: info.name ?? shortId(id) };
    if (report !== undefined) mark(pod, report.pods.get(id));
    return pod;
  });
  const ids = graph.containerIds();
  const index = new Map(ids.map((id, i) => [id, i]));
  const containers: DrawnContainer[] = ids.map((id) => {
    const info = graph.container(id)!;
    const container: DrawnContainer = {
      id,
      label: info.name ?? shortId(id),
      state: info.state,
      infra: info.infra,
      pod: info.pod === undefined ? -1 : podIndex.get(info.pod)!,
    };
    if (report !== undefined) mark(container, report.containers.get(id));
    return container;
  });
  const members: number[][] = pods.map(() => []);
  const outside: number[] = [];
  containers.forEach((container, i) => {
    (container.pod === -1 ? outside : members[container.pod]).push(i);
  });
  const explicit = new Map((graph.toSpec().containers ?? []).map((spec) => [spec.id, new Set(spec.dependsOn ?? [])]));
  const edges: Drawing['edges'] = [];
  for (let from = 0; from < ids.length; from++) {
    const stated = explicit.get(ids[from])!;
    for (const dep of graph.dependenciesOf(ids[from])) {
      const to = index.get(dep)!;
      const implicit = containers[to].infra && !stated.has(dep);
      if (!implicit || stated.size === 0) edges.push({ from, to, implicit });
    }
  }
  return { pods, containers, members, outside, edges, byOutcome: report !== undefined };
}

function mark(item: { outcome?: Outcome; code?: string }, error: PodgraphError | null | undefined): void {
  item.outcome = outcomeOf(error);
  if (error) item.code = error.code;
}

/** Containers on the longest chain of arrows (0 for an empty graph), from the one topological order. */
export function depthOf(drawing: Drawing): number {
  const n = drawing.containers.length;
  const start = new Int32Array(n + 1);
  for (const { from } of drawing.edges) start[from + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const targets = new Int32Array(drawing.edges.length);
  const fill = start.slice(0, n);
  for (const { from, to } of drawing.edges) targets[fill[from]++] = to;
  const csr = { start, targets };
  const depth = depthsOf(csr, topologicalOrder(csr));
  return depth.reduce((deepest, d) => Math.max(deepest, d), 0);
}

/** The second line of a container's box: its state (and infra role), or its outcome and code. */
export function captionOf(drawing: Drawing, container: DrawnContainer): string {
  const role = container.infra ? 'infra, ' : '';
  if (!drawing.byOutcome) return `${role}${container.state}`;
  const outcome = container.outcome ?? 'untouched';
  return container.code !== undefined && outcome !== 'aborted' ? `${role}${outcome}: ${container.code}` : `${role}${outcome}`;
}
