/**
 * The part of TOML that containers.conf files use: tables (`[a.b."c d"]`), arrays of tables,
 * dotted and quoted keys, strings (basic, literal, multi-line), numbers, booleans, arrays over
 * several lines and inline tables. Dates are kept as their text. A syntax error names the file
 * and line: podman refuses such a file too, and a guess here would connect somewhere else.
 */
import { invalidArg } from '../../../errors.js';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export function parseToml(text: string, file: string): TomlTable {
  return new TomlReader(text, file).document();
}

const BARE_KEY = /[A-Za-z0-9_-]/;

class TomlReader {
  readonly #text: string;
  readonly #file: string;
  #at = 0;

  constructor(text: string, file: string) {
    this.#text = text.replace(/^\uFEFF/, '');
    this.#file = file;
  }

  document(): TomlTable {
    const root: TomlTable = {};
    let table = root;
    for (;;) {
      this.#skipBlankAndComments(true);
      if (this.#at >= this.#text.length) return root;
      if (this.#text[this.#at] === '[') {
        const arrayOfTables = this.#text.startsWith('[[', this.#at);
        this.#at += arrayOfTables ? 2 : 1;
        const path = this.#keyPath();
        this.#expect(arrayOfTables ? ']]' : ']');
        table = arrayOfTables ? this.#appendTable(root, path) : this.#table(root, path);
      } else {
        const path = this.#keyPath();
        this.#expect('=');
        const value = this.#value();
        const parent = this.#table(table, path.slice(0, -1));
        parent[path.at(-1)!] = value;
      }
      this.#endOfLine();
    }
  }

  #fail(what: string): never {
    const line = this.#text.slice(0, this.#at).split('\n').length;
    throw invalidArg(`cannot read ${this.#file}: line ${line}: ${what}`);
  }

  #skipSpaces(): void {
    while (this.#text[this.#at] === ' ' || this.#text[this.#at] === '\t') this.#at++;
  }

  /** Spaces, comments and (with `newlines`) line breaks. */
  #skipBlankAndComments(newlines: boolean): void {
    for (;;) {
      this.#skipSpaces();
      const c = this.#text[this.#at];
      if (c === '#') {
        while (this.#at < this.#text.length && this.#text[this.#at] !== '\n') this.#at++;
      } else if (newlines && (c === '\n' || c === '\r')) {
        this.#at++;
      } else {
        return;
      }
    }
  }

