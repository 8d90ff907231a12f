import { PodgraphError, type RemovalReport } from 'podgraph';
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

/** The PodgraphError a call throws (the test fails if it returns or throws anything else). */
export function thrown(run: () => unknown): PodgraphError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PodgraphError);
    return error as PodgraphError;
  }
  throw new Error('expected it to throw');
}

/** Each item a report says failed, as `name: CODE message` (an empty list when the removal went through). */
export function failedItems(report: RemovalReport): string[] {
  return [...report.containers, ...report.pods]
    .filter(([, error]) => error !== null)
    .map(([id, error]) => `${report.names.get(id) ?? id}: ${error?.code} ${error?.message}`);
}
