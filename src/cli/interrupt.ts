/**
 * Ctrl-C during a removal: the first SIGINT aborts the removal's signal, so nothing new starts,
 * the calls in flight finish and the partial report comes back; a second one exits at once with 130.
 */
import { PodgraphError } from '../errors.js';
import type { RemoveCallOptions, Runtime } from '../index.js';
import { EXIT } from './cli-error.js';

interface Interrupt {
  readonly signal: AbortSignal;
  readonly interrupted: boolean;
  /** Stops listening for SIGINT. */
  dispose(): void;
}

export function onInterrupt(notice: (text: string) => void): Interrupt {
  const controller = new AbortController();
  let count = 0;
  const handler = () => {
    count++;
    if (count > 1) process.exit(EXIT.interrupted);
    notice('podgraph: interrupted: letting the calls in flight finish, starting nothing new (Ctrl-C again to quit at once)');
    controller.abort(new PodgraphError('ABORTED', 'interrupted by SIGINT'));
  };
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    get interrupted() {
      return count > 0;
    },
    dispose: () => void process.off('SIGINT', handler),
  };
}

/**
 * The runtime with its calls shielded from the abort: the removal stops starting calls, but a call
 * in flight runs to its end and reports what really happened. Cutting an HTTP request short would
 * not stop podman, which may still remove the container while the report says "not attempted".
 */
export function finishingInFlight(runtime: Runtime): Runtime {
  const withoutSignal = ({ signal: _, ...options }: RemoveCallOptions): RemoveCallOptions => options;
  const shielded: Runtime = {
    // The runtime's own bound on calls in flight, if it has one, holds through the shield too.
    ...(runtime.concurrency === undefined ? {} : { concurrency: runtime.concurrency }),
    inspect: () => runtime.inspect(),
    removeContainer: (id, options) => runtime.removeContainer(id, withoutSignal(options)),
    removePod: (id, options) => runtime.removePod(id, withoutSignal(options)),
  };
  // A capability is the method's presence: pass each on only where the runtime has it.
  const unlisted = runtime.removeUnlistedContainer?.bind(runtime);
  if (unlisted !== undefined) shielded.removeUnlistedContainer = (id, options) => unlisted(id, withoutSignal(options));
  const wholePod = runtime.removesWholePod?.bind(runtime);
  if (wholePod !== undefined) shielded.removesWholePod = wholePod;
  return shielded;
}
