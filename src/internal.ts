/**
 * The CLI's second door: what it needs from the layers below that a user of the SDK would not
 * (`src/index.ts` is the first). Nothing here is part of the package's public API; a test fails
 * when the CLI imports any other module of another layer (test/architecture.test.ts).
 */
export { resolveRef } from './graph/lookup.js';
export { parsePath } from './graph/spec-path.js';
export { type Csr, depthsOf, topologicalOrder } from './graph/topological-order.js';
export { parseFilters } from './removal/filters.js';
export { DEFAULT_DOCKER_URL, dockerIsConfigured } from './runtime/docker/docker-destination.js';
export { farmConnections, resolveDestination } from './runtime/podman/connection/resolve.js';
export { onPath } from './runtime/podman/own-service.js';
export { environmentOf } from './runtime/service/environment.js';
