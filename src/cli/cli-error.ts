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
  /** Lines printed after the error (`hint: ...`) that suggest the fix. */
  readonly hints: readonly string[];
  /** A usage error: podman adds `See 'podman rm --help'`. */
  readonly seeHelp: boolean;

  constructor(message: string, exitCode: number = EXIT.other, hints: readonly string[] = [], seeHelp = false) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.hints = hints;
    this.seeHelp = seeHelp;
  }
}

/** A flag's value our own parsers refuse, in podman's words (`invalid argument "x" for "-t, --time" flag: ...`). */
export function flagValueError(message: string): CliError {
  return new CliError(message, EXIT.other, [], true);
}
