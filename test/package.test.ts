/**
 * The compiled package (dist/, built by the global setup) as a library user loads it: the SDK's
 * import graph reaches none of the CLI's dependencies, and it loads under `require()`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const ENTRY = resolve(DIST, 'index.js');

/**
 * Specifiers of a module's static imports and re-exports (`import ... from`, `import '...'`,
 * `export ... from`), as tsc emits them: each statement starts a line. Dynamic `import()` is left
 * out on purpose: it loads nothing until called.
 */
function staticSpecifiers(source: string): string[] {
  const statement = /^(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
  return [...source.matchAll(statement)].map((match) => match[1]!);
}

/** Every file reached from `entry` through relative static imports, and the bare specifiers met on the way. */
function importGraph(entry: string): { files: string[]; bare: Set<string> } {
  const seen = new Set<string>([entry]);
  const stack = [entry];
  const bare = new Set<string>();
  while (stack.length > 0) {
    const file = stack.pop()!;
    for (const specifier of staticSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) {
        bare.add(specifier);
        continue;
      }
      const target = resolve(dirname(file), specifier);
      if (!existsSync(target)) throw new Error(`${relative(DIST, file)} imports ${specifier}, which is not in dist/`);
      if (!seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return { files: [...seen].map((file) => relative(DIST, file)).sort(), bare };
}

test('the scanner sees every form of static import tsc emits, and no dynamic one', () => {
  const source = [
    "import { a } from './a.js';",
    'import {\n  b,\n  c,\n} from "b";',
    "import * as d from 'node:d';",
    "import 'side-effect';",
    "export { e } from './e.js';",
    "export * from 'f';",
    "export const g = 'not-a-specifier';",
    "const h = await import('lazy');",
  ].join('\n');
  expect(staticSpecifiers(source)).toEqual(['./a.js', 'b', 'node:d', 'side-effect', './e.js', 'f']);
});

test("import 'podgraph' loads the engine's dependencies only: no commander, no dagre, nothing of the CLI", () => {
  const { files, bare } = importGraph(ENTRY);
  const unexpected = [...bare].filter(
    (name) => !name.startsWith('node:') && !['@dagrejs/graphlib', 'async-mutex', 'p-limit'].includes(name),
  );
  expect(unexpected).toEqual([]);
  expect(bare).not.toContain('commander');
  expect(bare).not.toContain('@dagrejs/dagre');
  expect(files.filter((file) => file.startsWith('cli/'))).toEqual([]);
  // The walk really went through the package (a broken scanner would find nothing and pass).
  expect(files).toContain('removal/remove-graph.js');
  expect(bare).toContain('p-limit');
});

test('the CLI loads commander, and the SVG layout only when it draws (graph --format svg, --report-svg)', () => {
  const { bare } = importGraph(resolve(DIST, 'cli/main.js'));
  expect(bare).toContain('commander');
  expect(bare).not.toContain('@dagrejs/dagre');
});

test("the CLI's start loads no command: `podgraph --help` reads neither the remover, nor a runtime, nor the connection files", () => {
  const { files } = importGraph(resolve(DIST, 'cli/main.js'));
  expect(files).toContain('cli/program.js');
  expect(
    files.filter((file) => /^(removal\/(remove-graph|removal-run)|runtime\/|cli\/commands\/(remove|plan|graph)\.js)/.test(file)),
  ).toEqual([]);
});

test("the SDK's import graph has no top-level await: a CommonJS script can require() it", () => {
  const script = `
    const sdk = require(${JSON.stringify(ENTRY)});
    const graph = sdk.ContainerGraph.fromSpec({ containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }] });
    console.log(JSON.stringify({ exports: Object.keys(sdk).sort(), size: graph.size }));
  `;
  // A top-level await anywhere in the graph makes require() throw ERR_REQUIRE_ASYNC_MODULE.
  const stdout = execFileSync('node', ['--input-type=commonjs', '-e', script], { encoding: 'utf8' });
  const { exports, size } = JSON.parse(stdout) as { exports: string[]; size: number };
  expect(size).toBe(2);
  expect(exports).toEqual(
    expect.arrayContaining(['ContainerGraph', 'LockedMap', 'MemoryRuntime', 'PodgraphError', 'PodmanRuntime', 'removeGraph']),
  );
});
