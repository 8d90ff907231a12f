/**
 * Each container's own stop timeout where it is not the engine's 10 s, as the last inspect saw
 * it: a removal's deadline allows for that long a stop.
 */
export class StopTimeouts {
  readonly #seconds = new Map<string, number>();

  clear(): void {
    this.#seconds.clear();
  }

  note(id: string, seconds: unknown): void {
    if (typeof seconds === 'number' && seconds !== 10) this.#seconds.set(id, seconds);
  }

  /** The seconds a removal of `id` may spend stopping it: the call's `timeout`, else its own, else 10. */
  of(id: string, timeout: number | undefined): number {
    return timeout ?? this.#seconds.get(id) ?? 10;
  }
}
