import { describe, invalidArg } from '../errors.js';

/**
 * A bound on calls in flight as podgraph takes it everywhere (a removal's, a runtime's own): an
 * integer >= 1 or Infinity. Throws INVALID_ARG saying what it got; `name` says whose it is.
 */
export function checkConcurrency(value: unknown, name = '`concurrency`'): number {
  if (typeof value !== 'number' || !((Number.isInteger(value) && value >= 1) || value === Infinity)) {
    throw invalidArg(`Expected ${name} to be an integer from 1 and up or \`Infinity\`, got ${describe(value)}`);
  }
  return value;
}
