import { readFileSync } from 'node:fs';
import { expect, test, vi } from 'vitest';

test("the README's usage example is examples/usage.ts (type-checked by tsc) and runs", async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Usage\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
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
