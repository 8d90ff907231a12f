import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { SshFailure } from './ssh-errors.js';

/**
 * A socket for the http client that is a channel once it opens: writes wait for it, reads come
 * from it, `ref`/`unref` say whether a request holds it, and the rest of what a net.Socket
 * answers is a no-op (`setNoDelay`: the SSH connection has it set).
 */
export class ChannelSocket extends Duplex {
  #channel: ClientChannel | undefined;
  readonly #waiting: Array<() => void> = [];
  readonly #onHold: (held: boolean) => void;
  /** Like a new net.Socket, it holds the process until unref'd. */
  #held = true;

  constructor(opening: Promise<ClientChannel>, onHold: (held: boolean) => void) {
    super();
    this.#onHold = onHold;
    onHold(true);
    this.once('close', () => this.unref());
    opening.then(
      (channel) => this.#attach(channel),
      (error: Error) => this.destroy(error),
    );
  }

  #attach(channel: ClientChannel): void {
    if (this.destroyed) {
      channel.close();
      return;
    }
    this.#channel = channel;
    channel.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) channel.pause();
    });
    channel.once('end', () => this.push(null));
    channel.once('close', () => this.destroy());
    channel.on('error', (error: Error) =>
      this.destroy(new SshFailure(`the ssh channel was lost (${error.message})`, { cause: error, transient: true })),
    );
    for (const resume of this.#waiting.splice(0)) resume();
  }

  #whenOpen(run: (channel: ClientChannel) => void): void {
    if (this.#channel !== undefined) run(this.#channel);
    else this.#waiting.push(() => run(this.#channel!));
  }

  override _read(): void {
    this.#channel?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#whenOpen((channel) => {
      channel.write(chunk, callback);
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#whenOpen((channel) => {
      channel.end();
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#channel?.close();
    callback(error);
  }

  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    if (!this.#held && !this.destroyed) {
      this.#held = true;
      this.#onHold(true);
    }
    return this;
  }
  unref(): this {
    if (this.#held) {
      this.#held = false;
      this.#onHold(false);
    }
    return this;
  }
  destroySoon(): void {
    this.destroy();
  }
}
