/**
 * Progress of a removal, on stderr so that stdout stays podman's:
 * - `live` (the default on a terminal): one line redrawn in place, items done / total, calls in
 *   flight, failures, retried attempts, elapsed time; cleared at the end, so what stays on
 *   screen is podman's output.
 * - `plain` (the default on a pipe): a line per settled item, `podgraph: [done/total] ...`, and
 *   one per retried attempt, `podgraph: retrying ...`, saying why.
 * - `none`: nothing but podman's own lines, for a script that parses podman's stderr too.
 * `--json` replaces all of this with one JSON event per line on stdout.
 */
import type { RemovalEvent } from '../index.js';

export const PROGRESS_MODES = ['auto', 'live', 'plain', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** Every removal event, in order. */
  update(event: RemovalEvent): void;
  /** Writes a whole line to `stream` without tearing the live line. */
  line(stream: OutputStream, text: string): void;
  /** Stops redrawing and clears the live line. */
  end(): void;
}

interface ProgressOptions {
  mode: ProgressMode;
  stderr: OutputStream;
  /** How an item is named in progress lines. */
  label: (kind: RemovalEvent['kind'], id: string) => string;
  /** Milliseconds since the removal started. */
  elapsed: () => number;
  /** Redraws of the live line at most this often (ms), and at least this often while it runs. */
  interval?: number;
}

/** `auto` resolved against the terminal. */
export function progressMode(mode: ProgressMode, stderr: OutputStream): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return stderr.isTTY === true ? 'live' : 'plain';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function createProgress(options: ProgressOptions): Progress {
  const mode = progressMode(options.mode, options.stderr);
  const { stderr, label, elapsed } = options;
  let failed = 0;
  let retries = 0;
  let last: RemovalEvent | undefined;
  const count = (event: RemovalEvent) => {
    if (event.type === 'retry') {
      retries++;
      return; // not a settled item: the counts stay those of the last one
    }
    if (event.type === 'failed' && event.error?.code !== 'ABORTED') failed++;
    last = event;
  };

  if (mode === 'none') {
    return { update: count, line: (stream, text) => void stream.write(`${text}\n`), end: () => undefined };
  }

  if (mode === 'plain') {
    return {
      update(event) {
        count(event);
        if (event.type === 'start') return;
        const item = `${event.kind} ${label(event.kind, event.id)}`;
        if (event.type === 'retry') {
          stderr.write(`podgraph: retrying ${item} (attempt ${event.attempt} failed: ${event.error?.message}) (${seconds(elapsed())})\n`);
          return;
        }
        const what =
          event.type === 'removed'
            ? `removed ${item}`
            : event.error?.code === 'ABORTED'
              ? `skipped ${item} (interrupted)`
              : `failed ${item}: ${event.error?.code}`;
        stderr.write(
          `podgraph: [${event.done}/${event.total}] ${what} (${event.inFlight} in flight, ${failed} failed, ${seconds(elapsed())})\n`,
        );
      },
      line: (stream, text) => void stream.write(`${text}\n`),
      end: () => undefined,
    };
  }

  const interval = options.interval ?? 100;
  let shown = false;
  let drawnAt = -Infinity;
  const text = () => {
    const counts = last === undefined ? 'starting' : `${last.done}/${last.total} done, ${last.inFlight} in flight, ${failed} failed`;
    const full = `podgraph: ${counts}${retries > 0 ? `, ${retries} retried` : ''}, ${seconds(elapsed())}`;
    // A terminal may report 0 columns (no size known): then assume 80.
    const width = stderr.columns !== undefined && stderr.columns > 0 ? stderr.columns : 80;
    return full.length < width ? full : full.slice(0, Math.max(0, width - 1));
  };
  const draw = () => {
    stderr.write(`\r\x1b[K${text()}`);
    shown = true;
    drawnAt = elapsed();
  };
  const clear = () => {
    if (shown) stderr.write('\r\x1b[K');
    shown = false;
  };
  // Elapsed time moves on while a slow call (a container given 10 s to stop) holds everything else.
  const ticker = setInterval(draw, Math.max(interval, 250));
  ticker.unref();
  draw();
  return {
    update(event) {
      count(event);
      if (elapsed() - drawnAt >= interval) draw();
    },
    line(stream, line) {
      clear();
      stream.write(`${line}\n`);
      draw();
    },
    end() {
      clearInterval(ticker);
      clear();
    },
  };
}

/** Where a command writes: process.stdout and process.stderr, or a test's buffers. */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
}
