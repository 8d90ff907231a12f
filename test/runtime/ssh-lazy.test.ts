/** ssh2 loads only when a runtime first talks ssh: importing the package (or a unix runtime) does not load it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);

test('importing podgraph does not load ssh2; the first ssh request does', async () => {
  const index = new URL('../../dist/index.js', import.meta.url).href;
  const script = `
    const loaded = () => Object.keys(require.cache).some((path) => path.includes('/node_modules/ssh2/'));
    (async () => {
      const { PodmanRuntime } = await import(${JSON.stringify(index)});
      new PodmanRuntime({ url: 'unix:///nonexistent/podgraph.sock' });
      const before = loaded();
      const ssh = new PodmanRuntime({ url: 'ssh://u@127.0.0.1:1/s.sock', identity: '/nonexistent/key', environment: { env: { HOME: '/nonexistent' } } });
      const message = await ssh.ping().then(() => 'pinged', (error) => error.message);
      console.log(JSON.stringify({ before, after: loaded(), message }));
    })();`;
  const { stdout } = await run('node', ['-e', script]);
  expect(JSON.parse(stdout)).toEqual({
    before: false,
    after: true,
    message: 'podman service at ssh://u@127.0.0.1:1/s.sock: GET /_ping: the identity file /nonexistent/key does not exist',
  });
});
