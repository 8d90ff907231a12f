/**
 * podman's connection flags as commander options (`-c/--connection`, `--url`'s siblings
 * `-H/--host`, `--identity`, `--farm`); what they mean is `connection-flags.ts`'s. Apart, so that
 * building the program loads no connection resolution.
 */
import { type Command, Option } from 'commander';

export interface ConnectionFlags {
  url?: string;
  connection?: string[];
  host?: string;
  identity?: string;
  farm?: string;
  context?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds the flags; `hosts` also adds `--farm` and lets `-c` repeat (commands that remove). */
export function connectionFlags(command: Command, hosts: boolean): Command {
  command
    .addOption(
      new Option(
        '-c, --connection <name>',
        hosts
          ? 'podman connection to use (podgraph system connection list); repeat it to remove on several hosts at once'
          : 'podman connection to use (podgraph system connection list)',
      ).argParser(collect),
    )
    .option('--context <name>', 'docker context to use (docker context ls): work on that Docker Engine')
    .option('-H, --host <url>', 'API service URL, as --url (docker-style)')
    .option('--identity <file>', "ssh private key for ssh:// (default: the connection's, $CONTAINER_SSHKEY, else ssh-agent)");
  if (hosts)
    command.option('--farm <name>', 'remove on every connection of this farm (podman-connections.json Farm, containers.conf [farms])');
  return command;
}
