/** The formats `podgraph graph` draws in (its own module, so the program lists them without loading the drawing code). */
export const GRAPH_FORMATS = ['dot', 'mermaid', 'svg', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];
