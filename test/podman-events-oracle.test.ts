/** The podman event oracle's checks flag fabricated violations and pass a good record (no podman needed). */
import { ContainerGraph } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { checkRemoveEvents, type RemoveEvent, unrecordedRemovals } from './support/podman-events.ts';

const graph = ContainerGraph.fromSpec({
  pods: [{ id: 'p' }],
  containers: [{ id: 'i', pod: 'p', infra: true }, { id: 'm', pod: 'p' }, { id: 'a' }, { id: 'b', dependsOn: ['a'] }],
});
const event = (type: RemoveEvent['type'], id: string, timeNano: number): RemoveEvent => ({
  type,
  id,
  name: id,
  podId: '',
  timeNano: BigInt(timeNano),
});
const good = [
  event('container', 'b', 1),
  event('container', 'a', 2),
  event('container', 'm', 3),
  event('container', 'i', 4),
  event('pod', 'p', 5),
];

describe('podman event oracle', () => {
  test('a good record passes', () => {
    expect(checkRemoveEvents(graph, good)).toEqual([]);
    expect(unrecordedRemovals({ containers: new Map([['a', null]]), pods: new Map([['p', null]]) }, good)).toEqual([]);
  });

  test('a dependency removed before its dependent, or while it stays, a pod before a member, a double removal', () => {
    expect(checkRemoveEvents(graph, [event('container', 'a', 1), event('container', 'b', 2)])).toEqual([
      'podman removed container a before its dependent b',
    ]);
    expect(checkRemoveEvents(graph, [event('container', 'a', 1)])).toEqual([
      'podman removed container a while its dependent b was still there',
    ]);
    expect(checkRemoveEvents(graph, [event('container', 'i', 1), event('pod', 'p', 2), event('container', 'm', 3)])).toContain(
      'podman removed pod p before its member m',
    );
    expect(checkRemoveEvents(graph, [...good, event('container', 'b', 6)])).toEqual(['podman removed container b (b) twice']);
  });

  test('an item reported removed that podman never recorded', () => {
    expect(
      unrecordedRemovals(
        {
          containers: new Map([
            ['a', null],
            ['b', new Error('x')],
          ]),
          pods: new Map(),
        },
        [],
      ),
    ).toEqual(['container a']);
  });
});
