/**
 * Positions in JSON text, for error messages that point at a line: JSON.parse parses, and this
 * scanner runs only when something is wrong, to find where. Node 20's JSON.parse names a
 * position for some syntax errors and none for others; the scanner names one for all.
 * Iterative (an explicit stack), so deep nesting cannot overflow it.
 */

type JsonPath = readonly (string | number)[];

interface TextPosition {
  line: number;
  column: number;
}

interface Frame {
  kind: 'object' | 'array';
  /** The current key (object) or index (array). */
  at: string | number;
}

type Scan = { found: number } | { error: { offset: number; message: string } } | { done: true };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** The first syntax error of `text` (its position and what is wrong), or undefined when it is valid JSON. */
export function findSyntaxError(text: string): { position: TextPosition; message: string } | undefined {
  const result = scan(text, undefined);
  return 'error' in result ? { position: positionAt(text, result.error.offset), message: result.error.message } : undefined;
}

/** Where the value at `path` starts in valid JSON `text`, or undefined when there is no such value. */
export function locatePath(text: string, path: JsonPath): TextPosition | undefined {
  const result = scan(text, path);
  return 'found' in result ? positionAt(text, result.found) : undefined;
}

function describeAt(text: string, i: number): string {
  return i >= text.length ? 'the end of the file' : JSON.stringify(text[i]);
}

function scan(text: string, target: JsonPath | undefined): Scan {
  const stack: Frame[] = [];
  let i = 0;
  let state: 'value' | 'key' | 'after' = 'value';
  const fail = (message: string): Scan => ({ error: { offset: i, message } });
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const atTarget = () => target !== undefined && target.length === stack.length && stack.every((frame, k) => frame.at === target[k]);
  /** Skips a string starting at text[i] === '"'; returns an error message or undefined. */
  const skipString = (): string | undefined => {
    for (i++; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c === 10 || c === 13) return 'string not closed before the end of the line';
      if (c < 32) return 'a control character must be escaped inside a string';
      if (c === 92) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return 'bad \\u escape: four hex digits expected';
          i += 5;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i++;
        } else {
          return `bad escape \\${next ?? ''} in a string`;
        }
      }
    }
    return 'unterminated string';
  };

  for (;;) {
    skipSpace();
    if (state === 'value') {
      if (atTarget()) return { found: i };
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        skipSpace();
        const close = c === '{' ? '}' : ']';
        if (text[i] === close) {
          i++;
          state = 'after';
        } else {
          stack.push({ kind: c === '{' ? 'object' : 'array', at: c === '{' ? '' : 0 });
          state = c === '{' ? 'key' : 'value';
        }
      } else if (c === '"') {
        const problem = skipString();
        if (problem !== undefined) return fail(problem);
        state = 'after';
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail(`bad number`);
        i = NUMBER.lastIndex;
        state = 'after';
      } else {
        const literal = LITERALS.find((word) => text.startsWith(word, i));
        if (literal === undefined) return fail(`expected a value, got ${describeAt(text, i)}${c === ']' ? ' (a trailing comma?)' : ''}`);
        i += literal.length;
        state = 'after';
      }
    } else if (state === 'key') {
      if (text[i] !== '"') {
        return fail(
          `expected a property name in double quotes, got ${describeAt(text, i)}${text[i] === '}' ? ' (a trailing comma?)' : ''}`,
        );
      }
      const start = i;
      const problem = skipString();
      if (problem !== undefined) return fail(problem);
      stack[stack.length - 1].at = JSON.parse(text.slice(start, i)) as string;
      skipSpace();
      if (text[i] !== ':') return fail(`expected ':' after a property name, got ${describeAt(text, i)}`);
      i++;
      state = 'value';
    } else {
      const top = stack.at(-1);
      if (top === undefined) {
        return i < text.length ? fail(`unexpected ${describeAt(text, i)} after the JSON value`) : { done: true };
      }
      const close = top.kind === 'object' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        if (top.kind === 'array') {
          top.at = (top.at as number) + 1;
          state = 'value';
        } else {
          state = 'key';
        }
      } else if (text[i] === close) {
        i++;
        stack.pop();
      } else {
        const what = top.kind === 'object' ? 'a property value' : 'an array element';
        return fail(`expected ',' or '${close}' after ${what}, got ${describeAt(text, i)}`);
      }
    }
  }
}
