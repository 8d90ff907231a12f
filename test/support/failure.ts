import { PodgraphError } from 'podgraph';
import { expect } from 'vitest';

/** The PodgraphError a call rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(call: Promise<unknown>): Promise<PodgraphError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PodgraphError);
  return error as PodgraphError;
}
