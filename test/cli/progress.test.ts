/** The progress display on fake streams: the live line on a terminal, plain lines, nothing on a pipe. */

import { PodgraphError, type RemovalEvent } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { createProgress, type OutputStream, progressMode } from '../../src/cli/progress.ts';

function stream(isTTY: boolean): OutputStream & { text: string } {
  return {
    isTTY,
    columns: 200,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

const event = (type: RemovalEvent['type'], id: string, done: number, inFlight: number, error?: PodgraphError): RemovalEvent => ({
  type,
  kind: 'container',
  id,
  done,
  total: 4,
  inFlight,
  ...(error ? { error } : {}),
});

function drive(mode: 'live' | 'plain' | 'none') {
  const stderr = stream(mode === 'live');
  const stdout = stream(false);
  let now = 0;
  const progress = createProgress({ mode, stderr, label: (_, id) => id.toUpperCase(), elapsed: () => now, interval: 0 });
  progress.update(event('start', 'a', 0, 1));
  progress.update({
    ...event('retry', 'a', 0, 1, new PodgraphError('RUNTIME', 'podman service at unix:///s: DELETE /c/a: connection refused')),
    attempt: 1,
  });
  now = 1500;
  progress.update(event('removed', 'a', 1, 0));
  progress.line(stdout, 'a');
  progress.update(event('failed', 'b', 2, 0, new PodgraphError('CTR_STATE_INVALID', 'running')));
  progress.update(event('failed', 'c', 3, 0, new PodgraphError('ABORTED', 'not attempted')));
  progress.end();
  return { stderr: stderr.text, stdout: stdout.text };
}

describe('progress', () => {
  test('auto: live on a terminal, plain lines on a pipe', () => {
    expect(progressMode('auto', { write: () => true, isTTY: true })).toBe('live');
    expect(progressMode('auto', { write: () => true })).toBe('plain');
    expect(progressMode('plain', { write: () => true, isTTY: true })).toBe('plain');
  });

  test('live: one line redrawn in place with done/total, in flight, failures (aborts are not failures), elapsed; cleared at the end', () => {
    const { stderr, stdout } = drive('live');
    expect(stdout).toBe('a\n');
    const frames = stderr.split('\r\x1b[K');
    expect(frames).toContain('podgraph: 1/4 done, 0 in flight, 0 failed, 1 retried, 1.5s');
    expect(frames).toContain('podgraph: 3/4 done, 0 in flight, 1 failed, 1 retried, 1.5s');
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(stderr).not.toContain('\n');
  });

  test('live on a terminal that reports no size (0 columns) still shows the line', () => {
    const stderr = { ...stream(true), columns: 0 };
    const progress = createProgress({ mode: 'live', stderr, label: (_, id) => id, elapsed: () => 0 });
    progress.end();
    expect(stderr.text).toBe('\r\x1b[Kpodgraph: starting, 0.0s\r\x1b[K');
  });

  test('plain: a line per settled item, and one per retried attempt saying why', () => {
    expect(drive('plain').stderr).toBe(
      [
        'podgraph: retrying container A (attempt 1 failed: podman service at unix:///s: DELETE /c/a: connection refused) (0.0s)',
        'podgraph: [1/4] removed container A (0 in flight, 0 failed, 1.5s)',
        'podgraph: [2/4] failed container B: CTR_STATE_INVALID (0 in flight, 1 failed, 1.5s)',
        'podgraph: [3/4] skipped container C (interrupted) (0 in flight, 1 failed, 1.5s)',
        '',
      ].join('\n'),
    );
  });

  test("none: podman's lines only", () => {
    expect(drive('none')).toEqual({ stderr: '', stdout: 'a\n' });
  });
});
