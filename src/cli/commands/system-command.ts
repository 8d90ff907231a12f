/** Registers `podgraph system connection list`; the listing (and the connection files it reads) loads only when it runs. */
import { type Command, Option } from 'commander';
import type { Io } from './io.js';
import type { ListFlags } from './system-connection.js';

/** Adds `system connection list` (alias `ls`) to the program; `done` receives the exit code. */
export function systemCommand(program: Command, io: Io, done: (exitCode: number) => void): void {
  const system = program.command('system').description('Manage podman connections: podgraph system connection list');
  const connection = system.command('connection').description("podman's connections: podgraph system connection list");
  connection
    .command('list')
    .alias('ls')
    .description('List the podman connections podgraph can use (-c NAME), marking the default')
    .addOption(new Option('--format <format>', 'json for JSON').choices(['json']))
    .option('-q, --quiet', 'names only')
    .action(async (flags: ListFlags) => {
      done((await import('./system-connection.js')).listConnections(flags, io));
    });
}
