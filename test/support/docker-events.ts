/**
 * Docker's own record of a removal, judged against the graph as it was before: every container
 * destroyed before one that depended on it left that dependent broken for a while (running
 * without its network namespace, its link or its volumes' owner; a compose service before the
 * one that waits for it), and one destroyed while a dependent stayed left it broken for good.
 */
import type { ContainerGraph } from 'podgraph';
import type { DestroyEvent } from './docker-sandbox.ts';

/** A dependent whose dependency Docker destroyed first (or while it stayed), by name. */
export interface Broken {
  container: string;
  lost: string;
}

/** Each edge of `graph` that `events` (Docker's destroy events) ran the wrong way round. */
export function brokenByEvents(graph: ContainerGraph, events: readonly DestroyEvent[]): Broken[] {
  const at = new Map<string, bigint>();
  for (const event of events) if (!at.has(event.id)) at.set(event.id, event.timeNano);
  const name = (id: string) => graph.container(id)?.name ?? id;
  const out: Broken[] = [];
  for (const id of graph.containerIds()) {
    const removed = at.get(id);
    if (removed === undefined) continue;
    for (const dependent of graph.dependentsOf(id)) {
      const gone = at.get(dependent);
      if (gone === undefined || gone > removed) out.push({ container: name(dependent), lost: name(id) });
    }
  }
  return out.sort((a, b) => `${a.container} ${a.lost}`.localeCompare(`${b.container} ${b.lost}`));
}
