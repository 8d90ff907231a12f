/**
 * DockerRuntime over ssh://, the transport PodmanRuntime uses: OpenSSH's sshd on loopback in
 * front of a private dockerd's socket. The environment is injected with a temp HOME, so the
 * host's ~/.ssh is never read.
 */
import { ContainerGraph, DockerRuntime, removeGraph } from 'podgraph';
import { expect, test } from 'vitest';
import { brokenByEvents } from '../support/docker-events.ts';
import { createInDocker } from '../support/docker-fixtures.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';
import { failure } from '../support/failure.ts';
import { describeSsh, useSshd } from '../support/ssh-tests.ts';

describeDocker('DockerRuntime over ssh://', () => {
  describeSsh('through a private sshd', () => {
    const live = useDockerSandbox();
    const ssh = useSshd();

    test('reads and removes the host in order over ssh://user@host:port/path.sock', async () => {
      await createInDocker(live.sandbox, {
        containers: [{ name: 'vpn', running: true }, { name: 'app', running: true, networkOf: 'vpn' }, { name: 'spare' }],
      });
      const runtime = new DockerRuntime({
        url: ssh.sshd.url(live.sandbox.socketPath),
        identity: ssh.sshd.clientKey,
        environment: { env: { HOME: ssh.sshd.home } },
      });
      try {
        expect(await runtime.engine()).toBe('docker');
        const before = (await live.sandbox.destroyEvents()).length;
        const graph = await ContainerGraph.fromRuntime(runtime);
        expect(graph.dependenciesOf('app').map((id) => graph.container(id)?.name)).toEqual(['vpn']);
        const report = await removeGraph(graph, { all: true, force: true });
        expect(report.ok).toBe(true);
        expect(await live.sandbox.docker('ps', '-aq')).toBe('');
        expect(brokenByEvents(graph, (await live.sandbox.destroyEvents()).slice(before))).toEqual([]);
      } finally {
        runtime.close();
      }
    });

    test("an unknown host key is refused, naming host:port and Docker's daemon, and nothing is removed", async () => {
      await createInDocker(live.sandbox, { containers: [{ name: 'kept' }] });
      ssh.sshd.trust();
      const runtime = new DockerRuntime({
        url: ssh.sshd.url(live.sandbox.socketPath),
        identity: ssh.sshd.clientKey,
        environment: { env: { HOME: ssh.sshd.home } },
      });
      const error = await failure(runtime.inspect());
      runtime.close();
      ssh.sshd.trust(ssh.sshd.knownHostsLine);
      expect(error?.code).toBe('RUNTIME');
      expect(error?.message).toMatch(/^Docker daemon at ssh:\/\/.*: GET \/version: ssh: the host key of 127\.0\.0\.1:\d+ is unknown/);
      expect(await live.sandbox.docker('ps', '-a', '--format', '{{.Names}}')).toBe('kept');
    });
  });
});
