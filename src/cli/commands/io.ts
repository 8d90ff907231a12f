import type { OutputStream } from '../progress.js';

/** Where a command writes: process.stdout and process.stderr, or a test's buffers. */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
}
