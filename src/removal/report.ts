import type { PodgraphError } from '../errors.js';
import type { ItemKind } from '../graph/spec.js';

/** Progress of a removal, passed to {@link RemoveOptions.onEvent}. */
export interface RemovalEvent {
  /**
   * `start`: a runtime call began; `retry`: an attempt of it failed for want of the service and
   * will be made again (the runtime says so); `removed`: the item is gone (or was already);
   * `failed`: it will not be removed in this call, which covers items blocked by a failed
   * dependent (DEPENDENCY_FAILED) and ABORTED ones too.
   */
  type: 'start' | 'retry' | 'removed' | 'failed';
  kind: ItemKind;
  /** The item's id (a target the graph does not list: as given). */
  id: string;
  /** The item's name, when it has one. */
  name?: string;
  /**
   * Why the item was not removed (with `failed`), or why the attempt failed (with `retry`).
   */
  error?: PodgraphError;
  /** With `retry`: the attempt that failed, from 1. */
  attempt?: number;
  /** Items of this call settled so far (removed or failed); never goes down. */
  done: number;
  /** Items of this call: the selected containers and pods, and the targets the runtime is asked about. */
  total: number;
  /** Runtime calls of this removal in flight when the event was emitted. */
  inFlight: number;
}

/** What {@link removeGraph} resolves with: an entry for every selected item. */
export interface RemovalReport {
  /** Every selected container id -> null if removed (or already gone), else why not. */
  containers: Map<string, PodgraphError | null>;
  /** Every selected pod id -> null if removed (or already gone), else why not. */
  pods: Map<string, PodgraphError | null>;
  /** The name of each item of the report that has one, by id: a report a person reads needs no graph in hand. */
  names: Map<string, string>;
  /** True when every entry is null. */
  ok: boolean;
}
