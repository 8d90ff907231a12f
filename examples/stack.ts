import type { GraphSpec } from 'podgraph';

/**
 * A small host as `podman ps -a --pod` would show it: three pods with infra containers, and
 * standalone containers tied by `--requires` and `--network container:`, in mixed states.
 */
export const stack: GraphSpec = {
  pods: [{ id: 'shop' }, { id: 'blog' }, { id: 'metrics' }],
  containers: [
    { id: 'shop-infra', pod: 'shop', infra: true, state: 'running' },
    { id: 'shop-db', pod: 'shop', state: 'running' },
    { id: 'shop-cache', pod: 'shop', state: 'running' },
    { id: 'shop-api', pod: 'shop', state: 'running', dependsOn: ['shop-db', 'shop-cache'] },
    { id: 'shop-web', pod: 'shop', state: 'running', dependsOn: ['shop-api'] },
    { id: 'blog-infra', pod: 'blog', infra: true, state: 'running' },
    { id: 'blog-mysql', pod: 'blog', state: 'exited' },
    { id: 'blog-wordpress', pod: 'blog', state: 'exited', dependsOn: ['blog-mysql'] },
    { id: 'metrics-infra', pod: 'metrics', infra: true, state: 'running' },
    { id: 'prometheus', pod: 'metrics', state: 'running' },
    { id: 'grafana', pod: 'metrics', state: 'paused', dependsOn: ['prometheus'] },
    { id: 'registry', state: 'running' },
    { id: 'builder', state: 'exited', dependsOn: ['registry'] },
    { id: 'ci-runner', state: 'created', dependsOn: ['builder'] },
    { id: 'vpn', state: 'running' },
    { id: 'vpn-client', state: 'running', dependsOn: ['vpn'] },
  ],
};
