/** Graphviz DOT: `podgraph graph --format dot | dot -Tsvg > graph.svg`. */
import { captionOf, type Drawing, swatchOf } from './drawing.js';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function renderDot(drawing: Drawing): string {
  const out = [
    'digraph podgraph {',
    '  rankdir=TB;',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
    '  edge [color="#555555"];',
  ];
  const node = (i: number, indent: string) => {
    const container = drawing.containers[i];
    const { fill, stroke } = swatchOf(drawing, container);
    out.push(
      `${indent}${quote(container.id)} [label=${quote(`${container.label}\n${captionOf(drawing, container)}`)}, fillcolor=${quote(fill)}, color=${quote(stroke)}];`,
    );
  };
  drawing.pods.forEach((pod, p) => {
    out.push(`  subgraph ${quote(`cluster_${p}`)} {`);
    const state = drawing.byOutcome ? ` (${pod.outcome ?? 'untouched'})` : '';
    out.push(`    label=${quote(`pod ${pod.label}${state}`)}; style="rounded,dashed"; color="#7e57c2"; fontname="Helvetica";`);
    for (const i of drawing.members[p]) node(i, '    ');
    // Graphviz draws no empty cluster: a pod without containers gets a placeholder.
    if (drawing.members[p].length === 0) out.push(`    ${quote(`pod ${pod.id}`)} [label="(no containers)", shape=plaintext, style=""];`);
    out.push('  }');
  });
  for (const i of drawing.outside) node(i, '  ');
  for (const edge of drawing.edges) {
    const style = edge.implicit ? ' [style=dashed, color="#9e9e9e"]' : '';
    out.push(`  ${quote(drawing.containers[edge.from].id)} -> ${quote(drawing.containers[edge.to].id)}${style};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
