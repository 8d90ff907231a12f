/**
 * `--spec FILE.json`: a GraphSpec in a file. The model checks it (`ContainerGraph.fromSpec`: shapes,
 * types, unknown keys, references, pods, cycles); this only parses the JSON and turns the path of
 * the model's error into the file's line and column, so a typo in a 500-line file is found at once.
 */
import { readFileSync } from 'node:fs';
import { PodgraphError } from '../errors.js';
import { ContainerGraph, type GraphSpec } from '../index.js';
import { parsePath } from '../internal.js';
import { CliError } from './cli-error.js';
import { findSyntaxError, locatePath } from './json-text.js';

/** Reads, parses and validates a spec file (`-` reads stdin); throws a CliError naming the file, line and path. */
export function loadSpecFile(file: string): { spec: GraphSpec; graph: ContainerGraph } {
  const name = file === '-' ? '<stdin>' : file;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`reading spec file ${name}: ${(error as Error).message}`);
  }
  return parseSpecText(text, name);
}

/** `parseSpecText(text, name)`: the same from text already read. */
export function parseSpecText(text: string, name: string): { spec: GraphSpec; graph: ContainerGraph } {
  let spec: GraphSpec;
  try {
    spec = JSON.parse(text) as GraphSpec;
  } catch (error) {
    const syntax = findSyntaxError(text);
    const where = syntax === undefined ? name : `${name}:${syntax.position.line}:${syntax.position.column}`;
    throw new CliError(`spec file ${where}: invalid JSON: ${syntax?.message ?? (error as Error).message}`);
  }
  try {
    return { spec, graph: ContainerGraph.fromSpec(spec) };
  } catch (error) {
    if (!(error instanceof PodgraphError)) throw error;
    // The model's shape errors name their path in the message already; its podman sentences do not.
    const path = error.path === undefined || error.message.includes(error.path) ? '' : `${error.path}: `;
    throw new CliError(`spec file ${lineAndColumn(text, name, error.path)}: ${path}${error.message} (${error.code})`);
  }
}

/**
 * `f.json:4:27`: where the value at `path` starts, or else the nearest value around it (a missing
 * `id`: its container; no path: the whole spec).
 */
function lineAndColumn(text: string, name: string, path: string | undefined): string {
  const steps = parsePath(path ?? '') ?? [];
  for (let depth = steps.length; depth >= 0; depth--) {
    const position = locatePath(text, steps.slice(0, depth));
    if (position !== undefined) return `${name}:${position.line}:${position.column}`;
  }
  return name;
}
