/**
 * Names and ids as podman resolves them: an exact id or name, else a unique prefix of an id
 * (`podman rm 3f2a`). podman's ids are hex, so only hex input is taken as a prefix: `rm web`
 * never means `web-1` in a spec file whose ids are words. The removal takes full ids; what the user typed is kept for the output,
 * since podman prints each named target as it was given. A name that resolves to nothing is left
 * for the removal to refuse (or ignore), and `refusalText` to word.
 */
import type { ContainerGraph } from '../index.js';
import { CliError } from './cli-error.js';
import type { Dialect } from './dialect.js';

export interface Targets {
  /** Full ids where resolved; unresolved names as given, for the removal to refuse or ignore. */
  refs: string[];
  /** Full id -> the name or id as the user typed it (the first time). */
  typed: Map<string, string>;
}

export function resolveTargets(graph: ContainerGraph, kind: 'container' | 'pod', names: readonly string[], dialect: Dialect): Targets {
  const refs: string[] = [];
  const typed = new Map<string, string>();
  const ids = kind === 'container' ? graph.containerIds() : graph.podIds();
  for (const name of names) {
    if (name === '') throw new CliError('name or ID cannot be empty');
    const exact = kind === 'container' ? graph.container(name)?.id : graph.pod(name)?.id;
    let id = exact;
    if (id === undefined && /^[0-9a-f]+$/.test(name)) {
      const matches = ids.filter((candidate) => candidate.startsWith(name));
      if (matches.length > 1) throw new CliError(dialect.ambiguous(kind, name));
      id = matches[0];
    }
    refs.push(id ?? name);
    if (id !== undefined && !typed.has(id)) typed.set(id, name);
  }
  return { refs, typed };
}
