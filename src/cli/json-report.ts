/**
 * `--json`: one JSON object per line on stdout, the `onEvent` stream and then the report. An
 * error is `{code, message}`, plus `rootCause` when it was blocked by another failure: the full
 * cause chain can be as long as a dependency chain, the first failure is what a reader needs.
 */
import type { PodgraphError } from '../errors.js';
import type { RemovalEvent, RemovalReport } from '../index.js';
import { rootCause } from './output.js';
import type { SourceJson } from './source.js';

interface ErrorJson {
  code: string;
  message: string;
  rootCause?: { code: string; message: string };
}

function errorJson(error: PodgraphError): ErrorJson {
  const json: ErrorJson = { code: error.code, message: error.message };
  const root = rootCause(error);
  // A cause chain never repeats a message: a runtime's answer carried as the cause says the same.
  if (root !== error && root.message !== error.message) json.rootCause = { code: root.code, message: root.message };
  return json;
}

export function eventJson(event: RemovalEvent, elapsedMs: number): string {
  const { type, kind, id, name, done, total, inFlight, error, attempt } = event;
  const json: Record<string, unknown> = { type, kind, id };
  if (name !== undefined) json.name = name;
  Object.assign(json, { done, total, inFlight, elapsedMs: Math.round(elapsedMs) });
  if (attempt !== undefined) json.attempt = attempt;
  if (error !== undefined) json.error = errorJson(error);
  return JSON.stringify(json);
}

function entries(map: ReadonlyMap<string, PodgraphError | null>): Record<string, ErrorJson | null> {
  const out: Record<string, ErrorJson | null> = {};
  for (const [id, error] of map) out[id] = error === null ? null : errorJson(error);
  return out;
}

/** The report line: how the removal ended, each item's entry, the items' names, and where it ran (`source`). */
export function reportJson(
  report: RemovalReport,
  extra: { interrupted: boolean; exitCode: number; elapsedMs: number; source: SourceJson | undefined },
): string {
  return JSON.stringify({
    type: 'report',
    ok: report.ok,
    interrupted: extra.interrupted,
    exitCode: extra.exitCode,
    elapsedMs: Math.round(extra.elapsedMs),
    ...(extra.source === undefined ? {} : { source: extra.source }),
    containers: entries(report.containers),
    pods: entries(report.pods),
    names: Object.fromEntries(report.names),
  });
}

/** The report line of a command refused before any removal: it carries the error, and nothing was removed. */
export function refusedReportJson(message: string, code: string, exitCode: number, source: SourceJson | undefined): string {
  return JSON.stringify({
    type: 'report',
    ok: false,
    interrupted: false,
    exitCode,
    ...(source === undefined ? {} : { source }),
    error: { code, message },
    containers: {},
    pods: {},
    names: {},
  });
}
