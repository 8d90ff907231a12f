/**
 * podman 5.8.2's own system tests for `rm` and `pod rm` (test/system/*.bats at v5.8.2), the ones
 * that mean something for a tool that removes over podman's API, run through podgraph's CLI
 * (`podgraph ... --url <sandbox socket>`) against a private podman of each engine of the matrix.
 * Each test is named after the bats test it ports (file and name) and keeps its assertions: the
 * `rm` / `pod rm` commands run through podgraph, every other command (create, run, inspect, ps,
 * wait, volume) through that engine's own podman, as `run_podman` would. bats' `is` is equality
 * or a regex anchored at the start (`expr`), `=~` an unanchored one; `$output` is stdout and
 * stderr together, `${lines[n]}` its non-empty lines.
 *
 * Adapted, each where it says so:
 * - podgraph has no `podman container` group: `container rm` is `rm`, which podman runs alike;
 * - the tiny image has no `top`, `nc` or `touch`: `sleep` and `sh -c` stand in;
 * - podgraph has no global `--noout`: that `pod rm` is checked to print nothing on stderr;
 * - a test that looks at what a whole (otherwise empty) podman holds starts from an emptied sandbox;
 * - on podman 4.3.1, podgraph speaks 4.3.1's words where 4.3.1's libpod words the message
 *   (`no container with name or ID`, its multi-error pod block), as podman 4.3.1's own bats
 *   tests expected them; the flags and exit codes are podman 5's on both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import type { PodmanSandbox } from '../support/podman-sandbox.ts';
import { TINY_IMAGE } from '../support/podman-sandbox.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { type CliResult, podgraph } from './run-cli.ts';

const IMAGE = TINY_IMAGE;
let sandbox: PodmanSandbox;
let runs = 0;
/** bats' `$(safename)`: a name no other test uses. */
const safename = () => `s${++runs}x${process.pid}`;

interface Run {
  code: number;
  /** stdout and stderr, trailing newlines dropped, as bats' `$output`. */
  output: string;
  /** bats' `${lines[@]}`: the non-empty lines of `output`. */
  lines: string[];
  stdout: string;
  stderr: string;
}

function ran(result: CliResult): Run {
  const output = `${result.stdout}${result.stderr}`.replace(/\n+$/, '');
  return { ...result, output, lines: output.split('\n').filter((line) => line !== '') };
}

function expectCode(run: Run, code: number, what: string): Run {
  expect({ command: what, code: run.code, output: run.output }).toEqual({ command: what, code, output: run.output });
  return run;
}

/** bats' `run_podman [code] args`, for what is not rm / pod rm: this engine's own podman. */
async function runPodman(code: number, ...args: string[]): Promise<Run> {
  return expectCode(ran(await sandbox.podmanExit(...args)), code, `podman ${args.join(' ')}`);
}

/** `run_podman [code] rm|pod rm args`, through podgraph's CLI. */
async function runPodgraph(code: number, ...args: string[]): Promise<Run> {
  return expectCode(ran(await podgraph([...args, '--url', sandbox.url, '--progress', 'none'])), code, `podgraph ${args.join(' ')}`);
}

/**
 * bats' `is`: equal, or, when `expected` looks like a pattern (`expr "$expect" : ".*[^\\][\*\[]"`,
 * a `*`, `[` or backslash after a character other than a backslash, or a leading `[`), a regex match anchored at the start.
 */
