/**
 * Ready nodes as a binary max-heap on an Int32Array: highest `level` first (the longest chain of
 * calls still ahead: critical path first), then lowest index, so the order is deterministic.
 */
export class ReadyQueue {
  readonly #heap: Int32Array;
  readonly #level: Int32Array;
  #size = 0;

  constructor(capacity: number, level: Int32Array) {
    this.#heap = new Int32Array(capacity);
    this.#level = level;
  }

  get size(): number {
    return this.#size;
  }

  push(node: number): void {
    const heap = this.#heap;
    let at = this.#size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#before(node, heap[parent])) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = node;
  }

  pop(): number {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap[--this.#size];
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.#size) break;
      if (child + 1 < this.#size && this.#before(heap[child + 1], heap[child])) child++;
      if (!this.#before(heap[child], last)) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = last;
    return top;
  }

  #before(a: number, b: number): boolean {
    const la = this.#level[a];
    const lb = this.#level[b];
    return la > lb || (la === lb && a < b);
  }
}
