/**
 * `podgraph system connection list`: podman 5's command, over the same files
 * (podman-connections.json, then containers.conf's `service_destinations`), with podman 5's
 * columns (Name, URI, Identity, Default, ReadWrite). `--format json` prints podman's JSON.
 */

import { type PodmanConnection, podmanConnections } from '../../index.js';
import { CliError } from '../cli-error.js';
import type { Io } from '../progress.js';

export interface ListFlags {
  format?: string;
  quiet?: boolean;
}

/** podman's tabwriter: columns padded to their widest cell plus 2, at least 12 wide. */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(12, ...rows.map((row) => row[column]!.length + 2)));
  return rows
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join(''))
    .join('\n');
}

export function listConnections(flags: ListFlags, io: Io): number {
  let connections: PodmanConnection[];
  try {
    connections = podmanConnections().connections;
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (flags.quiet === true) {
    for (const connection of connections) io.stdout.write(`${connection.name}\n`);
    return 0;
  }
  if (flags.format === 'json') {
    const json = connections.map((c) => ({
      Name: c.name,
      URI: c.uri,
      Identity: c.identity ?? '',
      IsMachine: c.isMachine,
      Default: c.default,
      ReadWrite: c.readWrite,
    }));
    io.stdout.write(`${JSON.stringify(json, null, 4)}\n`);
    return 0;
  }
  const rows = [
    ['Name', 'URI', 'Identity', 'Default', 'ReadWrite'],
    ...connections.map((c) => [c.name, c.uri, c.identity ?? '', String(c.default), String(c.readWrite)]),
  ];
  io.stdout.write(`${columns(rows)}\n`);
  return 0;
}
