/**
 * HTTP to an engine's API socket over ssh (podman's or Docker's), as podman's own client does it (golang.org/x/crypto/ssh,
 * `client.Dial("unix", path)`): one SSH connection per runtime, and every HTTP connection a
 * `direct-streamlocal@openssh.com` channel to the service's socket on the server.
 *
 * The channels sit behind an `http.Agent`, so keep-alive reuses them (a new channel costs a round
 * trip, and with Nagle on some stalled 40 ms). The Agent's `createConnection` returns a socket at
 * once and plugs the channel in when it opens: were it asynchronous, the Agent would not count
 * the socket until it opened and `maxSockets` would not bound the channels (32 requests opened
 * 32 channels with `maxSockets: 8`).
 *
 * Host keys are checked against known_hosts (podman machine connections excepted, as podman
 * does); an unknown host is refused with the command that trusts it, a mismatch always.
 */
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { Duplex } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import type { ServiceName } from '../service-client.js';
import type { SshAddress } from '../service-url.js';
import {
  checkHostKey,
  type HostKeyVerdict,
  hostKeyAlgorithms,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from './known-hosts.js';

export interface SshTransportOptions {
  address: SshAddress;
  /** A private key file; without one, the keys of `agentSocket`. */
  identity: string | undefined;
  /** `SSH_AUTH_SOCK`. */
  agentSocket: string | undefined;
  /** A podman machine connection: its host key is not checked. */
  isMachine: boolean;
  knownHostsFile: string;
  /** How the known_hosts file is named in hints (`~/.ssh/known_hosts`). */
  knownHostsShown: string;
  /** Channels open at once at most. */
  maxChannels: number;
  /** Whose socket it is and what serves it, for hints. */
  service: ServiceName;
  readFile(path: string): string | undefined;
}

/**
 * A failure of the ssh layer; its message is the whole explanation, for the client to prefix with
 * where. `transient`: the connection or a channel was lost or could not be made for now (sshd or
 * the service restarting), worth another attempt; refusals (host keys, authentication, keys) are not.
 */
export class SshFailure extends Error {
  readonly transient: boolean;
  constructor(message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.name = 'SshFailure';
    this.transient = options?.transient ?? false;
  }
}

/** Counters for tests and benchmarks. */
export interface SshStats {
  connections: number;
  channelsOpened: number;
  channelsOpen: number;
  maxChannelsOpen: number;
}

type Ssh2 = typeof import('ssh2');

let ssh2Module: Promise<Ssh2> | undefined;
/** ssh2 loads only when a runtime first talks ssh: importing podgraph stays light. */
function loadSsh2(): Promise<Ssh2> {
  ssh2Module ??= import('ssh2').then((module) => ((module as { default?: Ssh2 }).default ?? module) as Ssh2);
  return ssh2Module;
}

const SUPPORTED_HOST_KEY_ALGORITHMS = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]);

