/**
 * Shell-style patterns as regular expressions, written once: Go's `filepath.Match` (podman's
 * label filters: `*`, `?`, `[...]` classes with `^` negation and ranges, `\` escapes) and
 * OpenSSH's host patterns (`*` and `?` only; `[` is literal there, as in `[host]:port`).
 */

/** `pattern` as a regular expression's source, whole, in the given dialect. */
export function globSource(pattern: string, dialect: 'go' | 'ssh'): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (dialect === 'go' && c === '\\' && i + 1 < pattern.length) source += escaped(pattern[++i]!);
    else if (dialect === 'go' && c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) return '(?!)'; // Go: ErrBadPattern, which matches nothing
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else source += escaped(c);
  }
  return source;
}

function escaped(c: string): string {
  return c.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}
