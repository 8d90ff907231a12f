/**
 * podman's sentences for podgraph's error codes, read wherever podman answers: its libpod API and its
 * Docker-compatible one (where DockerRuntime meets them). podman answers every error but
 * "absent" with HTTP 500, so the code lies in the text: a short `cause` for most, a whole sentence
 * for the infra container, and "N errors occurred: ..." with the members' sentences inside for a pod.
 */
import type { ErrorCode } from '../../errors.js';
import type { ItemKind } from '../../graph/spec.js';

const SENTENCES: ReadonlyArray<readonly [ErrorCode, RegExp]> = [
  ['INFRA_CTR', /is the infra container of pod .* cannot be removed without removing the pod/],
  ['CTR_STATE_INVALID', /container state improper/],
  ['CTR_EXISTS', /container already exists|has dependent containers which must be removed before it/],
];

const GONE: Record<ItemKind, { code: ErrorCode; text: RegExp }> = {
  container: { code: 'NO_SUCH_CTR', text: /no such container|container has already been removed/ },
  pod: { code: 'NO_SUCH_POD', text: /no such pod|pod already removed/ },
};

/** The code for podman's error text about an item of this kind: RUNTIME when it is none of podgraph's. */
export function codeOf(kind: ItemKind, status: number, text: string): ErrorCode {
  if (status === 404 || GONE[kind].text.test(text)) return GONE[kind].code;
  for (const [code, sentence] of SENTENCES) if (sentence.test(text)) return code;
  return 'RUNTIME';
}
