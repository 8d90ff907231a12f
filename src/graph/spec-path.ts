/**
 * Where in a graph spec a problem lies, as `PodgraphError.path` says it: `containers[3].dependsOn[1]`,
 * `pods[0].labels["app.kubernetes.io/name"]`. A key reads `.key` when it is an identifier and
 * `["key"]` (JSON-quoted) otherwise, so any key can be read back; {@link parsePath} does that for
 * whoever must find the place in a JSON text.
 */

/** The steps of a path: keys and array indices, from the spec's root. */
type SpecPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `containers[3]`. */
export function itemPath(list: 'pods' | 'containers', index: number): string {
  return `${list}[${index}]`;
}

/** `containers[3].state`. */
export function fieldPath(list: 'pods' | 'containers', index: number, key: string): string {
  return keyPath(itemPath(list, index), key);
}

/** The path of `key` in the object at `parent` (`''` for the root). */
export function keyPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return quotedKeyPath(parent, key);
  return parent === '' ? key : `${parent}.${key}`;
}

/** The path of `key` in a map such as `labels`, where keys are data: always quoted, `labels["env"]`. */
export function quotedKeyPath(parent: string, key: string): string {
  return `${parent}[${JSON.stringify(key)}]`;
}

const STEP = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The steps of a path these functions wrote; undefined for anything else. */
export function parsePath(path: string): SpecPath | undefined {
  const steps: (string | number)[] = [];
  STEP.lastIndex = 0;
  while (STEP.lastIndex < path.length) {
    const step = STEP.exec(path);
    if (step === null) return undefined;
    if (step[1] !== undefined) steps.push(step[1]);
    else if (step[2] !== undefined) steps.push(Number(step[2]));
    else steps.push(JSON.parse(step[3]) as string);
  }
  return steps;
}
