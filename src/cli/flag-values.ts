/**
 * The values of the flags, parsed as podman's pflag parses them, with podman's complaints. Apart
 * from the flags' meaning (options.ts), so that building the program loads nothing else.
 */
import { flagValueError } from './cli-error.js';
import { goQuote, parseGoInt } from './go-text.js';

/** `-t, --time`: podman 5's int (pflag: Go's ParseInt, base 0), with podman's complaint. */
export function parseTime(value: string): number {
  const parsed = parseGoInt(value);
  if ('error' in parsed) {
    throw flagValueError(
      `invalid argument ${goQuote(value)} for "-t, --time" flag: strconv.ParseInt: parsing ${goQuote(value)}: ${parsed.error}`,
    );
  }
  return Number(parsed.value);
}

/** `--concurrency`: an integer from 1 up, or `Infinity`. */
export function parseConcurrency(value: string): number {
  if (value === 'Infinity' || value === 'inf') return Infinity;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw flagValueError(`invalid argument "${value}" for "--concurrency" flag: expected an integer from 1 up, or Infinity`);
  }
  return Number(value);
}

/** `--latency`: milliseconds, from 0 up. */
export function parseMilliseconds(value: string): number {
  const ms = Number(value);
  if (value.trim() === '' || !Number.isFinite(ms) || ms < 0) {
    throw flagValueError(`invalid argument "${value}" for "--latency" flag: expected milliseconds from 0 up`);
  }
  return ms;
}

/** commander's collector for a repeatable flag whose every use is one value (pflag's StringArray). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The formats `podgraph graph` draws in. */
export const GRAPH_FORMATS = ['dot', 'mermaid', 'svg', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];
