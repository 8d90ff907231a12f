/**
 * podman's container filters (checked with `podman ps -a --filter` on the same containers), seen
 * through the plan's selection (`planRemoval`, which removes nothing), then through removeGraph
 * with the SDK's `filters`.
 */
import { ContainerGraph, type GraphSpec, MemoryRuntime, PodgraphError, planRemoval, removeGraph } from 'podgraph';
import { describe, expect, test } from 'vitest';

const SPEC: GraphSpec = {
  pods: [
    { id: 'f00d01', name: 'web', labels: { team: 'a' } },
    { id: 'f00d02', name: 'db' },
  ],
  containers: [
    {
      id: '8521bd85',
      name: 'a1',
      state: 'exited',
      exitCode: 3,
      created: '2026-12-01T08:00:00.000000001Z',
      labels: { env: 'ci', team: 'x' },
    },
    { id: 'b06a21d6', name: 'a2', state: 'stopped', exitCode: 0, created: '2026-12-01T08:00:00.000000002Z', labels: { env: 'prod' } },
    { id: '54c0f85c', name: 'b1', state: 'running', created: '2026-12-01T09:00:00+01:00', labels: { env: 'ci' }, dependsOn: ['a2'] },
    { id: '47b32408', name: 'b2', exitCode: 0, created: '2026-12-01T08:00:01Z', dependsOn: ['a1'] },
    { id: 'aa00', name: 'web-infra', pod: 'web', infra: true, labels: { team: 'a' } },
    { id: 'aa01', name: 'web-app', pod: 'web', state: 'paused', labels: { 'io.podman/x': '1' } },
    { id: 'bb01', name: 'db-main', pod: 'db' },
  ],
};

const graph = ContainerGraph.fromSpec(SPEC);

/** The names of the containers `filters` match, in the graph's order. */
function matched(...filters: string[]): string[] {
  return planRemoval(graph, { filters }).selection.containers.map((id) => graph.container(id)!.name!);
}

function refused(filters: string[]): string {
  try {
    planRemoval(graph, { filters });
  } catch (error) {
    expect(error).toBeInstanceOf(PodgraphError);
    expect((error as PodgraphError).code).toBe('INVALID_ARG');
    return (error as PodgraphError).message;
  }
  throw new Error(`planRemoval with filters ${JSON.stringify(filters)} did not throw`);
}

describe("podman's refusals, word for word", () => {
  test.each([
    [['x'], 'invalid filter "x"'],
    [['bogus=1'], 'bogus is an invalid filter'],
    [
      ['command=sleep'],
      'command is a podman filter podgraph cannot apply: the model has no commands (filter by id, name, label, label!, status, pod, exited, before, since)',
    ],
    [['=x'], ' is an invalid filter'],
    [['Label=env'], 'Label is an invalid filter'],
    [['status=stopping'], 'unknown container state: stopping: invalid argument'],
    [['status=Exited'], 'unknown container state: Exited: invalid argument'],
    [['name=a', 'status=nope'], 'unknown container state: nope: invalid argument'],
  ])('%j: %s', (filters, message) => {
    expect(refused(filters)).toBe(message);
  });

  test.each([
    [['exited=x'], `exited code out of range '\\x00': strconv.ParseInt: parsing "x": invalid syntax`],
    [['exited='], `exited code out of range '\\x00': strconv.ParseInt: parsing "": invalid syntax`],
    [['exited=99999999999'], `exited code out of range '\uFFFD': strconv.ParseInt: parsing "99999999999": value out of range`],
  ])('%j: %s', (filters, message) => {
    expect(refused(filters)).toBe(message);
  });

  test.each(['until=1h', 'ancestor=tiny', 'volume=v', 'network=n', 'health=healthy', 'restart-policy=always'])(
    '%s is a podman filter the model cannot answer: refused, saying so',
    (filter) => {
      const key = filter.slice(0, filter.indexOf('='));
      expect(refused([filter])).toMatch(new RegExp(`^${key} is a podman filter podgraph cannot apply: the model has no `));
    },
  );
});

