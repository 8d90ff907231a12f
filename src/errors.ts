/** Every code a {@link PodgraphError} can carry (`ErrorCode`). */
export const ERROR_CODES = [
  'NO_SUCH_CTR',
  'NO_SUCH_POD',
  'CTR_STATE_INVALID',
  'CTR_EXISTS',
  'INFRA_CTR',
  'DEPENDENCY_FAILED',
  'REMOVING_CTRS',
  'CYCLE',
  'INVALID_ARG',
  'ABORTED',
  'RUNTIME',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/** The one error class podgraph throws, rejects with and reports. */
export class PodgraphError extends Error {
  readonly code: ErrorCode;
  /**
   * Where in the input the problem is: a path into a graph spec that does not validate
   * (`containers[3].dependsOn[1]`), or the option a runtime refused (`connection`).
   */
  readonly path?: string;
  /** The engine's URL, for a failure of a runtime's connection to its service (the message names it too). */
  readonly url?: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; path?: string; url?: string }) {
    super(message, options);
    this.name = 'PodgraphError';
    this.code = code;
    if (options?.path !== undefined) this.path = options.path;
    if (options?.url !== undefined) this.url = options.url;
  }
}

/** String(value), even for values without a string form (`Object.create(null)`, a throwing toString). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Describes a value for an error message: `` `0` (number) ``, as p-queue does. */
export function describe(value: unknown): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : safeString(value);
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

export function invalidArg(message: string, path?: string): PodgraphError {
  return new PodgraphError('INVALID_ARG', message, path === undefined ? undefined : { path });
}
