/**
 * What a reference names, as podman's lookups find it (libpod's LookupContainer / LookupPod, and
 * Docker's): an exact id or name, else the one id it is a prefix of. Written once for the filters,
 * the CLI's targets and DockerRuntime's references.
 */

/** The index a reference names; `ambiguous` when it is a prefix of several ids and neither an id nor a name. */
type Resolved = number | 'ambiguous' | undefined;

/**
 * `exact` maps ids and names to indices; `ids` are the ids by index. `prefixes`: `any` (podman's
 * lookups), `hex` (a CLI where a word that is not hex is a name, never a prefix), or `none`.
 */
export function resolveRef(
  exact: ReadonlyMap<string, number>,
  ids: readonly string[],
  ref: string,
  prefixes: 'any' | 'hex' | 'none' = 'any',
): Resolved {
  const found = exact.get(ref);
  if (found !== undefined || ref === '' || prefixes === 'none' || (prefixes === 'hex' && !/^[0-9a-f]+$/.test(ref))) return found;
  let match: number | undefined;
  for (let i = 0; i < ids.length; i++) {
    if (!ids[i]!.startsWith(ref)) continue;
    if (match !== undefined) return 'ambiguous';
    match = i;
  }
  return match;
}
