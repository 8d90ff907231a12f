/**
 * A bare Kahn walk over a removal DAG's typed arrays: FIFO ready queue, at most `concurrency`
 * calls in flight, a slot refilled as soon as it frees. No locks, no report, no priorities: the
 * floor of table 3 (with a no-op call) and the per-pod walk of podman's strategy.
 */
import type { RemovalDag } from './removal-dag.ts';

/**
 * Walks the nodes reachable from `roots` (each with no pending predecessor) until `total` of
 * them are done; `pending` holds the predecessors not done yet per node and is consumed.
 * Rejects with the first failure, once nothing is in flight any more.
 */
export function kahnWalk(
  dag: RemovalDag,
  roots: ArrayLike<number>,
  total: number,
  pending: Int32Array,
  concurrency: number,
  call: (node: number) => Promise<unknown>,
): Promise<void> {
  const { succStart, succ } = dag;
  const queue = new Int32Array(total);
  let head = 0;
  let tail = 0;
  for (let k = 0; k < roots.length; k++) queue[tail++] = roots[k];
  let inFlight = 0;
  let done = 0;
  let failure: unknown;
  return new Promise((resolve, reject) => {
    const finishIfDone = () => {
      if (inFlight > 0) return;
      if (failure !== undefined) reject(failure);
      else if (done === total) resolve();
    };
    const completed = (node: number) => {
      inFlight--;
      done++;
      for (let k = succStart[node]; k < succStart[node + 1]; k++) if (--pending[succ[k]] === 0) queue[tail++] = succ[k];
      pump();
    };
    const failed = (error: unknown) => {
      inFlight--;
      failure ??= error;
      finishIfDone();
    };
    const pump = () => {
      while (failure === undefined && inFlight < concurrency && head < tail) {
        const node = queue[head++];
        inFlight++;
        call(node).then(() => completed(node), failed);
      }
      finishIfDone();
    };
    pump();
  });
}
