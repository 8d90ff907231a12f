/**
 * podman's connection flags (`-c/--connection`, `--url`, `-H/--host`, `--identity`) and
 * `--farm`: where a command connects, resolved as `podman --remote` resolves it. Several `-c`,
 * or a farm, name several hosts: `rm` and `pod rm` then remove on all of them at once.
 */

import { type PodmanRuntimeOptions, podmanConnections } from '../index.js';
import { farmConnections } from '../internal.js';
import { CliError } from './cli-error.js';
import type { ConnectionFlags } from './connection-options.js';

export type { ConnectionFlags } from './connection-options.js';

/** One runtime's options from the flags, or a CliError for flags that do not go together. */
export function runtimeOptionsOf(flags: ConnectionFlags): PodmanRuntimeOptions {
  if ((flags.connection?.length ?? 0) > 1 || flags.farm !== undefined) {
    throw new CliError('several connections (repeated -c, or --farm) work with rm and pod rm only');
  }
  if (flags.context !== undefined && (flags.connection !== undefined || flags.url !== undefined || flags.host !== undefined)) {
    throw new CliError('--context names a docker context: it cannot be used with -c, --url or -H');
  }
  const options: PodmanRuntimeOptions = {};
  const connection = flags.connection?.[0];
  if (connection !== undefined) options.connection = connection;
  const url = flags.url ?? flags.host;
  if (url !== undefined) options.url = url;
  if (flags.identity !== undefined) options.identity = flags.identity;
  return options;
}

/** The connection names a multi-host run removes on (several `-c`, or `--farm`), or undefined for one host. */
export function hostNamesOf(flags: ConnectionFlags): string[] | undefined {
  const named = flags.connection ?? [];
  if (flags.farm === undefined && named.length <= 1) return undefined;
  if (flags.url !== undefined || flags.host !== undefined)
    throw new CliError('--url / --host name one host: they cannot be used with several connections');
  const names = [...named];
  if (flags.farm !== undefined) {
    try {
      names.push(...farmConnections(podmanConnections(), flags.farm).connections.map((connection) => connection.name));
    } catch (error) {
      throw new CliError(`--farm: ${(error as Error).message}`);
    }
  }
  const unique = [...new Set(names)];
  if (unique.length === 0) throw new CliError(`--farm ${flags.farm} has no connections`);
  return unique;
}

/** The first connection flag given, for messages (they do not go with --spec); undefined without any. */
export function anyConnectionFlag(flags: ConnectionFlags): string | undefined {
  if ((flags.connection?.length ?? 0) > 0) return '--connection';
  if (flags.url !== undefined) return '--url';
  if (flags.host !== undefined) return '--host';
  if (flags.farm !== undefined) return '--farm';
  if (flags.context !== undefined) return '--context';
  if (flags.identity !== undefined) return '--identity';
  return undefined;
}
