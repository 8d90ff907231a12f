export type { ErrorCode } from './errors.js';
export { ERROR_CODES, isErrorCode, PodgraphError } from './errors.js';
export type { ContainerInfo, GraphlibNodeLabel, PodInfo } from './graph/container-graph.js';
export { ContainerGraph } from './graph/container-graph.js';
export type { ContainerSpec, ContainerState, GraphSource, GraphSpec, ItemKind, PodSpec } from './graph/spec.js';
export { CONTAINER_STATES } from './graph/spec.js';

export type { HostRemoval } from './hosts/remove-on-hosts.js';
export { removeOnHosts } from './hosts/remove-on-hosts.js';
export { LockedMap } from './removal/locked-map.js';
export type { RemoveOptions } from './removal/options.js';
export { defaultConcurrency } from './removal/options.js';
export type { PlannedCall, RemovalPlan } from './removal/removal-plan.js';
export { planRemoval } from './removal/removal-plan.js';
export { removeGraph } from './removal/remove-graph.js';
export type { RemovalEvent, RemovalReport } from './removal/report.js';

export type { DockerDestination, DockerDestinationSource } from './runtime/docker/docker-destination.js';
export type { DockerRuntimeOptions } from './runtime/docker/docker-runtime.js';
export { DockerRuntime } from './runtime/docker/docker-runtime.js';
export { MemoryRuntime } from './runtime/memory/memory-runtime.js';
export type {
  BrokenDependent,
  MemoryRuntimeOptions,
  MemoryRuntimeRules,
  OperationRecord,
  RuntimeCall,
  RuntimeOperation,
} from './runtime/memory/memory-runtime-options.js';
export type {
  DestinationSource,
  PodmanConnection,
  PodmanConnections,
  PodmanDestination,
  PodmanFarm,
} from './runtime/podman/connection/resolve.js';
export { podmanConnections } from './runtime/podman/connection/resolve.js';
export type { PodmanRuntimeOptions } from './runtime/podman/podman-runtime.js';
export { PodmanRuntime } from './runtime/podman/podman-runtime.js';
export type { PodMembersLeft, PodToRemove, RemoveCallOptions, Runtime, RuntimeRetry } from './runtime/runtime.js';
export type { ConnectionEnvironment } from './runtime/service/environment.js';
export type { RetryOptions } from './runtime/service/retry.js';
export type { ServiceInfo, ServiceOptions } from './runtime/service/service-connection.js';
