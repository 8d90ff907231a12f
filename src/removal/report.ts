import type { PodgraphError } from '../errors.js';

export interface RemovalEvent {
  /** `failed` covers items blocked by a failed dependent (DEPENDENCY_FAILED) and ABORTED ones too. */
  type: 'start' | 'removed' | 'failed';
  kind: 'container' | 'pod';
  id: string;
  /** With `failed`. */
  error?: PodgraphError;
  /** Report entries settled so far (removed or failed). */
  done: number;
  /** Report entries in all: the selected containers and pods. */
  total: number;
  /** Runtime calls in flight when the event was emitted. */
  inFlight: number;
}

export interface RemovalReport {
  /** Every selected container id -> null if removed (or already gone), else why not. */
  containers: Map<string, PodgraphError | null>;
  /** Every selected pod id -> null if removed (or already gone), else why not. */
  pods: Map<string, PodgraphError | null>;
  /** True when every entry is null. */
  ok: boolean;
}
