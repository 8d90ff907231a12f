/**
 * The `podgraph` program: podman's `rm` and `pod rm` over whole graphs, `plan` to see what they
 * would do, `graph` to draw it. Every error, commander's included, is printed podman's way
 * (`Error: ...` on stderr) with podman's exit codes. Each command's code is imported when it runs, so
 * `podgraph --help` (and a script calling podgraph a hundred times) loads only the program.
 */
import { readFileSync } from 'node:fs';
import { type Command, CommanderError, Option } from 'commander';
import type { ItemKind } from '../index.js';
import { CliError, EXIT } from './cli-error.js';
import type { GraphFlags } from './commands/graph.js';
import type { PlanFlags } from './commands/plan.js';
import type { ListFlags } from './commands/system-connection.js';
import { connectionFlags } from './connection-options.js';
import { collect, GRAPH_FORMATS, parseConcurrency, parseMilliseconds, parseTime } from './flag-values.js';
import type { RemoveFlags } from './options.js';
import { commandPath, PodmanCommand } from './podman-command.js';
import { type Io, PROGRESS_MODES } from './progress.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const EXAMPLES = `
Examples:
  podgraph rm -fa                                  # podman rm -fa, chains included, in one run
  podgraph pod rm -f web db                        # pods in parallel
  podgraph plan rm --depend db                     # what rm would do, without doing it
  podgraph graph --format svg -o host.svg          # draw the host's graph
  podgraph graph --format json > host.json         # save it as a spec file...
  podgraph rm -fa --spec host.json --latency 200   # ...and rehearse on it, in memory
  podgraph rm -fa -c web1 -c web2                  # on two podman connections at once
  podgraph system connection list                  # the connections podgraph can use

