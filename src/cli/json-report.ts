/**
 * `--json`: one JSON object per line on stdout, the `onEvent` stream and then the report. An
 * error is `{code, message}`, plus `rootCause` when it was blocked by another failure: the full
 * cause chain can be as long as a dependency chain, the first failure is what a reader needs.
 */
import type { PodgraphError } from '../errors.js';
import type { RemovalEvent, RemovalReport } from '../removal/report.js';
import { rootCause } from './output.js';

export interface ErrorJson {
  code: string;
  message: string;
  rootCause?: { code: string; message: string };
}

export function errorJson(error: PodgraphError): ErrorJson {
  const json: ErrorJson = { code: error.code, message: error.message };
  const root = rootCause(error);
  if (root !== error) json.rootCause = { code: root.code, message: root.message };
  return json;
}

export function eventJson(event: RemovalEvent, elapsedMs: number): string {
  const { type, kind, id, done, total, inFlight, error, attempt } = event;
  const json: Record<string, unknown> = { type, kind, id, done, total, inFlight, elapsedMs: Math.round(elapsedMs) };
  if (attempt !== undefined) json.attempt = attempt;
  if (error !== undefined) json.error = errorJson(error);
  return JSON.stringify(json);
}

function entries(map: ReadonlyMap<string, PodgraphError | null>): Record<string, ErrorJson | null> {
  const out: Record<string, ErrorJson | null> = {};
  for (const [id, error] of map) out[id] = error === null ? null : errorJson(error);
  return out;
}

export function reportJson(report: RemovalReport, extra: { interrupted: boolean; exitCode: number; elapsedMs: number }): string {
  return JSON.stringify({
    type: 'report',
    ok: report.ok,
    interrupted: extra.interrupted,
    exitCode: extra.exitCode,
    elapsedMs: Math.round(extra.elapsedMs),
    containers: entries(report.containers),
    pods: entries(report.pods),
  });
}
