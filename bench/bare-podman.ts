/**
 * The floor for a removal through podman's API: a bare script that already knows the graph (it
 * built the host: no list, no inspect) and only sends the DELETEs, at podgraph's concurrency
 * (p-limit), over one keep-alive Agent on the unix socket. Two ways to take a pod:
 * - `pods`: one forced `DELETE /libpod/pods/{id}` per pod (podman removes its members in
 *   dependency order itself), every pod at once;
 * - `members`: the pod's members first, level by level (dependents first), one DELETE each, then
 *   the pod's DELETE (which takes its infra container).
 * The containers outside pods go level by level, dependents first, beside the pods.
 */
import pLimit from 'p-limit';
import type { Fixture } from '../test/support/fixtures.ts';
import type { BuiltHost } from '../test/support/large-fixture.ts';
import { SocketApi } from '../test/support/socket-api.ts';

export type BareVariant = 'pods' | 'members';

/** What the script knows: ids, each pod's members and the containers outside pods in levels, dependents first. */
export interface BarePlan {
  pods: { id: string; memberLevels: string[][] }[];
  outsideLevels: string[][];
}

/**
 * Levels of `names`, dependents first: level 0 has no dependent among them, level k waits for
 * level k - 1. `names` come after what they depend on (as a fixture lists them), so one pass
 * from the end settles each before what it depends on.
 */
function levels(names: readonly string[], dependsOn: (name: string) => readonly string[]): string[][] {
  const height = new Map<string, number>(names.map((name) => [name, 0]));
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i]!;
    for (const dependency of dependsOn(name)) {
      if (height.has(dependency)) height.set(dependency, Math.max(height.get(dependency)!, height.get(name)! + 1));
    }
  }
  const out: string[][] = [];
  for (const name of names) (out[height.get(name)!] ??= []).push(name);
  return out;
}

export function barePlan(fixture: Fixture, built: BuiltHost): BarePlan {
  const byName = new Map(fixture.containers.map((c) => [c.name, c]));
  const dependsOn = (name: string) => {
    const c = byName.get(name)!;
    return [...(c.requires ?? []), ...(c.networkOf ? [c.networkOf] : [])];
  };
  const id = (name: string) => built.containers.get(name)!;
  const ids = (names: string[][]) => names.map((level) => level.map(id));
  return {
    pods: (fixture.pods ?? []).map((pod) => ({
      id: built.pods.get(pod)!,
      memberLevels: ids(
        levels(
          fixture.containers.filter((c) => c.pod === pod).map((c) => c.name),
          dependsOn,
        ),
      ),
    })),
    outsideLevels: ids(
      levels(
        fixture.containers.filter((c) => c.pod === undefined).map((c) => c.name),
        dependsOn,
      ),
    ),
  };
}

/** Removes the host the bare way; resolves with the wall time from the first request to the last answer, and every refusal. */
export async function bareRemove(
  url: string,
  plan: BarePlan,
  variant: BareVariant,
  concurrency: number,
): Promise<{ ms: number; requests: number; errors: string[] }> {
  const api = new SocketApi(url, concurrency);
  const limit = pLimit(concurrency);
  const errors: string[] = [];
  let requests = 0;
  const remove = async (kind: 'containers' | 'pods', id: string) => {
    requests++;
    const reply = await limit(() => api.send('DELETE', `/v4.0.0/libpod/${kind}/${id}?force=true&timeout=0`));
    if (reply.status !== 200) errors.push(`DELETE ${kind}/${id}: ${reply.status} ${reply.text.trim()}`);
    else if (kind === 'containers') {
      // podman 4.3.1 answers 200 with an `Err` in an item when that item failed.
      for (const item of JSON.parse(reply.text) as { Id: string; Err?: string }[]) if (item.Err) errors.push(`${item.Id}: ${item.Err}`);
    }
  };
  const inLevels = async (levelsOf: string[][]) => {
    for (const level of levelsOf) await Promise.all(level.map((id) => remove('containers', id)));
  };
  const started = performance.now();
  try {
    await Promise.all([
      ...plan.pods.map(async (pod) => {
        if (variant === 'members') await inLevels(pod.memberLevels);
        await remove('pods', pod.id);
      }),
      inLevels(plan.outsideLevels),
    ]);
    return { ms: performance.now() - started, requests, errors };
  } finally {
    api.close();
  }
}
