/**
 * The one SSH connection of a transport (an ssh2 Client): made on first use and again after it
 * was lost, logged in as ssh-auth.ts says, to a server whose host key host-key-check.ts checks
 * (podman machine connections excepted, as podman does); the channels to the service's socket
 * are opened on it.
 */
import { Socket } from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import type { ServiceName } from '../service-name.js';
import type { SshAddress } from '../service-url.js';
import { hostKeyCheck } from './host-key-check.js';
import { authConfig, credentialsShown } from './ssh-auth.js';
import { explainConnectError, type Ssh2Error, SshFailure, serverOf } from './ssh-errors.js';

export interface SshConnectionOptions {
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
  /** Whose socket it is and what serves it, for hints. */
  service: ServiceName;
  readFile(path: string): string | undefined;
}

type Ssh2 = typeof import('ssh2');

let ssh2Module: Promise<Ssh2> | undefined;
/** ssh2 loads only when a runtime first talks ssh: importing podgraph stays light. */
function loadSsh2(): Promise<Ssh2> {
  ssh2Module ??= import('ssh2').then((module) => ((module as { default?: Ssh2 }).default ?? module) as Ssh2);
  return ssh2Module;
}

/** A connection that came up, and the TCP socket under it. */
interface Connected {
  client: Client;
  tcp: Socket;
}

export class SshConnection {
  /** `user@host:port`, for messages. */
  readonly server: string;
  readonly #options: SshConnectionOptions;
  #connected: Promise<Connected> | undefined;
  /** The TCP socket of the connection that is up. */
  #tcp: Socket | undefined;
  /** Channels held by a request. */
  #held = 0;
  #closed = false;

  constructor(options: SshConnectionOptions) {
    this.#options = options;
    this.server = serverOf(options.address);
  }

  /** A channel to the service's socket, on the connection (made first when there is none). */
  async channel(): Promise<ClientChannel> {
    if (this.#closed) throw new SshFailure(`the ssh connection to ${this.server} was closed`);
    const { client } = await this.#connection();
    const { address, service } = this.#options;
    return new Promise<ClientChannel>((resolve, reject) => {
      try {
        client.openssh_forwardOutStreamLocal(address.socketPath, (error, stream) => (error ? reject(error) : resolve(stream)));
      } catch (error) {
        reject(error); // "Not connected": the connection went away in between
      }
    }).catch((error: Error) => {
      throw new SshFailure(
        /Not connected/.test(error.message)
          ? `the ssh connection to ${this.server} was lost`
          : `${this.server} cannot open ${service.owner} socket ${address.socketPath} on the server (${error.message}); is ${service.start} listening there?`,
        { cause: error, transient: true },
      );
    });
  }

  /**
   * A request took (true) or let go of (false) a channel. The SSH connection keeps the process
   * alive only while a request uses it: idle, it lets the process exit, as the idle keep-alive
   * sockets of a unix or tcp runtime do.
   */
  hold(held: boolean): void {
    this.#held += held ? 1 : -1;
    this.#holdProcess();
  }

  /** Ends the SSH connection; channels are refused from now on. */
  close(): void {
    this.#closed = true;
    const connected = this.#connected;
    this.#connected = undefined;
    connected?.then(
      ({ client }) => client.end(),
      () => undefined,
    );
  }

  #holdProcess(): void {
    if (this.#held > 0) this.#tcp?.ref();
    else this.#tcp?.unref();
  }

  /** The SSH connection, made on first use and again after it was lost. */
  #connection(): Promise<Connected> {
    if (this.#connected !== undefined) return this.#connected;
    const connecting = this.#connect();
    this.#connected = connecting;
    const forget = () => {
      if (this.#connected === connecting) this.#connected = undefined;
    };
    // Lost or refused: the next request connects again (channels on a lost connection are gone).
    connecting.then(({ client, tcp }) => {
      this.#tcp = tcp;
      this.#holdProcess();
      client.once('close', () => {
        if (this.#tcp === tcp) this.#tcp = undefined;
        forget();
      });
    }, forget);
    return connecting;
  }

  async #connect(): Promise<Connected> {
    const ssh2 = await loadSsh2();
    const options = this.#options;
    const { address } = options;
    const auth = authConfig(options, address, ssh2.utils.parseKey);
    const hostKeys = options.isMachine
      ? undefined
      : hostKeyCheck(address, { text: options.readFile(options.knownHostsFile) ?? '', shown: options.knownHostsShown });
    const client = new ssh2.Client();
    // The TCP socket is made here rather than by ssh2 so that #holdProcess can ref and unref it:
    // ssh2 keeps its own in a private field. `connect` first: ssh2 takes a socket that is not
    // connecting as connected.
    const tcp = new Socket();
    return new Promise<Connected>((resolve, reject) => {
      let ready = false;
      client.once('ready', () => {
        ready = true;
        // With Nagle on, requests on new channels stalled about 40 ms.
        client.setNoDelay(true);
        resolve({ client, tcp });
      });
      client.on('error', (error: Ssh2Error) => {
        if (ready) return;
        reject(
          hostKeys?.refusal(error) ??
            explainConnectError(error, { address, credentials: credentialsShown(options, address), agentSocket: options.agentSocket }),
        );
      });
      client.once('close', () => {
        if (!ready) reject(new SshFailure(`ssh: ${this.server} closed the connection during the SSH handshake`, { transient: true }));
      });
      try {
        tcp.connect({ host: address.host, port: address.port });
        client.connect({
          host: address.host,
          port: address.port,
          username: address.user,
          readyTimeout: 20_000,
          sock: tcp,
          ...auth,
          ...hostKeys?.config,
        });
      } catch (error) {
        tcp.destroy();
        reject(new SshFailure(`cannot connect to ${this.server}: ${(error as Error).message}`, { cause: error }));
      }
    });
  }
}
