/** `podgraph rm` and `podgraph pod rm`: podman's commands, removing whole graphs in one run. */
import { writeFileSync } from 'node:fs';
import { PodgraphError } from '../../errors.js';
import { type ContainerGraph, type ItemKind, type RemovalEvent, type RemovalReport, type RemoveOptions, removeGraph } from '../../index.js';
import { CliError, EXIT } from '../cli-error.js';
import { hostNamesOf } from '../connection-flags.js';
import { finishingInFlight, onInterrupt } from '../interrupt.js';
import { eventJson, refusedReportJson, reportJson } from '../json-report.js';
import { type RemoveFlags, removalRequest } from '../options.js';
import { errorBlocks, interruptedSummary, refusalExitCode, refusalText, removalExitCode, removedLine, tally } from '../output.js';
import { finishPodIdFiles } from '../pod-id-files.js';
import type { Io } from '../progress.js';
import { createProgress, progressMode } from '../progress.js';
import { drawingOf, shortId } from '../render/drawing.js';
import type { Source, SourceJson } from '../source.js';
import { refusalHints, removalHints, summaryLine } from '../summary.js';
import { runOnHosts } from './on-hosts.js';
import { type OpenRemoval, openRemoval } from './open-removal.js';

/** A label for progress lines: the name, else the short id. */
function labelIn(graph: ContainerGraph): (kind: 'container' | 'pod', id: string) => string {
  return (kind, id) => (kind === 'pod' ? graph.pod(id)?.name : graph.container(id)?.name) ?? shortId(id);
}

/** `pod rm -a` with no pods: nothing to remove, which removeGraph would call a mistake. */
function nothingToRemove(options: RemoveOptions): boolean {
  return (
    options.all !== true &&
    (options.pods?.length ?? 0) === 0 &&
    (options.containers?.length ?? 0) === 0 &&
    (options.filters?.length ?? 0) === 0
  );
}

/**
 * A PodgraphError that stopped a removal before it started, as the source's podman reports it,
 * with the hint that suggests the fix (unless `quiet`).
 */
export function refused(error: unknown, source: Source, kind: ItemKind, options: RemoveOptions, quiet: boolean): unknown {
  if (!(error instanceof PodgraphError)) return error;
  const hints = quiet ? [] : refusalHints(error, kind, source.graph, options);
  return new CliError(refusalText(error, source.dialect, source.graph, options), refusalExitCode(error), hints);
}

/** The SVG layout (dagre) is loaded only for --report-svg, as `graph` loads it only for --format svg. */
async function writeReportSvg(file: string, kind: ItemKind, graph: ContainerGraph, report: RemovalReport): Promise<void> {
  const { renderSvg } = await import('../render/svg.js');
  const { total, removed, failed, aborted } = tally(report);
  const title = `podgraph ${kind === 'pod' ? 'pod rm' : 'rm'}: ${removed} of ${total} items removed, ${failed} not removed${aborted > 0 ? `, ${aborted} not attempted` : ''}`;
  writeFileSync(file, renderSvg(drawingOf(graph, report), { title }));
}

export async function runRemove(kind: ItemKind, names: string[], flags: RemoveFlags, io: Io): Promise<number> {
  const hosts = hostNamesOf(flags);
  if (hosts !== undefined) {
    removalRequest(kind, names, flags); // podman's argument errors once, not once per host
    return runOnHosts(hosts, flags, io, (hostFlags, hostIo) => runRemove(kind, names, hostFlags, hostIo));
  }
  const json = flags.json === true;
  // `--progress none` is podman's own stderr only: no line of podgraph's (where, hints, summary).
  const quiet = json || flags.progress === 'none';
  let sourceJson: SourceJson | undefined;
  try {
    const opened = await openRemoval(kind, names, flags);
    sourceJson = opened.source.json;
    return await removeOpened(kind, flags, io, opened, quiet);
  } catch (error) {
    // `--json` always ends with one report line: a refusal's carries the error.
    if (json && error instanceof CliError) io.stdout.write(`${refusedReportJson(error.message, 'REFUSED', error.exitCode, sourceJson)}\n`);
    else if (json && error instanceof PodgraphError)
      io.stdout.write(`${refusedReportJson(error.message, error.code, EXIT.other, sourceJson)}\n`);
    throw error;
  }
}

async function removeOpened(kind: ItemKind, flags: RemoveFlags, io: Io, opened: OpenRemoval, quiet: boolean): Promise<number> {
  const { source, targets, options, podIdFiles } = opened;
  try {
    const { graph, dialect } = source;
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const json = flags.json === true;
    if (!quiet) io.stderr.write(`${source.where}\n`);
    const mode = json ? 'none' : progressMode(flags.progress ?? 'auto', io.stderr);
    const progress = createProgress({ mode, stderr: io.stderr, label: labelIn(graph), elapsed });
    const interrupt = onInterrupt((text) => {
      if (mode !== 'none') progress.line(io.stderr, text);
    });
    const onEvent = (event: RemovalEvent) => {
      progress.update(event);
      if (json) {
        io.stdout.write(`${eventJson(event, elapsed())}\n`);
        return;
      }
      const line = removedLine(kind, event, targets.typed);
      if (line !== undefined) progress.line(io.stdout, line);
    };

    let report: RemovalReport;
    try {
      report = nothingToRemove(options)
        ? { containers: new Map(), pods: new Map(), names: new Map(), ok: true }
        : await removeGraph(graph, { ...options, runtime: finishingInFlight(source.runtime), signal: interrupt.signal, onEvent });
    } catch (error) {
      throw refused(error, source, kind, options, quiet);
    } finally {
      interrupt.dispose();
      progress.end();
    }

    let exitCode = removalExitCode(kind, report, interrupt.interrupted);
    let blocks: string[];
    if (podIdFiles.length === 0) {
      blocks = errorBlocks(kind, graph, report, dialect);
    } else {
      // Errors of their own, whatever the report says: a file not read, a pod not there.
      const files = finishPodIdFiles(podIdFiles, graph, report, dialect, source.inMemory);
      blocks = files.blocks;
      if (!interrupt.interrupted && files.noSuch) exitCode = EXIT.noSuch;
      else if (exitCode === EXIT.ok && blocks.length > 0) exitCode = EXIT.other;
    }
    if (json) {
      const extra = { interrupted: interrupt.interrupted, exitCode, elapsedMs: elapsed(), source: source.json };
      io.stdout.write(`${reportJson(report, extra)}\n`);
      // The report has the removal's errors; a file's own are only here.
      for (const target of podIdFiles) if (target.error !== undefined) io.stderr.write(`Error: ${target.error.message}\n`);
    } else {
      for (const block of blocks) io.stderr.write(`${block}\n`);
      if (!quiet) for (const hint of removalHints(report)) io.stderr.write(`${hint}\n`);
      // An interrupted removal's summary is its own `Error: interrupted: ...` line.
      if (interrupt.interrupted) io.stderr.write(`${interruptedSummary(report)}\n`);
      else if (!quiet) io.stderr.write(`${summaryLine(report, elapsed())}\n`);
    }
    if (flags.reportSvg === undefined) return exitCode;
    try {
      await writeReportSvg(flags.reportSvg, kind, graph, report);
      return exitCode;
    } catch (error) {
      // The removal happened: its exit code stands, unless it was a success the picture now spoils.
      io.stderr.write(`Error: --report-svg ${flags.reportSvg}: ${(error as Error).message}\n`);
      return exitCode === 0 ? EXIT.other : exitCode;
    }
  } finally {
    await source.close();
  }
}
