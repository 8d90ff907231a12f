import { Graph } from '@dagrejs/graphlib';
import { PodgraphError, safeString } from '../errors.js';
import { noSuchContainer } from '../messages.js';
import { compileGraph } from './compile-graph.js';
import { type CompiledGraph, idsIn, specOf, stateOf } from './compiled-graph.js';
import type { ContainerState, GraphSource, GraphSpec } from './spec.js';

export interface ContainerInfo {
  id: string;
  name?: string;
  /** Pod id. */
  pod?: string;
  infra: boolean;
  state: ContainerState;
  /** Its labels, when it has any. */
  labels?: Record<string, string>;
}

export interface PodInfo {
  id: string;
  name?: string;
  /** Id of the infra container, when the pod has one. */
  infra?: string;
  /** Ids of every member, the infra container included. */
  containers: string[];
  /** Its labels, when it has any. */
  labels?: Record<string, string>;
}

/** Label of a node in {@link ContainerGraph.graphlib}. */
export type GraphlibNodeLabel = ContainerInfo;

const compiledGraphs = new WeakMap<ContainerGraph, CompiledGraph>();
const runtimes = new WeakMap<ContainerGraph, GraphSource>();

/** The compiled arrays behind a ContainerGraph, for the remover and the in-memory runtime. */
export function compiledOf(graph: ContainerGraph): CompiledGraph {
  const compiled = compiledGraphs.get(graph);
  if (compiled === undefined) {
    throw new PodgraphError('INVALID_ARG', 'Expected a ContainerGraph built by ContainerGraph.fromSpec or fromRuntime');
  }
  return compiled;
}

/** The runtime a graph was read from by `fromRuntime` (one that can remove): removeGraph's default runtime for it. */
export function runtimeOf(graph: ContainerGraph): GraphSource | undefined {
  return runtimes.get(graph);
}

/**
 * A validated model of pods, containers and their dependencies. Immutable: build a new one
 * (`fromSpec`, `fromRuntime`) to see a changed world.
 */
export class ContainerGraph {
  #graphlib: Graph<unknown, GraphlibNodeLabel, undefined> | undefined;

  private constructor(compiled: CompiledGraph) {
    compiledGraphs.set(this, compiled);
  }

  /** Validates `spec` and builds the model; throws a PodgraphError and builds nothing on bad input. */
  static fromSpec(spec: GraphSpec): ContainerGraph {
    return new ContainerGraph(compileGraph(spec));
  }

  /**
   * Builds the model from what `runtime.inspect()` reports now, and remembers `runtime` (when it
   * can remove) as the graph's default runtime: removeGraph removes there unless told otherwise.
   */
  static async fromRuntime(runtime: GraphSource): Promise<ContainerGraph> {
    let spec: GraphSpec;
    try {
      spec = await runtime.inspect();
    } catch (error) {
      if (error instanceof PodgraphError) throw error;
      throw new PodgraphError('RUNTIME', `inspecting the runtime failed: ${error instanceof Error ? error.message : safeString(error)}`, {
        cause: error,
      });
    }
    const graph = ContainerGraph.fromSpec(spec);
    if (canRemove(runtime)) runtimes.set(graph, runtime);
    return graph;
  }

  /** Number of containers. */
  get size(): number {
    return compiledOf(this).size;
  }

  containerIds(): string[] {
    return [...compiledOf(this).ids];
  }

  podIds(): string[] {
    return [...compiledOf(this).podIds];
  }

  /** The container with this id or name, or undefined. */
  container(idOrName: string): ContainerInfo | undefined {
    const graph = compiledOf(this);
    const index = graph.lookup.get(idOrName);
    return index === undefined ? undefined : containerInfo(graph, index);
  }

  /** The pod with this id or name, or undefined. */
  pod(idOrName: string): PodInfo | undefined {
    const graph = compiledOf(this);
    const pod = graph.podLookup.get(idOrName);
    if (pod === undefined) return undefined;
    const info: PodInfo = {
      id: graph.podIds[pod],
      containers: idsIn(graph, graph.members, graph.memberStart[pod], graph.memberStart[pod + 1]),
    };
    if (graph.podNames[pod] !== undefined) info.name = graph.podNames[pod];
    if (graph.podInfra[pod] !== -1) info.infra = graph.ids[graph.podInfra[pod]];
    if (graph.podLabels[pod] !== undefined) info.labels = { ...graph.podLabels[pod] };
    return info;
  }

  /** Ids of the containers `idOrName` depends on directly, the implicit infra edge included. */
  dependenciesOf(idOrName: string): string[] {
    const graph = compiledOf(this);
    const index = indexOf(graph, idOrName);
    return idsIn(graph, graph.deps, graph.depStart[index], graph.depStart[index + 1]);
  }

  /** Ids of the containers that depend on `idOrName` directly. */
  dependentsOf(idOrName: string): string[] {
    const graph = compiledOf(this);
    const index = indexOf(graph, idOrName);
    return idsIn(graph, graph.dependents, graph.dependentStart[index], graph.dependentStart[index + 1]);
  }

  /** The spec back: explicit dependencies only, by id; `fromSpec(graph.toSpec())` is the same graph. */
  toSpec(): GraphSpec {
    return specOf(compiledOf(this));
  }

  /**
   * The model as a `@dagrejs/graphlib` Graph for your own algorithms and drawings: one node per
   * container id (label: {@link ContainerInfo}), one edge per dependency, from dependent to
   * dependency. Built on first read (about 1.4 KB per node, so removal never pays for it) and
   * shared afterwards: treat it as read-only.
   */
  get graphlib(): Graph<unknown, GraphlibNodeLabel, undefined> {
    if (this.#graphlib === undefined) {
      const graph = compiledOf(this);
      const view = new Graph<unknown, GraphlibNodeLabel, undefined>({ directed: true, multigraph: false, compound: false });
      for (let i = 0; i < graph.size; i++) view.setNode(graph.ids[i], containerInfo(graph, i));
      for (let i = 0; i < graph.size; i++) {
        for (let k = graph.depStart[i]; k < graph.depStart[i + 1]; k++) view.setEdge(graph.ids[i], graph.ids[graph.deps[k]]);
      }
      this.#graphlib = view;
    }
    return this.#graphlib;
  }
}

function canRemove(runtime: GraphSource): boolean {
  const candidate = runtime as { removeContainer?: unknown; removePod?: unknown };
  return typeof candidate.removeContainer === 'function' && typeof candidate.removePod === 'function';
}

function indexOf(graph: CompiledGraph, idOrName: string): number {
  const index = graph.lookup.get(idOrName);
  if (index === undefined) throw noSuchContainer(idOrName);
  return index;
}

function containerInfo(graph: CompiledGraph, index: number): ContainerInfo {
  const info: ContainerInfo = { id: graph.ids[index], infra: graph.isInfra[index] === 1, state: stateOf(graph, index) };
  if (graph.names[index] !== undefined) info.name = graph.names[index];
  if (graph.podOf[index] !== -1) info.pod = graph.podIds[graph.podOf[index]];
  if (graph.labels[index] !== undefined) info.labels = { ...graph.labels[index] };
  return info;
}
