/**
 * commander's Command, speaking podman's (cobra's) words for its own errors: each kind of error
 * is told apart by where it arises (the method commander calls, or the `CommanderError.code` it
 * throws), never by its text. Unknown flags and commands say what they are as cobra does, with
 * the nearest name that exists; a flag's value our parsers refuse is their own podman sentence.
 */
import { Command, CommanderError } from 'commander';

/** The closest candidate within a Damerau-Levenshtein distance of 2 (commander's and cobra's rule), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance && distance < Math.max(word.length, candidate.length) * 0.6) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** `podgraph pod rm`: the command's words from the program down. */
export function commandPath(command: Command): string {
  const words: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) words.unshift(at.name());
  return words.join(' ');
}

export class PodmanCommand extends Command {
  /** Where this command's own error lines go (stderr); set with the rest of the output. */
  errorOutput: (text: string) => void = (text) => void process.stderr.write(text);

  override createCommand(name?: string): Command {
    return new PodmanCommand(name);
  }

  /** Called by commander for a flag this command does not have (cobra: `unknown flag: --x`, `unknown shorthand flag: 'x' in -x`). */
  unknownOption(flag: string): never {
    if (!flag.startsWith('--')) this.#fail(`unknown shorthand flag: '${flag.slice(1, 2)}' in ${flag}`, 'commander.unknownOption');
    const longs = this.options.flatMap((option) => (option.long === undefined || option.hidden ? [] : [option.long]));
    const suggestion = nearest(flag, longs);
    this.#fail(`unknown flag: ${flag}${suggestion === undefined ? '' : `\n(Did you mean ${suggestion}?)`}`, 'commander.unknownOption');
  }

  /** Called by commander for a subcommand that does not exist (cobra: ``unrecognized command `podman x` ``), with the nearest one. */
  unknownCommand(): never {
    const name = this.args[0] ?? '';
    const names = this.commands.flatMap((sub) => [sub.name(), ...sub.aliases()]);
    const suggestion = nearest(name, names);
    const path = commandPath(this);
    const lines = [`Error: unrecognized command \`${path} ${name}\``];
    if (suggestion !== undefined) lines.push('', 'Did you mean this?', `\t${suggestion}`, '');
    lines.push(`Try '${path} --help' for more information`);
    this.#write(`${lines.join('\n')}\n`);
    throw new CommanderError(125, 'commander.unknownCommand', lines[0]!);
  }

  #fail(message: string, code: string): never {
    this.#write(`Error: ${message}\nSee '${commandPath(this)} --help'\n`);
    throw new CommanderError(125, code, message);
  }

  #write(text: string): void {
    this.errorOutput(text);
  }
}
