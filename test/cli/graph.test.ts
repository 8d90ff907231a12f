/**
 * `podgraph graph`: the SVG is valid XML holding every container and pod (and one arrow per
 * dependency); dot, mermaid and json carry the same graph; after `rm --report-svg` the same
 * picture is coloured by outcome.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ContainerGraph, type GraphSpec } from 'podgraph';
import { beforeAll, describe, expect, test } from 'vitest';
import { drawingOf } from '../../src/cli/render/drawing.ts';
import { MAX_SVG_DEPTH, renderSvg } from '../../src/cli/render/svg.ts';
import { podgraph, tempDir, writeSpec } from './run-cli.ts';

const SPEC: GraphSpec = {
  pods: [{ id: 'shop', name: 'shop & co' }, { id: 'empty' }],
  containers: [
    { id: 'shop-infra', pod: 'shop', infra: true, state: 'running' },
    { id: 'shop-db', pod: 'shop', state: 'running' },
    { id: 'shop-api', pod: 'shop', state: 'paused', dependsOn: ['shop-db'] },
    { id: 'registry', state: 'running' },
    { id: 'builder', name: '<builder>', state: 'exited', dependsOn: ['registry'] },
    { id: 'ci', dependsOn: ['builder'] },
  ],
};
/**
 * The arrows: every explicit dependency, and a member's implicit one on its infra container when it
 * has no explicit one (shop-api reaches shop-infra through shop-db).
 */
const EDGES = ['shop-db -> shop-infra', 'shop-api -> shop-db', 'builder -> registry', 'ci -> builder'];

interface Element {
  [key: string]: unknown;
}

/** Every element named `tag` in a parsed document, with its attributes, walked iteratively. */
function elements(document: unknown, tag: string): Element[] {
  const found: Element[] = [];
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === tag) for (const item of Array.isArray(value) ? value : [value]) found.push(item as Element);
        if (!key.startsWith('@_')) stack.push(value);
      }
    }
  }
  return found;
}

function parseSvg(svg: string): unknown {
  expect(XMLValidator.validate(svg)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(svg);
}

let dir: string;
let spec: string;
beforeAll(() => {
  dir = tempDir();
  spec = writeSpec(dir, 'graph.json', SPEC);
});

describe.concurrent('graph', () => {
  test('--format svg is valid SVG holding every container and pod, coloured by state, one arrow per dependency', async ({ expect }) => {
    const result = await podgraph(['graph', '--format', 'svg', '--spec', spec]);
    expect(result.code).toBe(0);
    const document = parseSvg(result.stdout);
    expect((document as { svg?: Element }).svg?.['@_xmlns']).toBe('http://www.w3.org/2000/svg');
    const groups = elements(document, 'g');
    const ofClass = (name: string) => groups.filter((g) => g['@_class'] === name);
    expect(
      ofClass('container')
        .map((g) => g['@_data-id'])
        .sort(),
    ).toEqual(SPEC.containers!.map((c) => c.id).sort());
    expect(
      ofClass('pod')
        .map((g) => g['@_data-id'])
        .sort(),
    ).toEqual(['empty', 'shop']);
    expect(Object.fromEntries(ofClass('container').map((g) => [g['@_data-id'], g['@_data-state']]))).toMatchObject({
      'shop-api': 'paused',
      ci: 'created',
    });
    expect(elements(ofClass('edges'), 'path')).toHaveLength(EDGES.length);
    // Labels are escaped, not dropped: the parser gives them back as written.
    const texts = elements(document, 'text').map((t) => (typeof t === 'object' ? t['#text'] : t));
    expect(texts).toContain('<builder>');
    expect(texts).toContain('pod shop & co');
  });

  test('graph -o FILE writes the file, and rm --report-svg draws the same graph coloured by outcome', async ({ expect }) => {
    const picture = join(dir, 'graph.svg');
    const report = join(dir, 'report.svg');
    const [drawn, removal] = await Promise.all([
      podgraph(['graph', '--format', 'svg', '-o', picture, '--spec', spec]),
      podgraph(['rm', '-a', '--spec', spec, '--report-svg', report]),
    ]);
    expect(drawn).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(removal.code).toBe(2);
    const before = elements(parseSvg(readFileSync(picture, 'utf8')), 'g').filter((g) => g['@_class'] === 'container');
    const after = elements(parseSvg(readFileSync(report, 'utf8')), 'g').filter((g) => g['@_class'] === 'container');
    expect(after.map((g) => g['@_data-id'])).toEqual(before.map((g) => g['@_data-id']));
    expect(Object.fromEntries(after.map((g) => [g['@_data-id'], g['@_data-outcome']]))).toEqual({
      'shop-infra': 'blocked',
      'shop-db': 'blocked',
      'shop-api': 'failed',
      registry: 'failed',
      builder: 'removed',
      ci: 'removed',
    });
  });

  test('--format dot and mermaid: a box per pod, every container, every dependency', async ({ expect }) => {
    const [dot, mermaid] = await Promise.all([
      podgraph(['graph', '--format', 'dot', '--spec', spec]),
      podgraph(['graph', '--format', 'mermaid', '--spec', spec]),
    ]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph podgraph \{\n/);
    expect(dot.stdout).toContain('subgraph "cluster_0" {\n    label="pod shop & co"');
    for (const edge of EDGES) expect(dot.stdout).toContain(edge.replace(/(\S+) -> (\S+)/, '"$1" -> "$2"'));
    expect(dot.stdout).toContain('"shop-db" -> "shop-infra" [style=dashed');
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart TB\n {2}subgraph p0\["pod shop & co"\]\n/);
    expect(mermaid.stdout).toContain('c4["#lt;builder#gt;<br/>exited"]');
    expect(mermaid.stdout.match(/ (-->|-\.->) /g)).toHaveLength(EDGES.length);
  });

  test('--format json is the spec, which --spec reads back', async ({ expect }) => {
    const json = await podgraph(['graph', '--format', 'json', '--spec', spec]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(ContainerGraph.fromSpec(SPEC).toSpec());
    const again = await podgraph(['graph', '--format', 'json', '--spec', '-'], { input: json.stdout });
    expect(again.stdout).toBe(json.stdout);
  });
});

test('a graph deeper than the layout can take is refused with a message, not a stack overflow', () => {
  const chain = (length: number): GraphSpec => ({
    containers: Array.from({ length }, (_, i) => ({ id: `c${i}`, ...(i > 0 ? { dependsOn: [`c${i - 1}`] } : {}) })),
  });
  expect(renderSvg(drawingOf(ContainerGraph.fromSpec(chain(MAX_SVG_DEPTH))))).toContain('data-id="c0"');
  expect(() => renderSvg(drawingOf(ContainerGraph.fromSpec(chain(5000))))).toThrow(
    `the graph is too deep to draw as SVG: its longest chain has 5000 containers, and the layout (dagre) handles ${MAX_SVG_DEPTH}; draw it with --format dot and Graphviz instead`,
  );
});