describe('matching, as podman ps -a --filter', () => {
  test("id: a hex value is an id prefix (podman 5's FilterID), anything else a regular expression matched anywhere", () => {
    expect(matched('id=a21d')).toEqual([]);
    expect(matched('id=b06a')).toEqual(['a2']);
    expect(matched('id=B06A')).toEqual(['a2']);
    expect(matched('id=a21.6')).toEqual(['a2']);
    expect(matched('id=^aa')).toEqual(['web-infra', 'web-app']);
  });

  test('name: a regular expression matched anywhere, its slashes dropped (podman 5)', () => {
    expect(matched('name=/a1')).toEqual(['a1']);
    expect(matched('name=1')).toEqual(['a1', 'b1']);
    expect(matched('name=^a')).toEqual(['a1', 'a2']);
    expect(matched('name=^b.$')).toEqual(['b1', 'b2']);
    expect(matched('name=(?i)^A1$')).toEqual(['a1']);
  });

  test('an expression that does not compile matches nothing (no error), an empty one everything', () => {
    expect(matched('name=[')).toEqual([]);
    expect(matched('name=')).toHaveLength(SPEC.containers!.length);
  });

  test('values of one key OR', () => {
    expect(matched('name=a1', 'name=^b')).toEqual(['a1', 'b1', 'b2']);
    expect(matched('status=running', 'status=paused')).toEqual(['b1', 'web-app']);
  });

  test('label: a key, a key=value, key= for any value, a * glob over keys; every value must match', () => {
    expect(matched('label=env')).toEqual(['a1', 'a2', 'b1']);
    expect(matched('label=env=')).toEqual(['a1', 'a2', 'b1']);
    expect(matched('label=env=ci')).toEqual(['a1', 'b1']);
    expect(matched('label=nv')).toEqual([]);
    expect(matched('label=*nv=ci')).toEqual(['a1', 'b1']);
    expect(matched('label=io.*/x')).toEqual(['web-app']);
    expect(matched('label=env=ci', 'label=team=x')).toEqual(['a1']);
    expect(matched('label=')).toEqual([]);
  });

  test("label!: the containers on which not every given label matches (podman 5's negated label)", () => {
    expect(matched('label!=env=ci')).toEqual(['a2', 'b2', 'web-infra', 'web-app', 'db-main']);
    expect(matched('label!=env=ci', 'label!=team=x')).toEqual(['a2', 'b1', 'b2', 'web-infra', 'web-app', 'db-main']);
    expect(matched('label!=env', 'label=env')).toEqual([]);
  });

  test("label globs are Go's filepath.Match: [...] classes, ^ negation, ranges and \\ escapes", () => {
    // podman globs a key only when it has a `*`.
    expect(matched('label=[e]nv=ci')).toEqual([]);
    expect(matched('label=*[e]nv=ci')).toEqual(['a1', 'b1']);
    expect(matched('label=*[^t]eam')).toEqual([]);
    expect(matched('label=*[s-u]eam=a')).toEqual(['web-infra']);
    expect(matched('label=*io.podman\\/?')).toEqual(['web-app']);
    expect(matched('label=*[env')).toEqual([]);
  });

  test('status: podman words; stopped means exited, created is the default state', () => {
    expect(matched('status=exited')).toEqual(['a1', 'a2']);
    expect(matched('status=stopped')).toEqual(['a1', 'a2']);
    expect(matched('status=created')).toEqual(['b2', 'web-infra', 'db-main']);
    expect(matched('status=removing')).toEqual([]);
  });

  test('pod: by name, id or unique id prefix, the infra container included; an unknown or ambiguous pod matches nothing', () => {
    expect(matched('pod=web')).toEqual(['web-infra', 'web-app']);
    expect(matched('pod=f00d02')).toEqual(['db-main']);
    expect(matched('pod=f00d0')).toEqual([]);
    expect(matched('pod=f00d01', 'pod=db')).toEqual(['web-infra', 'web-app', 'db-main']);
    expect(matched('pod=nope')).toEqual([]);
  });

  test('exited: the exit code of an exited or stopped container; a created one with code 0 is not exited', () => {
    expect(matched('exited=0')).toEqual(['a2']);
    expect(matched('exited=3', 'exited=+0')).toEqual(['a1', 'a2']);
    expect(matched('exited=1')).toEqual([]);
  });

  test('before and since compare creation times to the earliest container named, to the nanosecond, any time zone', () => {
    // b1 was created at 08:00:00Z (09:00 at +01:00): the same second as a1, later by nothing
    expect(matched('since=a1')).toEqual(['a2', 'b2']);
    expect(matched('before=a2')).toEqual(['a1', 'b1']);
    expect(matched('before=b2', 'before=a2')).toEqual(['a1', 'b1']);
    expect(matched('since=b2', 'since=8521')).toEqual(['a2', 'b2']);
    // containers without a creation time match neither
    expect(matched('since=b1')).toEqual(['a1', 'a2', 'b2']);
  });

  test("before and since: an unknown container is podman's no such container; one without a time is refused", () => {
    expect(() => planRemoval(graph, { filters: ['before=nope'] })).toThrow(
      expect.objectContaining({ code: 'NO_SUCH_CTR', message: 'no container with name or ID "nope" found: no such container' }),
    );
    expect(() => planRemoval(graph, { filters: ['since=web-app'] })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARG',
        message: 'since=web-app: container aa01 has no creation time (ContainerSpec.created) to compare with',
      }),
    );
  });

  test('different keys AND', () => {
    expect(matched('label=env=ci', 'status=running')).toEqual(['b1']);
    expect(matched('label=team', 'pod=web')).toEqual(['web-infra']);
    expect(matched('name=a', 'name=b', 'label=env=ci')).toEqual(['a1', 'b1']);
  });
});

