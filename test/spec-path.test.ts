/** Paths into a spec (`PodgraphError.path`) read back into their steps, whatever the keys: what the spec-file reader places. */
import { describe, expect, test } from 'vitest';
import { fieldPath, itemPath, keyPath, parsePath, quotedKeyPath } from '../src/graph/spec-path.ts';

describe('spec paths', () => {
  test.each([
    [fieldPath('containers', 3, 'dependsOn'), 'containers[3].dependsOn', ['containers', 3, 'dependsOn']],
    [`${fieldPath('containers', 3, 'dependsOn')}[1]`, 'containers[3].dependsOn[1]', ['containers', 3, 'dependsOn', 1]],
    [keyPath('', 'version'), 'version', ['version']],
    [keyPath('', 'x y'), '["x y"]', ['x y']],
    [keyPath(itemPath('pods', 0), 'x-y'), 'pods[0]["x-y"]', ['pods', 0, 'x-y']],
    [
      quotedKeyPath(fieldPath('pods', 0, 'labels'), 'app.kubernetes.io/name'),
      'pods[0].labels["app.kubernetes.io/name"]',
      ['pods', 0, 'labels', 'app.kubernetes.io/name'],
    ],
    [
      quotedKeyPath(fieldPath('containers', 0, 'labels'), 'a"]b\\'),
      'containers[0].labels["a\\"]b\\\\"]',
      ['containers', 0, 'labels', 'a"]b\\'],
    ],
    [keyPath(itemPath('containers', 0), '__proto__'), 'containers[0].__proto__', ['containers', 0, '__proto__']],
  ])('%s', (path, text, steps) => {
    expect(path).toBe(text);
    expect(parsePath(path)).toEqual(steps);
  });

  test('the empty path is the spec itself; a path these functions do not write is undefined', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('containers[-1]')).toBeUndefined();
    expect(parsePath('containers[0')).toBeUndefined();
  });
});
