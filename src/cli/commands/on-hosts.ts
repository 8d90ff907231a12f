/**
 * One command on several podman connections at once (`rm -fa -c web1 -c web2`, `--farm NAME`):
 * each host its own graph, runtime and concurrency bound, all in parallel, every output line
 * prefixed with the connection's name (a JSON line gets a `connection` field instead), one exit
 * code: the worst. Hosts share nothing: podman has no dependencies across hosts.
 */
import { extname } from 'node:path';
import { CliError, EXIT } from '../cli-error.js';
import type { RemoveFlags } from '../options.js';
import type { Io, OutputStream } from '../progress.js';

/** A stream that writes whole lines to `target`, each through `line`. */
class LineStream implements OutputStream {
  #partial = '';
  readonly #target: OutputStream;
  readonly #line: (text: string) => string;

  constructor(target: OutputStream, line: (text: string) => string) {
    this.#target = target;
    this.#line = line;
  }

  write(text: string): boolean {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop()!;
    for (const part of parts) this.#target.write(`${this.#line(part)}\n`);
    return true;
  }

  flush(): void {
    if (this.#partial !== '') this.#target.write(`${this.#line(this.#partial)}\n`);
    this.#partial = '';
  }
}

function prefixer(host: string, json: boolean): (text: string) => string {
  return (text) => (json && text.startsWith('{') ? `{"connection":${JSON.stringify(host)},${text.slice(1)}` : `[${host}] ${text}`);
}

/** The flags of one host's run: its connection only, and outputs that cannot collide. */
function hostFlags(flags: RemoveFlags, host: string): RemoveFlags {
  const own: RemoveFlags = { ...flags, connection: [host] };
  delete own.farm;
  // A live progress line cannot be shared; plain lines are prefixed like the rest.
  if (own.progress === 'live') own.progress = 'plain';
  if (own.reportSvg !== undefined) {
    const extension = extname(own.reportSvg);
    own.reportSvg = `${own.reportSvg.slice(0, own.reportSvg.length - extension.length)}-${host.replace(/[^\w.-]/g, '_')}${extension}`;
  }
  return own;
}

/** Runs `command` on every host at once; resolves with the worst exit code (130 > 125 > 2 > 1 > 0). */
export async function runOnHosts(
  hosts: readonly string[],
  flags: RemoveFlags,
  io: Io,
  command: (flags: RemoveFlags, io: Io) => Promise<number>,
): Promise<number> {
  const json = flags.json === true;
  const codes = await Promise.all(
    hosts.map(async (host) => {
      const stdout = new LineStream(io.stdout, prefixer(host, json));
      const stderr = new LineStream(io.stderr, prefixer(host, false));
      try {
        return await command(hostFlags(flags, host), { stdout, stderr });
      } catch (error) {
        stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
        return error instanceof CliError ? error.exitCode : EXIT.other;
      } finally {
        stdout.flush();
        stderr.flush();
      }
    }),
  );
  return Math.max(...codes);
}
