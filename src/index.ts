export { ERROR_CODES, PodgraphError } from './errors.ts';
export type { ErrorCode } from './errors.ts';

export { ContainerGraph } from './graph/container-graph.ts';
export type { ContainerInfo, GraphlibNodeLabel, PodInfo } from './graph/container-graph.ts';
export { CONTAINER_STATES } from './graph/spec.ts';
export type { ContainerSpec, ContainerState, GraphSpec, PodSpec } from './graph/spec.ts';

export { LockedMap } from './removal/locked-map.ts';
export { defaultConcurrency } from './removal/options.ts';
export type { RemoveOptions } from './removal/options.ts';
export { removeGraph } from './removal/remove-graph.ts';
export type { RemovalEvent, RemovalReport } from './removal/report.ts';

export { MemoryRuntime } from './runtime/memory/memory-runtime.ts';
export type { MemoryRuntimeOptions, OperationRecord, RuntimeCall, RuntimeOperation } from './runtime/memory/memory-runtime-options.ts';
export type { RemoveCallOptions, Runtime } from './runtime/runtime.ts';
export { PodmanRuntime } from './runtime/podman/podman-runtime.ts';
export type { PodmanRuntimeOptions } from './runtime/podman/podman-runtime.ts';
