/**
 * The layers of src/ and which way they point (docs/architecture.md): cli -> removal ->
 * runtime and graph, each file importing only from its own layer, a lower one, or the shared
 * leaves (errors, messages, glob); the CLI through two doors only, the package's own entry and
 * one small internal one. And no import cycle, type-only imports included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Each source file (relative to src/) with the src/ files it imports, statically or as types. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((match) =>
      relative(SRC, resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

const layerOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : 'root');

/** What each layer may import besides itself and the shared leaves. */
const ALLOWED: Record<string, readonly string[]> = {
  graph: [],
  runtime: ['graph'],
  removal: ['graph', 'runtime'],
  hosts: ['graph', 'runtime', 'removal'],
};
const LEAVES = new Set(['errors.ts', 'messages.ts', 'glob.ts']);
/** The CLI's two doors: the package's entry, and what it needs that a user would not. */
const CLI_DOORS = new Set(['index.ts', 'internal.ts']);

test('layers point one way, and the CLI comes in through its two doors', () => {
  const wrong: string[] = [];
  for (const [file, targets] of importGraph()) {
    const layer = layerOf(file);
    for (const target of targets) {
      const targetLayer = layerOf(target);
      if (targetLayer === layer || LEAVES.has(target)) continue;
      if (layer === 'cli') {
        if (!CLI_DOORS.has(target)) wrong.push(`${file} -> ${target}`);
      } else if (layer === 'root') {
      } else if (!ALLOWED[layer]?.includes(targetLayer)) {
        wrong.push(`${file} -> ${target}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});

test('no import cycle in src/, type-only imports included', () => {
  const graph = importGraph();
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  // Iterative depth-first search with an explicit stack; a back edge closes a cycle.
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const stack: { file: string; next: number; path: string[] }[] = [{ file: start, next: 0, path: [start] }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = graph.get(top.file) ?? [];
      if (top.next >= targets.length) {
        state.set(top.file, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++]!;
      if (state.get(target) === 'open') cycles.push([...top.path.slice(top.path.indexOf(target)), target].join(' -> '));
      else if (!state.has(target) && graph.has(target)) {
        state.set(target, 'open');
        stack.push({ file: target, next: 0, path: [...top.path, target] });
      }
    }
  }
  expect(cycles).toEqual([]);
});
