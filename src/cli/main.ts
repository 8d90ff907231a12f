#!/usr/bin/env node
/** The `podgraph` executable (the package's bin, compiled to dist/cli/main.js). */
import { runCli } from './program.js';

// A reader that goes away (`podgraph rm -fa | head -1`) must not stop a removal halfway: past a
// broken pipe, output to that stream is dropped and the removal runs to its end.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