function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export class SshTransport {
  readonly agent: Agent;
  readonly stats: SshStats = { connections: 0, channelsOpened: 0, channelsOpen: 0, maxChannelsOpen: 0 };
  readonly #options: SshTransportOptions;
  readonly #sockets = new Set<ChannelSocket>();
  #client: Promise<Client> | undefined;
  #ready: Client | undefined;
  /** Channel sockets held by a request (the Agent unrefs the free ones), as for a net.Socket. */
  #held = 0;
  #closed = false;

  constructor(options: SshTransportOptions) {
    this.#options = options;
    const agent = new Agent({ keepAlive: true, maxSockets: options.maxChannels });
    (agent as unknown as { createConnection: () => Duplex }).createConnection = () => this.#socket();
    this.agent = agent;
  }

  /** `user@host:port`, for messages. */
  get server(): string {
    const { user, host, port } = this.#options.address;
    return `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Ends the SSH connection and every channel. */
  close(): void {
    this.#closed = true;
    this.agent.destroy();
    for (const socket of this.#sockets) socket.destroy();
    const client = this.#client;
    this.#client = undefined;
    client?.then(
      (connection) => connection.end(),
      () => undefined,
    );
  }

  #socket(): Duplex {
    const socket = new ChannelSocket(this.#channel(), (held) => {
      this.#held += held ? 1 : -1;
      this.#holdProcess();
    });
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return socket;
  }

  /**
   * The SSH connection keeps the process alive only while a request uses it: idle, it lets the
   * process exit, as the idle keep-alive sockets of a unix or tcp runtime do.
   */
  #holdProcess(): void {
    const tcp = (this.#ready as unknown as { _sock?: { ref?(): void; unref?(): void } } | undefined)?._sock;
    if (this.#held > 0) tcp?.ref?.();
    else tcp?.unref?.();
  }

  async #channel(): Promise<ClientChannel> {
    if (this.#closed) throw new SshFailure(`the ssh connection to ${this.server} was closed`);
    const client = await this.#connection();
    const { socketPath } = this.#options.address;
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      try {
        client.openssh_forwardOutStreamLocal(socketPath, (error, stream) => (error ? reject(error) : resolve(stream)));
      } catch (error) {
        reject(error); // "Not connected": the connection went away in between
      }
    }).catch((error: Error) => {
      throw new SshFailure(
        /Not connected/.test(error.message)
          ? `the ssh connection to ${this.server} was lost`
          : `${this.server} cannot open ${this.#options.service.owner} socket ${socketPath} on the server (${error.message}); is ${this.#options.service.start} listening there?`,
        { cause: error, transient: true },
      );
    });
    const stats = this.stats;
    stats.channelsOpened++;
    stats.channelsOpen++;
    stats.maxChannelsOpen = Math.max(stats.maxChannelsOpen, stats.channelsOpen);
    channel.once('close', () => stats.channelsOpen--);
    return channel;
  }

  /** The SSH connection, made on first use and again after it was lost. */
  #connection(): Promise<Client> {
    if (this.#client !== undefined) return this.#client;
    const connecting = this.#connect();
    this.#client = connecting;
    const forget = () => {
      if (this.#client === connecting) this.#client = undefined;
    };
    // Lost or refused: the next request connects again (channels on a lost connection are gone).
    connecting.then((client) => {
      this.#ready = client;
      this.#holdProcess();
      client.once('close', () => {
        if (this.#ready === client) this.#ready = undefined;
        forget();
      });
    }, forget);
    return connecting;
  }

  async #connect(): Promise<Client> {
    const config = this.#config();
    const ssh2 = await loadSsh2();
    const options = this.#options;
    if (options.identity !== undefined) {
      const key = options.readFile(options.identity);
      if (key === undefined) throw new SshFailure(`the identity file ${options.identity} does not exist`);
      const parsed = ssh2.utils.parseKey(key);
      if (parsed instanceof Error) {
        throw new SshFailure(
          /passphrase/i.test(parsed.message)
            ? `the identity file ${options.identity} is protected by a passphrase, and podgraph does not ask for one: load it into ssh-agent (\`ssh-add ${options.identity}\`) and connect without an identity, or use a key without a passphrase`
            : `the identity file ${options.identity} is not a private key podgraph can read (${parsed.message})`,
          { cause: parsed },
        );
      }
      config.privateKey = key;
    } else if (options.agentSocket !== undefined && options.agentSocket !== '') {
      config.agent = options.agentSocket;
    } else if (options.address.password === undefined) {
      throw new SshFailure(`no identity file was given and SSH_AUTH_SOCK is not set: podgraph has no key to log in to ${this.server} with`);
    }

    let verdict: { result: HostKeyVerdict; type: string; key: Buffer } | undefined;
    const name = knownHostsName(options.address.host, options.address.port);
    if (!options.isMachine) {
      const entries = parseKnownHosts(options.readFile(options.knownHostsFile) ?? '');
      // Ask for a key of a type known_hosts has, as ssh does, so a server with several keys shows the one on record.
      const algorithms = hostKeyAlgorithms(knownKeyTypes(entries, name)).filter((algorithm) =>
        SUPPORTED_HOST_KEY_ALGORITHMS.has(algorithm),
      );
      if (algorithms.length > 0)
        config.algorithms = { serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
      config.hostVerifier = (key: Buffer) => {
        const type = keyTypeOf(key);
        verdict = { result: checkHostKey(entries, name, type, key.toString('base64')), type, key };
        return verdict.result === 'known';
      };
    }

    const client = new ssh2.Client();
    return new Promise<Client>((resolve, reject) => {
      let ready = false;
      client.once('ready', () => {
        ready = true;
        this.stats.connections++;
        // With Nagle on, requests on new channels stalled about 40 ms.
        client.setNoDelay(true);
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (!ready) reject(this.#explain(error, verdict));
      });
      client.once('close', () => {
        if (!ready) reject(new SshFailure(`ssh: ${this.server} closed the connection during the SSH handshake`, { transient: true }));
      });
      try {
        client.connect(config);
      } catch (error) {
        reject(new SshFailure(`cannot connect to ${this.server}: ${(error as Error).message}`, { cause: error }));
      }
    });
  }

  #config(): ConnectConfig {
    const { address } = this.#options;
    const config: ConnectConfig = { host: address.host, port: address.port, username: address.user, readyTimeout: 20_000 };
    if (address.password !== undefined) config.password = address.password;
    return config;
  }

  #explain(
    error: Error & { level?: string; code?: string },
    verdict: { result: HostKeyVerdict; type: string; key: Buffer } | undefined,
  ): SshFailure {
    const { address, knownHostsShown, identity } = this.#options;
    const hostPort = `${address.host}:${address.port}`;
    if (verdict !== undefined && verdict.result !== 'known') {
      const shown = `${verdict.type} key ${fingerprint(verdict.key)}`;
      const message =
        verdict.result === 'unknown'
          ? `the host key of ${hostPort} is unknown: ${knownHostsShown} has no entry for ${knownHostsName(address.host, address.port)} (the server showed ${shown}); check that fingerprint, then trust the host with \`ssh-keyscan -p ${address.port} ${address.host} >> ${knownHostsShown}\``
          : verdict.result === 'mismatch'
            ? `the host key of ${hostPort} does not match ${knownHostsShown}: the server showed ${shown}, which is not the key on record; the host may have been reinstalled, or someone may be in the middle. Refused`
            : `the host key of ${hostPort} (${shown}) is revoked in ${knownHostsShown}. Refused`;
      return new SshFailure(`ssh: ${message}`, { cause: error });
    }
    const how =
      identity !== undefined
        ? `the identity ${identity}`
        : address.password !== undefined
          ? 'the password in the URL'
          : 'the keys of ssh-agent (SSH_AUTH_SOCK)';
    switch (error.level) {
      case 'client-authentication':
        return new SshFailure(`ssh: ${this.server} refused ${how}: authentication failed (${error.message})`, { cause: error });
      case 'agent':
        return new SshFailure(`ssh: cannot use ssh-agent at SSH_AUTH_SOCK=${this.#options.agentSocket}: ${error.message}`, {
          cause: error,
        });
      case 'client-dns':
        return new SshFailure(`ssh: cannot resolve ${address.host}: ${error.message}`, { cause: error });
      case 'client-timeout':
        return new SshFailure(`ssh: ${hostPort} did not complete the SSH handshake within 20 s`, { cause: error, transient: true });
    }
    switch (error.code) {
      case 'ECONNREFUSED':
        return new SshFailure(`ssh: cannot connect to ${hostPort}: connection refused; is sshd running there?`, {
          cause: error,
          transient: true,
        });
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new SshFailure(`ssh: cannot resolve ${address.host} (${error.code})`, {
          cause: error,
          transient: error.code === 'EAI_AGAIN',
        });
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'ECONNRESET':
        return new SshFailure(`ssh: cannot reach ${hostPort} (${error.code})`, { cause: error, transient: true });
    }
    return new SshFailure(`ssh: ${hostPort}: ${error.message}`, { cause: error });
  }
}

/**
 * A socket for the http client that is a channel once it opens: writes wait for it, reads come
 * from it, `ref`/`unref` say whether a request holds it, and the rest of what a net.Socket
 * answers is a no-op (`setNoDelay`: the SSH connection has it set).
 */
class ChannelSocket extends Duplex {
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
