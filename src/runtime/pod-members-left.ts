import { type ErrorCode, PodgraphError } from '../errors.js';
import type { PodMembersLeft } from './runtime.js';

/** A whole-pod removal that left members behind: its error, and each member that stayed with why. */
export class PodMembersLeftError extends PodgraphError implements PodMembersLeft {
  readonly containers: ReadonlyMap<string, Error>;

  constructor(code: ErrorCode, message: string, containers: ReadonlyMap<string, Error>, options?: { cause?: unknown }) {
    super(code, message, options);
    this.containers = containers;
  }
}
