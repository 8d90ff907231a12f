import { type ErrorCode, PodgraphError } from '../../errors.js';
import { errorText } from '../service/service-client.js';

export type PodmanItemKind = 'container' | 'pod';

/**
 * podman's sentences for SPEC's codes. podman answers every error but "absent" with HTTP 500, so
 * the code lies in the text: a short `cause` for most, a whole sentence for the infra container,
 * and "N errors occurred: ..." with the members' sentences inside for a pod.
 */
const SENTENCES: ReadonlyArray<readonly [ErrorCode, RegExp]> = [
  ['INFRA_CTR', /is the infra container of pod .* cannot be removed without removing the pod/],
  ['CTR_STATE_INVALID', /container state improper/],
  ['CTR_EXISTS', /container already exists|has dependent containers which must be removed before it/],
];

const GONE: Record<PodmanItemKind, { code: ErrorCode; text: RegExp }> = {
  container: { code: 'NO_SUCH_CTR', text: /no such container|container has already been removed/ },
  pod: { code: 'NO_SUCH_POD', text: /no such pod|pod already removed/ },
};

/** The code for podman's error text about an item of this kind: RUNTIME when it is none of SPEC's. */
export function codeOf(kind: PodmanItemKind, status: number, text: string): ErrorCode {
  if (status === 404 || GONE[kind].text.test(text)) return GONE[kind].code;
  for (const [code, sentence] of SENTENCES) if (sentence.test(text)) return code;
  return 'RUNTIME';
}

/**
 * A PodgraphError for a failed request: podman's own message for the codes it shares with SPEC,
 * and the URL, request and HTTP status as well for RUNTIME, whose reader needs to know where.
 */
export function podmanError(kind: PodmanItemKind, where: string, status: number, body: unknown): PodgraphError {
  const text = errorText(body);
  const code = codeOf(kind, status, text);
  const message = code === 'RUNTIME' ? `${where}: HTTP ${status}: ${text}` : text;
  return new PodgraphError(code, message);
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
