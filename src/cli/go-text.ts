/**
 * Two pieces of Go that podman's messages show through: `%q` (strconv.Quote), how podman quotes
 * names and flag values, and strconv.ParseInt with base 0, how pflag reads an int flag such as
 * podman 5's `-t, --time`.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** Go's `%q` of a string: printable characters as they are, the rest escaped. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const escaped = ESCAPES[char];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

type GoIntResult = { value: bigint } | { error: 'invalid syntax' | 'value out of range' };

const INT64_MAX = 2n ** 63n - 1n;

/** Go's underscoreOK: `_` only between digits (or after a base prefix), never last. */
function underscoresOk(text: string): boolean {
  let s = text;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-f]/i.test(c))) {
      saw = '0';
    } else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** strconv.ParseInt(text, 0, 64): a sign, then decimal, `0x`, `0o`, `0b` or a leading-`0` octal number, `_` between digits. */
export function parseGoInt(text: string): GoIntResult {
  let s = text;
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) s = s.slice(1);
  if (s === '') return { error: 'invalid syntax' };
  let base = 10n;
  if (s[0] === '0') {
    const prefix = s.length >= 3 ? s[1].toLowerCase() : '';
    if (prefix === 'b' || prefix === 'o' || prefix === 'x') {
      base = prefix === 'b' ? 2n : prefix === 'o' ? 8n : 16n;
      s = s.slice(2);
    } else {
      base = 8n;
      s = s.slice(1);
    }
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const digit = /[0-9]/.test(c) ? BigInt(c) : /[a-z]/i.test(c) ? BigInt(c.toLowerCase().charCodeAt(0) - 87) : -1n;
    if (digit < 0n || digit >= base) return { error: 'invalid syntax' };
    n = n * base + digit;
    // ParseUint stops at the first digit past 64 bits, before any later bad character.
    if (n >= 2n ** 64n) return { error: 'value out of range' };
  }
  if (underscores && !underscoresOk(text)) return { error: 'invalid syntax' };
  if (negative ? n > INT64_MAX + 1n : n > INT64_MAX) return { error: 'value out of range' };
  return { value: negative ? -n : n };
}
