import { PodgraphError } from '../../errors.js';
import type { ItemKind } from '../../graph/spec.js';
import { codeOf } from '../service/refusal-codes.js';
import { errorText } from '../service/service-client.js';

/**
 * A PodgraphError for a failed request: podman's own message for the codes podgraph shares with it,
 * and the URL, request and HTTP status as well for RUNTIME, whose reader needs to know where.
 */
export function podmanError(kind: ItemKind, where: string, status: number, body: unknown, url?: string): PodgraphError {
  const text = errorText(body);
  const code = codeOf(kind, status, text);
  if (code !== 'RUNTIME') return new PodgraphError(code, text);
  return new PodgraphError(code, `${where}: HTTP ${status}: ${text}`, url === undefined ? undefined : { url });
}

/**
 * podman's answers that mean "not now" rather than "no": worth another attempt. Found by trying
 * podman 4.3.1 under load (two removals of the same 36 running containers at unbounded
 * concurrency, with `podman ps` and API inspects alongside): removals answered only what they
 * should (removed, or 404 for the loser of a race), BoltDB waits for its lock rather than timing
 * out, and the one transient answer was a list that raced a removal: HTTP 500 "container ID does
 * not exist in database: no such container" (or "no such pod") for the whole list.
 */
export function busyAnswer(status: number, body: unknown, listing: boolean): string | undefined {
  if (status !== 500 || !listing) return undefined;
  const text = errorText(body);
  return /no such (container|pod)/.test(text) ? text : undefined;
}
