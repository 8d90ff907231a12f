import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

test("the README's usage example is examples/usage.ts (type-checked by tsc) and runs", async () => {
  const block = /## Usage\n\n```ts\n([\s\S]*?)```/.exec(README)?.[1];
  const example = readFileSync(new URL('../examples/usage.ts', import.meta.url), 'utf8');
  expect(block).toBeDefined();
  expect(example.split('\n').slice(1).join('\n')).toBe(block);

  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.join(' ')));
  await import('../examples/usage.ts');
  log.mockRestore();
  expect(lines).toContain('true');
  expect(lines).toContain('app removed');
});

/** The Install section's snippet whose first line is `// <file>`. */
function installSnippet(file: string): string {
  const install = README.slice(README.indexOf('## Install\n'), README.indexOf('\n## ', README.indexOf('## Install\n') + 1));
  const block = [...install.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .find((code) => code.startsWith(`// ${file}\n`));
  if (block === undefined) throw new Error(`README.md: no snippet starting with "// ${file}" under ## Install`);
  return block;
}

/** What the snippet promises on its `console.log(...); // <output>` lines, in order. */
function promisedOutput(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)].map((match) => match[1]!);
}

/**
 * The Install section's snippets, run as a user of the installed package would: in a folder
 * outside the checkout whose node_modules/podgraph links to it, so 'podgraph' resolves through
 * package.json's exports to the compiled dist/ (built by the global setup), never to src/.
 */
describe("the README's install snippets run against the built package", () => {
  let dir: string;
  const node = (...args: string[]) => execFileSync('node', args, { cwd: dir, encoding: 'utf8' });
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podgraph-readme-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'podgraph'), 'dir');
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'readme-snippets', private: true, type: 'module' })}\n`);
    for (const file of ['remove.mjs', 'remove.cjs', 'remove.ts']) writeFileSync(join(dir, file), installSnippet(file));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('ESM: node remove.mjs', () => {
    const code = installSnippet('remove.mjs');
    expect(code).toContain("from 'podgraph'");
    expect(node('remove.mjs').trim().split('\n')).toEqual(promisedOutput(code));
  });

  test('CommonJS: node remove.cjs', () => {
    const code = installSnippet('remove.cjs');
    expect(code).toContain("require('podgraph')");
    expect(node('remove.cjs').trim().split('\n')).toEqual([
      'web-infra DEPENDENCY_FAILED',
      'app CTR_STATE_INVALID',
      ...promisedOutput(code),
    ]);
  });

  test('TypeScript: type-checked by tsc against the built declarations, then run with tsx', () => {
    const code = installSnippet('remove.ts');
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'ES2022',
      strict: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['remove.ts'] }));
    // The types come from dist/index.d.ts through the link, not from the checkout's paths mapping.
    const resolution = execFileSync(bin('tsc'), ['-p', '.', '--traceResolution'], { cwd: dir, encoding: 'utf8' });
    expect(resolution).toMatch(/Module name 'podgraph' was successfully resolved to '[^']*\/dist\/index\.d\.ts'/);
    const output = execFileSync(bin('tsx'), ['remove.ts'], { cwd: dir, encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(promisedOutput(code));
  });
});
