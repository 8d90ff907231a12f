import type { MemoryRuntime } from 'podgraph';
import type { RemovalDag } from '../removal-dag.ts';

/** A way to remove a whole graph (all, force) on a runtime, with at most `concurrency` calls in flight. */
export interface Strategy {
  readonly name: string;
  /** Whether the strategy ignores the concurrency (serial): one run serves every concurrency. */
  readonly serial?: boolean;
  remove(dag: RemovalDag, runtime: MemoryRuntime, concurrency: number): Promise<void>;
}
