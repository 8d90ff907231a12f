/**
 * `podman pod rm -fa && podman rm -fa`, in one call, on a REAL podman: reads the graph from the
 * live service, shows it, and with `--yes` removes everything (all, force), printing each item
 * as it goes and the report at the end.
 *
 *   npm run example:podman                                   # show what would be removed
 *   npm run example:podman -- --yes                          # remove it
 *   npm run example:podman -- unix:///tmp/podman.sock --yes  # on the service at that URL
 *
 * Without a URL it connects where `podman --remote` would (CONTAINER_CONNECTION, CONTAINER_HOST,
 * the default connection, the default socket); when no service answers there, it starts a
 * `podman system service` of its own from the podman on PATH and stops it at the end.
 */
import { ContainerGraph, PodmanRuntime, removeGraph } from 'podgraph';

const args = process.argv.slice(2);
const yes = args.includes('--yes');
const url = args.find((arg) => arg !== '--yes');
const runtime = await PodmanRuntime.connect(url === undefined ? { startService: true } : { url });

try {
  const graph = await ContainerGraph.fromRuntime(runtime);
  const name = (id: string) => graph.container(id)!.name ?? id.slice(0, 12);
  console.log(`podman at ${runtime.url}: ${graph.size} containers in ${graph.podIds().length} pods`);
  for (const id of graph.containerIds()) {
    const { state, pod, infra } = graph.container(id)!;
    const needs = graph.dependenciesOf(id).map(name);
    console.log(
      `  ${name(id).padEnd(24)} ${state.padEnd(8)} ${pod ? `pod ${graph.pod(pod)!.name ?? pod.slice(0, 12)}${infra ? ' (infra)' : ''}` : ''}${needs.length ? `  needs ${needs.join(', ')}` : ''}`,
    );
  }
  if (!yes) {
    console.log('\nNothing removed. Run again with --yes to remove all of it (all, force).');
  } else {
    const started = performance.now();
    const report = await removeGraph(graph, {
      all: true,
      force: true,
      timeout: 0,
      runtime,
      onEvent: (event) => {
        if (event.type === 'start') return;
        const what = event.kind === 'pod' ? `pod ${graph.pod(event.id)!.name ?? event.id}` : name(event.id);
        console.log(`  [${event.done}/${event.total}] ${event.type} ${what}${event.error ? `: ${event.error.message}` : ''}`);
      },
    });
    const failed = [...report.containers, ...report.pods].filter(([, error]) => error !== null);
    console.log(
      `\nRemoved ${report.containers.size + report.pods.size - failed.length} of ${report.containers.size + report.pods.size} items in ${(performance.now() - started).toFixed(0)} ms; ok=${report.ok}`,
    );
    for (const [id, error] of failed) console.log(`  not removed: ${id.slice(0, 12)} ${error!.code}: ${error!.message}`);
    process.exitCode = report.ok ? 0 : 1;
  }
} finally {
  await runtime.close();
}
