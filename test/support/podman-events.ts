/**
 * podman's own record of a removal, as an oracle: the `remove` events of its event log
 * (`GET /libpod/events`, every container and pod removal with podman's nanosecond timestamp),
 * checked against the graph as it was before the removal. Whoever made the calls, podman's
 * timestamps must show dependents gone before what they depend on, members before their pod,
 * and nothing removed twice.
 */
import { request } from 'node:http';
import type { ContainerGraph } from 'podgraph';

export interface RemoveEvent {
  type: 'container' | 'pod';
  id: string;
  name: string;
  /** The pod a container was in ('' outside pods). */
  podId: string;
  timeNano: bigint;
}

/** The `remove` events podman recorded since `since` (a Date), in the order it wrote them. */
export function removeEvents(url: string, since: Date): Promise<RemoveEvent[]> {
  const socketPath = url.replace(/^unix:\/\//, '');
  const filters = encodeURIComponent(JSON.stringify({ event: ['remove'] }));
  // podman takes `since` in seconds; a second before, then filtered to the nanosecond below.
  const from = Math.floor(since.getTime() / 1000) - 1;
  const path = `/v4.0.0/libpod/events?stream=false&since=${from}&filters=${filters}`;
  const sinceNano = BigInt(since.getTime()) * 1_000_000n;
  return new Promise((resolve, reject) => {
    request({ socketPath, path }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${response.statusCode}: ${text}`));
          return;
        }
        const events = text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => ({ line, event: JSON.parse(line) as { Type: string; id: string; Actor: { Attributes: Record<string, string> } } }))
          // Volumes and images have `remove` events too, keyed by name: the rules are about the graph.
          .filter(({ event }) => event.Type === 'container' || event.Type === 'pod')
          .map(({ line, event }): RemoveEvent => {
            return {
              type: event.Type as RemoveEvent['type'],
              id: event.id,
              name: event.Actor.Attributes.name ?? '',
              podId: event.Actor.Attributes.podId ?? '',
              // JSON numbers lose the nanoseconds past 2^53: read the digits as podman wrote them.
              timeNano: BigInt(/"timeNano":(\d+)/.exec(line)?.[1] ?? '0'),
            };
          })
          .filter((event) => event.timeNano >= sinceNano);
        resolve(events);
      });
    })
      .on('error', reject)
      .end();
  });
}

/**
 * What podman's events say against the order rules, for the graph as it was before: each
 * violation as a sentence. Only removed items are judged; a dependent that still exists makes
 * removing its dependency a violation too (podman would have refused it).
 */
export function checkRemoveEvents(graph: ContainerGraph, events: readonly RemoveEvent[]): string[] {
  const out: string[] = [];
  const at = new Map<string, bigint>();
  for (const event of events) {
    const key = `${event.type} ${event.id}`;
    if (at.has(key)) out.push(`podman removed ${key} (${event.name}) twice`);
    else at.set(key, event.timeNano);
  }
  for (const id of graph.containerIds()) {
    const removed = at.get(`container ${id}`);
    if (removed === undefined) continue;
    for (const dependent of graph.dependentsOf(id)) {
      const gone = at.get(`container ${dependent}`);
      if (gone === undefined) out.push(`podman removed container ${id} while its dependent ${dependent} was still there`);
      else if (gone > removed) out.push(`podman removed container ${id} before its dependent ${dependent}`);
    }
  }
  for (const podId of graph.podIds()) {
    const removed = at.get(`pod ${podId}`);
    if (removed === undefined) continue;
    for (const member of graph.pod(podId)!.containers) {
      const gone = at.get(`container ${member}`);
      if (gone === undefined || gone > removed) out.push(`podman removed pod ${podId} before its member ${member}`);
    }
  }
  return out;
}

/** Items a report says removed for which podman recorded no removal (valid when nobody else removes anything). */
export function unrecordedRemovals(
  report: { containers: ReadonlyMap<string, unknown>; pods: ReadonlyMap<string, unknown> },
  events: readonly RemoveEvent[],
): string[] {
  const recorded = new Set(events.map((event) => `${event.type} ${event.id}`));
  const claimed = [
    ...[...report.containers].filter(([, error]) => error === null).map(([id]) => `container ${id}`),
    ...[...report.pods].filter(([, error]) => error === null).map(([id]) => `pod ${id}`),
  ];
  return claimed.filter((key) => !recorded.has(key));
}
