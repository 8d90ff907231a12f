/**
 * `rm --cidfile FILE` and `pod rm --pod-id-file FILE`: the id on a file's first line, read as
 * podman 5 reads it. `rm` reads every file first and fails on the first that cannot be read
 * (`reading CIDFile: open FILE: no such file or directory`), skipping a missing one only with an
 * explicit `-i` (`-f` implies `-i` only after the files were read). `pod rm` takes each file on
 * its own: one that cannot be read is an error among the others, and a file whose pod was
 * removed is deleted. An empty file gives an empty id, which the names check refuses (`name or ID
 * cannot be empty`), `-i` or not, as podman does.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import type { ItemKind } from '../index.js';

/** Go's os error text for a failed file operation (`open`, `read`, `remove`), as podman prints it after its prefix. */
function goFileError(op: string, file: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `${op} ${file}: no such file or directory`;
    case 'EACCES':
      return `${op} ${file}: permission denied`;
    case 'EISDIR':
      return `read ${file}: is a directory`;
    default:
      return `${op} ${file}: ${error.message}`;
  }
}

export type IdFileRead = { id: string } | { error: string; missing: boolean };

/** The first line of `file`, or podman's words for why it could not be read (`missing`: no such file). */
export function readIdFile(kind: ItemKind, file: string): IdFileRead {
  try {
    return { id: readFileSync(file, 'utf8').split('\n')[0] };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    const prefix = kind === 'pod' ? 'reading pod ID file' : 'reading CIDFile';
    return { error: `${prefix}: ${goFileError('open', file, failure)}`, missing: failure.code === 'ENOENT' };
  }
}

/** Deletes an id file whose pod was removed (podman 5's os.Remove); podman's words for why not, else undefined. */
export function deleteIdFile(file: string): string | undefined {
  try {
    unlinkSync(file);
    return undefined;
  } catch (error) {
    return goFileError('remove', file, error as NodeJS.ErrnoException);
  }
}