  #endOfLine(): void {
    this.#skipBlankAndComments(false);
    const c = this.#text[this.#at];
    if (c === undefined) return;
    if (c === '\n' || (c === '\r' && this.#text[this.#at + 1] === '\n')) return;
    this.#fail(`unexpected ${JSON.stringify(c)} after a value`);
  }

  #expect(token: string): void {
    this.#skipSpaces();
    if (!this.#text.startsWith(token, this.#at)) this.#fail(`expected ${JSON.stringify(token)}`);
    this.#at += token.length;
  }

  #keyPath(): string[] {
    const path: string[] = [];
    for (;;) {
      this.#skipSpaces();
      const c = this.#text[this.#at];
      if (c === '"' || c === "'") {
        path.push(this.#string());
      } else {
        const start = this.#at;
        while (this.#at < this.#text.length && BARE_KEY.test(this.#text[this.#at]!)) this.#at++;
        if (this.#at === start) this.#fail('expected a key');
        path.push(this.#text.slice(start, this.#at));
      }
      this.#skipSpaces();
      if (this.#text[this.#at] !== '.') return path;
      this.#at++;
    }
  }

  /** The table at `path` under `root`, made as needed (the last element of an array of tables). */
  #table(root: TomlTable, path: readonly string[]): TomlTable {
    let table = root;
    for (const key of path) {
      let next: TomlValue | undefined = table[key];
      if (next === undefined) table[key] = next = {};
      if (Array.isArray(next)) next = next.at(-1);
      if (typeof next !== 'object' || next === null || Array.isArray(next)) this.#fail(`${path.join('.')} is not a table`);
      table = next;
    }
    return table;
  }

  #appendTable(root: TomlTable, path: readonly string[]): TomlTable {
    const parent = this.#table(root, path.slice(0, -1));
    const key = path.at(-1)!;
    const list = (parent[key] ??= []);
    if (!Array.isArray(list)) this.#fail(`${path.join('.')} is not an array of tables`);
    const table: TomlTable = {};
    list.push(table);
    return table;
  }

  #value(): TomlValue {
    this.#skipSpaces();
    const c = this.#text[this.#at];
    if (c === '"' || c === "'") return this.#string();
    if (c === '[') return this.#array();
    if (c === '{') return this.#inlineTable();
    const match = /^[^\s,\]}#]+/.exec(this.#text.slice(this.#at));
    if (match === null) this.#fail('expected a value');
    const word = match[0];
    this.#at += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    const number = Number(word.replace(/_/g, ''));
    if (!Number.isNaN(number) && /^[+-]?(\d|0x|0o|0b|inf|nan)/.test(word)) return number;
    if (/^\d{4}-\d{2}-\d{2}/.test(word) || /^\d{2}:\d{2}/.test(word)) return word; // a date or time
    this.#fail(`unexpected ${JSON.stringify(word)}`);
  }

  #array(): TomlValue[] {
    this.#at++; // [
    const items: TomlValue[] = [];
    for (;;) {
      this.#skipBlankAndComments(true);
      if (this.#text[this.#at] === ']') {
        this.#at++;
        return items;
      }
      items.push(this.#value());
      this.#skipBlankAndComments(true);
      if (this.#text[this.#at] === ',') this.#at++;
      else if (this.#text[this.#at] !== ']') this.#fail('expected "," or "]" in an array');
    }
  }

  #inlineTable(): TomlTable {
    this.#at++; // {
    const table: TomlTable = {};
    this.#skipSpaces();
    if (this.#text[this.#at] === '}') {
      this.#at++;
      return table;
    }
    for (;;) {
      const path = this.#keyPath();
      this.#expect('=');
      this.#table(table, path.slice(0, -1))[path.at(-1)!] = this.#value();
      this.#skipSpaces();
      const c = this.#text[this.#at++];
      if (c === '}') return table;
      if (c !== ',') this.#fail('expected "," or "}" in an inline table');
    }
  }

  #string(): string {
    const quote = this.#text[this.#at]!;
    const multiline = this.#text.startsWith(quote.repeat(3), this.#at);
    const delimiter = multiline ? quote.repeat(3) : quote;
    this.#at += delimiter.length;
    if (multiline && this.#text[this.#at] === '\n') this.#at++;
    else if (multiline && this.#text.startsWith('\r\n', this.#at)) this.#at += 2;
    let out = '';
    for (;;) {
      if (this.#at >= this.#text.length) this.#fail('unterminated string');
      if (this.#text.startsWith(delimiter, this.#at)) {
        this.#at += delimiter.length;
        return out;
      }
      const c = this.#text[this.#at++]!;
      if (c === '\n' && !multiline) {
        this.#at--;
        this.#fail('unterminated string');
      }
      if (c !== '\\' || quote === "'") {
        out += c;
        continue;
      }
      const escaped = this.#text[this.#at++];
      const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };
      if (escaped !== undefined && escaped in simple) {
        out += simple[escaped];
      } else if (escaped === 'u' || escaped === 'U') {
        const length = escaped === 'u' ? 4 : 8;
        const hex = this.#text.slice(this.#at, this.#at + length);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== length) this.#fail(`bad \\${escaped} escape`);
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        this.#at += length;
      } else if (multiline && (escaped === '\n' || escaped === ' ' || escaped === '\t' || escaped === '\r')) {
        // A line-ending backslash joins lines, eating the whitespace that follows.
        while (/\s/.test(this.#text[this.#at] ?? '')) this.#at++;
      } else {
        this.#fail(`bad escape \\${escaped ?? ''}`);
      }
    }
  }
}