Without -c, --context, --url or --spec, podgraph connects where podman --remote would
($CONTAINER_CONNECTION, $CONTAINER_HOST, the default connection), else where docker would
($DOCKER_HOST, $DOCKER_CONTEXT, the current context), else to podman's socket, else Docker's.`;

/** `podgraph pod`: the program's name and the commands that argv names, as far as they go. */
function argvPath(program: Command, argv: readonly string[]): string {
  const words = ['podgraph'];
  let command = program;
  for (const word of argv) {
    const next = command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
    if (next === undefined) break;
    words.push(next.name());
    command = next;
  }
  return words.join(' ');
}

/** Adds `system connection list` (alias `ls`) to the program; `done` receives the exit code. */
function systemCommand(program: Command, io: Io, done: (exitCode: number) => void): void {
  const system = program.command('system').description('Manage podman connections: podgraph system connection list');
  const connection = system.command('connection').description("podman's connections: podgraph system connection list");
  connection
    .command('list')
    .alias('ls')
    .description('List the podman connections podgraph can use (-c NAME), marking the default')
    .addOption(new Option('--format <format>', 'json for JSON').choices(['json']))
    .option('-q, --quiet', 'names only')
    .action(async (flags: ListFlags) => {
      done((await import('./commands/system-connection.js')).listConnections(flags, io));
    });
}

function removalFlags(command: Command, kind: ItemKind): Command {
  const what = kind === 'pod' ? 'pods' : 'containers';
  command.option('-a, --all', kind === 'pod' ? 'Remove all pods' : 'Remove all containers (implies --depend)');
  command.option('-f, --force', `Force removal of running or paused ${what}: stop them first (implies --ignore)`);
  if (kind === 'container') command.option('--depend', 'Also remove every container that depends on the given ones, in the same run');
  command.option('-i, --ignore', `Ignore errors when a specified ${kind} is missing`);
  // podman's pod rm (4.3 and 5.8) has no -v: it always removes its containers' anonymous volumes.
  if (kind === 'container') command.option('-v, --volumes', 'Remove anonymous volumes associated with the container');
  command.addOption(new Option('-l, --latest', 'Not supported, as with podman --remote').hideHelp());
  // podman 5's flags whatever the service's version: a podman 4 service also waits forever for -1.
  command.option(
    '-t, --time <seconds>',
    "Seconds to wait for stop before killing the container, -1 to wait forever (needs --force; podman 5's -t, also against podman 4)",
    parseTime,
  );
  if (kind === 'container') {
    command.option('--cidfile <file>', 'Read the container ID from the file (repeatable; a missing file is skipped with -i)', collect);
    filterFlag(command);
    // podman (4.3 and 5.8) keeps a hidden, deprecated --storage that changes nothing; scripts may still pass it.
    command.addOption(new Option('--storage', 'Deprecated: no effect, as in podman').hideHelp());
  } else {
    command.option(
      '--pod-id-file <file>',
      'Read the pod ID from the file (repeatable; each file on its own, as podman 5: deleted once its pod is removed)',
      collect,
    );
  }
  return command;
}

/** `--filter`, as podman's rm and ps take it; `graph` takes it too, to show what it selects. */
function filterFlag(command: Command): Command {
  return command.option(
    '--filter <filter>',
    'Select the containers that match, podman ps syntax: id=RE, name=RE, label=KEY[=VALUE], status=S, pod=P (repeatable, one filter each, commas included, as podman 5; one key ORs, label ANDs, keys AND); with -a, what depends on them too',
    collect,
  );
}

/** `--url` / `--spec`; commands that remove take `--latency` too. */
function sourceFlags(command: Command, removes: boolean): Command {
  connectionFlags(command, removes)
    .option(
      '--url <url>',
      'podman or Docker API service (its /_ping says which): unix:///path.sock, tcp://host:port or ssh://user@host[:port]/path.sock (default: where podman --remote would connect, else Docker: see podgraph --help)',
    )
    .option(
      '--spec <file>',
      'work on a graph in a GraphSpec JSON file (- for stdin), in memory: a dry run or a demo; the file is not changed',
    );
  if (removes) command.option('--latency <ms>', 'with --spec: each in-memory removal takes this long, for a slow demo', parseMilliseconds);
  return command;
}

function runFlags(command: Command): Command {
  return command
    .option('--concurrency <n>', 'runtime calls in flight at most, an integer or Infinity (default: 3 x CPUs + 1)', parseConcurrency)
    .option('--json', "one JSON event per line on stdout, then the JSON report, instead of podman's output")
    .addOption(
      new Option(
        '--progress <mode>',
        "progress on stderr: auto (live on a terminal, plain on a pipe), live (one line redrawn), plain (a line per item), none (only podman's own stderr)",
      ).choices(PROGRESS_MODES),
    )
    .option('--report-svg <file>', 'after the removal, draw the graph into FILE coloured by outcome');
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new PodmanCommand('podgraph')
    .description('Remove graphs of podman pods and containers: dependents first, exactly once, as parallel as the graph allows.')
    .version(VERSION, '-v, --version')
    // podgraph's -v is the version only before a command, as podman's: `rm -v` is rm's --volumes.
    .enablePositionalOptions()
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true);

  const removal = (parent: Command, kind: ItemKind, description: string) =>
    runFlags(sourceFlags(removalFlags(parent.command('rm').description(description), kind), true))
      .argument('[names...]', `${kind} names or ids (a unique id prefix will do)`)
      .action(async (names: string[], flags: RemoveFlags) => {
        exitCode = await (await import('./commands/remove.js')).runRemove(kind, names, flags, io);
      });
  removal(program, 'container', 'Remove one or more containers, with what depends on them (podman rm)');
  const pod = program.command('pod').description('Remove pods: podgraph pod rm (podman pod rm)');
  removal(pod, 'pod', 'Remove one or more pods and their containers, pods in parallel (podman pod rm)');

  const plan = program
    .command('plan')
    .description('Show what rm / pod rm would do, without doing it: the waves of calls and every refusal');
  const planOf = (parent: Command, kind: ItemKind, description: string) =>
    sourceFlags(removalFlags(parent.command('rm').description(description), kind), false)
      .option('--json', 'the plan as JSON')
      .argument('[names...]', `${kind} names or ids`)
      .action(async (names: string[], flags: PlanFlags) => {
        exitCode = await (await import('./commands/plan.js')).runPlan(kind, names, flags, io);
      });
  planOf(plan, 'container', 'What podgraph rm would do');
  planOf(plan.command('pod').description('What podgraph pod rm would do: plan pod rm'), 'pod', 'What podgraph pod rm would do');

  sourceFlags(
    program
      .command('graph')
      .description('Print the dependency graph: dot, mermaid, svg (pods as boxes, coloured by state) or json (a spec file)'),
    false,
  )
    .addOption(new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('dot'))
    .option(
      '--filter <filter>',
      'Only the containers that match (podman ps syntax, as rm --filter) and what they depend on (repeatable, one filter each)',
      collect,
    )
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .action(async (flags: GraphFlags) => {
      exitCode = await (await import('./commands/graph.js')).runGraph(flags, io);
    });

  systemCommand(program, io, (code) => {
    exitCode = code;
  });

  // Every command prints its errors podman's way and throws instead of exiting. commander writes
  // to writeErr only the usage of a command group run without its command: podman prints that
  // usage on stdout, then `Error: missing command 'podman pod COMMAND'` (see the catch below).
  // commander's own errors (a missing value, a value not among the choices, too many arguments)
  // keep its words, as podman's `Error: ...` with where to get help.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stdout.write(text),
      outputError: (text) =>
        void io.stderr.write(`Error: ${text.trimEnd().replace(/^error: /, '')}\nSee '${commandPath(command)} --help'\n`),
    });
    (command as PodmanCommand).errorOutput = (text) => void io.stderr.write(text);
    for (const sub of command.commands) configure(sub);
  };
  configure(program);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.help') io.stderr.write(`Error: missing command '${argvPath(program, argv)} COMMAND'\n`);
      return error.exitCode === 0 ? EXIT.ok : EXIT.other;
    }
    if (error instanceof CliError) {
      io.stderr.write(`Error: ${error.message}\n`);
      if (error.seeHelp) io.stderr.write(`See '${argvPath(program, argv)} --help'\n`);
      for (const hint of error.hints) io.stderr.write(`${hint}\n`);
      return error.exitCode;
    }
    io.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.other;
  }
}
