/**
 * `rm --cidfile FILE` and `pod rm --pod-id-file FILE`: the id on a file's first line, read as
 * podman 4.3 reads it. A file that cannot be read is an error even with `-i` (podman's
 * `reading CIDFile: open FILE: no such file or directory`); an empty one gives an empty id,
 * which the names check refuses (`name or ID cannot be empty`), `-i` or not, as podman does.
 */
import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.js';
import type { TargetKind } from './options.js';

/** Go's os error text for a failed open or read, which podman prints after its prefix. */
function goFileError(file: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `open ${file}: no such file or directory`;
    case 'EACCES':
      return `open ${file}: permission denied`;
    case 'EISDIR':
      return `read ${file}: is a directory`;
    default:
      return `open ${file}: ${error.message}`;
  }
}

/** The first line of each file, in order. */
export function readIdFiles(kind: TargetKind, files: readonly string[]): string[] {
  const prefix = kind === 'pod' ? 'reading pod ID file' : 'reading CIDFile';
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`${prefix}: ${goFileError(file, error as NodeJS.ErrnoException)}`);
    }
    return text.split('\n')[0];
  });
}
