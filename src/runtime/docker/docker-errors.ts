/**
 * Docker's answers in podgraph's error codes. Docker says 404 for a missing container and 409 for one it
 * will not remove now; the report gives podman's sentence (as every runtime does) with Docker's
 * own message as the cause. podman's Docker-compatible API answers its refusals with HTTP 500 in
 * podman's words, read as PodmanRuntime reads them.
 */
import { PodgraphError } from '../../errors.js';
import { noSuchContainer, stateInvalid } from '../../messages.js';
import { codeOf } from '../service/refusal-codes.js';
import { errorText } from '../service/service-client.js';

/** 409 `removal of container X is already in progress`: someone else is removing it. */
export const IN_PROGRESS = /removal of container .* is already in progress/;

/**
 * 409 for a container Docker will not remove without force, in both generations of its words:
 * 20.10 `You cannot remove a running container <ID>. Stop the container before ...`, 25 and later
 * `cannot remove container "<ID>": container is running: stop the container before removing or force remove`
 * (`paused and must be unpaused first`, `restarting: ...`).
 */
const REFUSED_STATE = /You cannot remove a (running|paused|restarting) container|container is (running|paused|restarting)\b/;

/** The error for a failed request about container `id`; `where` names the daemon and the request, for RUNTIME. */
export function dockerError(id: string, where: string, status: number, body: unknown, url?: string): PodgraphError {
  const text = errorText(body);
  const cause = new Error(`Docker: HTTP ${status}: ${text}`);
  if (status === 404) return withCause(noSuchContainer(id), cause);
  const refused = REFUSED_STATE.exec(text);
  const state = refused?.[1] ?? refused?.[2];
  if (status === 409 && state !== undefined) return withCause(stateInvalid(id, state), cause);
  if (status === 500) {
    const code = codeOf('container', status, text);
    if (code !== 'RUNTIME') return new PodgraphError(code, text, { cause });
  }
  return new PodgraphError('RUNTIME', `${where}: HTTP ${status}: ${text}`, url === undefined ? undefined : { url });
}

function withCause(error: PodgraphError, cause: Error): PodgraphError {
  return new PodgraphError(error.code, error.message, { cause });
}