describe('removeGraph with filters', () => {
  const run = async (options: Parameters<typeof removeGraph>[1]) => {
    const runtime = new MemoryRuntime(SPEC);
    const report = await removeGraph(graph, { ...options, runtime });
    const ids = (m: Map<string, unknown>) => [...m.keys()].map((id) => graph.container(id)?.name ?? graph.pod(id)?.name).sort();
    return { report, containers: ids(report.containers), pods: ids(report.pods), calls: runtime.log.length };
  };

  test('the matched containers are the targets; an unmatched dependent keeps its dependency (CTR_EXISTS), as podman', async () => {
    const { report, containers } = await run({ filters: ['label=env=ci'], force: true });
    expect(containers).toEqual(['a1', 'b1']);
    expect(report.containers.get('8521bd85')?.code).toBe('CTR_EXISTS');
    expect(report.containers.get('54c0f85c')).toBeNull();
  });

  test('with depend, what depends on a matched container comes too (podman rm --depend --filter)', async () => {
    const { report, containers } = await run({ filters: ['label=env=ci'], depend: true, force: true });
    expect(containers).toEqual(['a1', 'b1', 'b2']);
    expect(report.ok).toBe(true);
  });

  test('a matched infra container with depend brings its pod', async () => {
    const { report, pods, containers } = await run({ filters: ['label=team=a', 'pod=web'], depend: true, force: true });
    expect(pods).toEqual(['web']);
    expect(containers).toEqual(['web-app', 'web-infra']);
    expect(report.ok).toBe(true);
  });

  test('with containers, only the named ones that match (libpod): others are no error', async () => {
    const { containers } = await run({ filters: ['label=env'], containers: ['a2', 'b2', 'ghost'] });
    expect(containers).toEqual(['a2']);
  });

  test('nothing matches: an empty report, no call', async () => {
    expect(await run({ filters: ['label=none'] })).toMatchObject({ containers: [], pods: [], calls: 0, report: { ok: true } });
  });

  test.each([
    [{ filters: ['x'] }, 'invalid filter "x"'],
    [{ filters: ['until=1h'] }, 'until is a podman filter podgraph cannot apply'],
    [{ filters: ['label=a'], all: true }, '`filters` select containers: they cannot be used together with `all` or `pods`'],
    [{ filters: ['label=a'], pods: ['web'] }, '`filters` select containers'],
    [{ filters: 'label=a' }, 'Expected `filters` to be an array of \'KEY=VALUE\' strings, got `"label=a"` (string)'],
    [{ filters: [] }, 'nothing to remove'],
  ])('%j is INVALID_ARG before any call', async (options, message) => {
    const runtime = new MemoryRuntime(SPEC);
    const error = await removeGraph(graph, { ...(options as object), runtime }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(PodgraphError);
    expect((error as PodgraphError).code).toBe('INVALID_ARG');
    expect((error as PodgraphError).message).toContain(message);
    expect(runtime.log).toEqual([]);
  });
});
