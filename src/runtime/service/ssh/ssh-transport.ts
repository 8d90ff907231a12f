/**
 * HTTP to an engine's API socket over ssh (podman's or Docker's), as podman's own client does it (golang.org/x/crypto/ssh,
 * `client.Dial("unix", path)`): one SSH connection per runtime (ssh-connection.ts), and every HTTP connection a
 * `direct-streamlocal@openssh.com` channel to the service's socket on the server (channel-socket.ts).
 *
 * The channels sit behind an `http.Agent`, so keep-alive reuses them (a new channel costs a round
 * trip, and with Nagle on some stalled 40 ms). The Agent's `createConnection` returns a socket at
 * once and plugs the channel in when it opens: were it asynchronous, the Agent would not count
 * the socket until it opened and `maxSockets` would not bound the channels (32 requests opened
 * 32 channels with `maxSockets: 8`).
 */
import { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import { ChannelSocket } from './channel-socket.js';
import { SshConnection, type SshConnectionOptions } from './ssh-connection.js';

interface SshTransportOptions extends SshConnectionOptions {
  /** Channels open at once at most. */
  maxChannels: number;
}

export class SshTransport {
  readonly agent: Agent;
  readonly #connection: SshConnection;
  readonly #sockets = new Set<ChannelSocket>();

  constructor(options: SshTransportOptions) {
    this.#connection = new SshConnection(options);
    const agent = new Agent({ keepAlive: true, maxSockets: options.maxChannels });
    (agent as unknown as { createConnection: () => Duplex }).createConnection = () => this.#socket();
    this.agent = agent;
  }

  /** Ends the SSH connection and every channel. */
  close(): void {
    this.#connection.close();
    this.agent.destroy();
    for (const socket of this.#sockets) socket.destroy();
  }

  #socket(): Duplex {
    const socket = new ChannelSocket(this.#connection.channel(), (held) => this.#connection.hold(held));
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return socket;
  }
}
