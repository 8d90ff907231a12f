/** podman's exit codes, which podgraph's CLI keeps. */
export const EXIT = {
  ok: 0,
  /** No such container or pod. */
  noSuch: 1,
  /** Container state improper (running without force). */
  stateImproper: 2,
  /** Anything else. */
  other: 125,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A failure the CLI reports as podman does: `Error: <message>` on stderr, then exit with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.other) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