function is(actual: string, expected: string): void {
  if (actual === expected) return;
  if (/[^\\][\\*[]|^\[/.test(expected) && new RegExp(`^(?:${expected})`, 's').test(actual)) return;
  expect(actual).toBe(expected);
}

/** bats' `assert "$x" =~ re` (`negate`: `!~`). */
function assertMatch(actual: string, regex: string, negate = false): void {
  expect(new RegExp(regex, 's').test(actual)).toBe(!negate);
}

/** Polls a podman query until it prints `wanted` (bats helpers' wait_for_* loops). */
async function waitFor(wanted: string, ...args: string[]): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if ((await sandbox.podmanExit(...args)).stdout.trim() === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`podman ${args.join(' ')} never printed ${wanted}`);
}

describePodman("podman 5.8.2's system tests for rm and pod rm, through podgraph", (engine) => {
  const live = useSandbox();
  beforeAll(() => {
    ({ sandbox } = live);
  });
  const v5 = engine.major >= 5;

  test('055-rm.bats: podman rm', async () => {
    const cname = `c-${safename()}`;
    await runPodman(0, 'run', '--name', cname, IMAGE, '/bin/true');
    await runPodman(0, 'inspect', cname);
    const ps = await runPodman(0, 'ps', '-a');
    assertMatch(ps.output, ` ${IMAGE} .*/true .* ${cname}`);

    const rm = await runPodgraph(0, 'rm', cname);
    is(rm.output, cname); // "display raw input"
    // podman's inspect and wait, unchanged by podgraph; podman 4.3.1 says "inspecting object:" first and has no wait --ignore.
    is((await runPodman(125, 'inspect', cname)).output, `\\[\\].Error: ${v5 ? '' : 'inspecting object: '}no such object: "${cname}"`);
    is((await runPodman(125, 'wait', cname)).output, `Error: no container with name or ID "${cname}" found: no such container`);
    if (v5) is((await runPodman(0, 'wait', '--ignore', cname)).output, '-1');
  });

  test('055-rm.bats: podman rm - running container, w/o and w/ force', async () => {
    const cid = (await runPodman(0, 'run', '-d', IMAGE, 'sleep', '5')).output;
    const rm = await runPodgraph(2, 'rm', cid);
    is(
      rm.output,
      `Error: cannot remove container ${cid} as it is running - running or paused containers cannot be removed without force: container state improper`,
    );
    await runPodgraph(0, 'rm', '-t', '0', '-f', cid);
  });

  test('055-rm.bats: podman rm --depend', async () => {
    const dependCid = (await runPodman(0, 'create', IMAGE)).output;
    const cid = (await runPodman(0, 'create', `--net=container:${dependCid}`, IMAGE)).output;
    const refused = await runPodgraph(125, 'rm', dependCid);
    is(refused.output, `Error: container ${dependCid} has dependent containers which must be removed before it:.*`);
    const rm = await runPodgraph(0, 'rm', '--depend', dependCid);
    is(rm.output, `.*${cid}`);
    is(rm.output, `.*${dependCid}`);
  });

  test('055-rm.bats: podman rm -f', async () => {
    // bats starts `sleep 3; rm -t 0 -f c` in the background; here the rm waits until the container runs.
    const cname = `c-${safename()}`;
    const foreground = sandbox.podmanExit('run', '--name', cname, IMAGE, 'sleep', '30');
    await waitFor('running', 'inspect', '--format', '{{.State.Status}}', cname);
    await runPodgraph(0, 'rm', '-t', '0', '-f', cname);
    expect((await foreground).code).toBe(137);
  });

  test('055-rm.bats: podman container rm --force bogus', async () => {
    const name = safename();
    const bogus = await runPodgraph(1, 'rm', `bogus-${name}`);
    is(bogus.output, `Error: no container with ${v5 ? 'ID or name' : 'name or ID'} "bogus-${name}" found: no such container`);
    is((await runPodgraph(0, 'rm', '--force', `bogus-${name}`)).output, '');

    await runPodman(0, 'create', '--name', `testctr-${name}`, IMAGE);
    const rm = await runPodgraph(0, 'rm', '--force', `bogus-${name}`, `testctr-${name}`);
    expect(rm.output).toBe(`testctr-${name}`);

    assertMatch((await runPodman(0, 'ps', '-a', '-q')).output, name, true);
  });

  test('200-pod.bats: podman pod top - containers in different PID namespaces (its pod rm)', async () => {
    const podid = (await runPodman(0, 'pod', 'create', '--infra=false')).output;
    // `top -d 2` in bats; the image's own `sleep 1000` here.
    await runPodman(0, 'run', '-d', '--pod', podid, IMAGE);
    await runPodman(0, 'run', '-d', '--pod', podid, IMAGE);

    const rm = await runPodgraph(125, 'pod', 'rm', podid);
    if (v5) {
      assertMatch(rm.lines[0], `^Error: not all containers could be removed from pod ${podid}: removing pod containers.*`);
    } else {
      // podman 4.3.1's libpod words it as a multi-error (podman 4.3.1's bats checked no more than the exit code).
      expect(rm.lines[0]).toBe('Error: 2 errors occurred:');
    }
    const running =
      'cannot remove container .* as it is running - running or paused containers cannot be removed without force: container state improper';
    assertMatch(rm.lines[1], running);
    assertMatch(rm.lines[2], running);
    expect(rm.lines).toHaveLength(3);

    // `--noout pod rm -f -t 0`: podgraph has no --noout; it prints the pod's id and nothing else.
    const cleanup = await runPodgraph(0, 'pod', 'rm', '-f', '-t', '0', podid);
    expect(cleanup.stderr).toBe('');
    expect(cleanup.stdout).toBe(`${podid}\n`);
  });

  test('200-pod.bats: podman pod - communicating between pods (its rm and pod rm)', async () => {
    const podname = `pod${safename()}`;
    await runPodman(1, 'pod', 'exists', podname);
    const podid = (await runPodman(0, 'pod', 'create', '--infra=true', `--name=${podname}`)).output;
    await runPodman(0, 'pod', 'exists', podname);
    await runPodman(0, 'pod', 'exists', podid);
    // bats' listener, `nc -l`, exits once it got the message: a container that has exited.
    const cid1 = (await runPodman(0, 'run', '-d', '--pod', podname, IMAGE, 'true')).output;
    await runPodman(0, 'wait', cid1);

    await runPodgraph(0, 'rm', cid1);
    // The infra container runs: pod rm without -f still removes the pod.
    await runPodgraph(0, 'pod', 'rm', podname);
    await runPodman(1, 'pod', 'exists', podid);
    await runPodman(1, 'pod', 'exists', podname);
  });

  test('200-pod.bats: podman pod - communicating via /dev/shm', async () => {
    const podname = `p-${safename()}`;
    await runPodman(1, 'pod', 'exists', podname);
    const podid = (await runPodman(0, 'pod', 'create', '--infra=true', `--name=${podname}`)).output;
    await runPodman(0, 'pod', 'exists', podname);
    await runPodman(0, 'pod', 'exists', podid);

    // `touch` in bats: the image has `sh` and `echo`.
    await runPodman(0, 'run', '--rm', '--pod', podname, IMAGE, 'sh', '-c', 'echo > /dev/shm/test1');
    is((await runPodman(0, 'run', '--rm', '--pod', podname, IMAGE, 'ls', '/dev/shm/test1')).output, '/dev/shm/test1');

    await runPodgraph(0, 'pod', 'rm', podname);
    await runPodman(1, 'pod', 'exists', podid);
    await runPodman(1, 'pod', 'exists', podname);
  });

  test('200-pod.bats: podman pod create - hashtag AllTheOptions (its clean up: the pod id file goes with the pod)', async () => {
    // The rest of the bats test needs a custom infra image; its clean up is podgraph's.
    const podIdFile = `${sandbox.dir}/${safename()}.pod-id`;
    await runPodman(0, 'pod', 'create', '--pod-id-file', podIdFile);
    const cid = (await runPodman(0, 'create', '--pod-id-file', podIdFile, IMAGE)).output;
    await runPodgraph(0, 'rm', cid);
    await runPodgraph(0, 'pod', 'rm', '-t', '0', '-f', '--pod-id-file', podIdFile);
    expect(existsSync(podIdFile), `pod-id-file ${podIdFile} should be removed along with pod`).toBe(false);
  });

  test('200-pod.bats: podman rm --force to remove infra container', async () => {
    const podName = `p-${safename()}`;
    const containerId = (await runPodman(0, 'create', '--pod', `new:${podName}`, IMAGE)).output;
    let infraId = (await runPodman(0, 'pod', 'inspect', '--format', '{{.InfraContainerID}}', podName)).output;

    is((await runPodgraph(125, 'rm', infraId)).output, '.* and cannot be removed without removing the pod');
    is((await runPodgraph(125, 'rm', '--force', infraId)).output, '.* and cannot be removed without removing the pod');

    const depend = await runPodgraph(0, 'rm', '--depend', infraId);
    is(depend.output, `.*${infraId}.*`);
    is(depend.output, `.*${containerId}.*`);

    // Now make sure that --force --depend works as well
    const container1Id = (await runPodman(0, 'create', '--pod', `new:${podName}`, IMAGE)).output;
    const container2Id = (await runPodman(0, 'create', '--pod', podName, IMAGE)).output;
    const container3Id = (await runPodman(0, 'create', IMAGE)).output;
    infraId = (await runPodman(0, 'pod', 'inspect', '--format', '{{.InfraContainerID}}', podName)).output;

    const forced = await runPodgraph(0, 'rm', '--force', '--depend', infraId);
    assertMatch(forced.output, `.*${infraId}.*`);
    assertMatch(forced.output, `.*${container1Id}.*`);
    assertMatch(forced.output, `.*${container2Id}.*`);
    assertMatch(forced.output, `.*${container3Id}.*`, true);

    await runPodgraph(0, 'rm', container3Id);
  });

  test('200-pod.bats: pod exit policies (its pod rm -t -1 -f)', async () => {
    const podId = (await runPodman(0, 'pod', 'create', '--exit-policy', 'stop')).output;
    await runPodman(0, 'run', '--pod', podId, IMAGE, 'true');
    // _ensure_pod_state: the pod stops once its only container exited.
    await waitFor('Exited', 'pod', 'inspect', podId, '--format', '{{.State}}');
    await runPodgraph(0, 'pod', 'rm', '-t', '-1', '-f', podId);
  });

  test('200-pod.bats: podman pod rm --force bogus', async () => {
    // "CANNOT BE PARALLELIZED: naked ps": it needs a podman without pods.
    await sandbox.clear();
    is((await runPodgraph(1, 'pod', 'rm', 'bogus')).output, 'Error: .*bogus.*: no such pod');
    is((await runPodgraph(0, 'pod', 'rm', '-t', '-1', '--force', 'bogus')).output, '');

    await runPodman(0, 'pod', 'create', '--name', 'testpod');
    const rm = await runPodgraph(0, 'pod', 'rm', '--force', 'bogus', 'testpod');
    assertMatch(rm.output, '[0-9a-f]{64}');
    expect((await runPodman(0, 'pod', 'ps', '-q')).output).toBe('');
  });

  test('030-run.bats: podman run with log-opt option (its rm -t -1 -f of a container already gone)', async () => {
    // The log size it checks with inspect is run's business, not rm's.
    const cid = (await runPodman(0, 'run', '-d', '--rm', '--log-opt', 'max-size=1.5m', IMAGE, 'sleep', '5')).output;
    await runPodgraph(0, 'rm', '-t', '0', '-f', cid);
    // Make sure rm -t supports the -1 option
    await runPodgraph(0, 'rm', '-t', '-1', '-f', cid);
  });

  test('160-volumes.bats: podman volume, implicit creation with run (its rm -a --volumes)', async () => {
    // It reads `volume ls` of the whole podman, which the other tests here leave with containers.
    await sandbox.clear();
    await runPodman(0, 'volume', 'prune', '-f');
    const rand = `r${safename()}`;
    await runPodman(0, 'run', '-v', '/myvol', IMAGE, 'sh', '-c', `echo ${rand} >/myvol/myfile`);
    const tempvolume = (await runPodman(0, 'volume', 'ls', '-q')).output;
    const mountpoint = (await runPodman(0, 'volume', 'inspect', '--format', '{{.Mountpoint}}', tempvolume)).output;
    is(readFileSync(`${mountpoint}/myfile`, 'utf8').trim(), rand);

    // Remove the container, using rm --volumes. Volume should now be gone.
    await runPodgraph(0, 'rm', '-a', '--volumes');
    is((await runPodman(0, 'volume', 'ls', '-q')).output, '');
  });
});
