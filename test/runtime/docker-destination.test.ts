/**
 * Where a DockerRuntime connects, rule by rule (the docker CLI's order), on a machine whose
 * environment and files are given in memory: nothing here reads the host's docker config.
 */
import { createHash } from 'node:crypto';
import { type ConnectionEnvironment, DockerRuntime } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { failure, thrown } from '../support/failure.ts';

const HOME = '/home/me';

/** A context as `docker context create NAME --docker host=HOST` stores it. */
function context(name: string, host: string, configDir = `${HOME}/.docker`): Record<string, string> {
  const hash = createHash('sha256').update(name).digest('hex');
  const meta = { Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } };
  return { [`${configDir}/contexts/meta/${hash}/meta.json`]: JSON.stringify(meta) };
}

function machine(env: Record<string, string>, files: Record<string, string> = {}): Partial<ConnectionEnvironment> {
  return {
    env: { HOME, ...env },
    platform: 'linux',
    home: HOME,
    readFile: (path) => files[path],
    listDir: (path) => {
      const prefix = `${path}/`;
      const names = Object.keys(files)
        .filter((file) => file.startsWith(prefix))
        .map((file) => file.slice(prefix.length).split('/')[0]!);
      return names.length === 0 ? undefined : [...new Set(names)];
    },
  };
}

const where = (options: ConstructorParameters<typeof DockerRuntime>[0]) => {
  const runtime = new DockerRuntime(options);
  runtime.close();
  return runtime.destination;
};

const files = {
  ...context('remote', 'ssh://deploy@build.example'),
  ...context('tcp', 'tcp://10.0.0.5:2375'),
  [`${HOME}/.docker/config.json`]: JSON.stringify({ auths: {}, currentContext: 'remote' }),
};

describe('DockerRuntime: where it connects', () => {
  test('with nothing set: the default socket', () => {
    expect(where({ environment: machine({}) })).toEqual({
      url: 'unix:///var/run/docker.sock',
      context: undefined,
      source: 'default socket',
    });
  });

  test('url wins over everything; DOCKER_HOST over the contexts', () => {
    const env = { DOCKER_HOST: 'unix:///run/d.sock', DOCKER_CONTEXT: 'tcp' };
    expect(where({ url: 'tcp://127.0.0.1:1', environment: machine(env, files) })).toMatchObject({
      url: 'tcp://127.0.0.1:1',
      source: 'url',
    });
    expect(where({ environment: machine(env, files) })).toEqual({ url: 'unix:///run/d.sock', context: undefined, source: 'DOCKER_HOST' });
  });

  test('the context option wins over DOCKER_HOST, as `docker --context` does', () => {
    expect(where({ context: 'tcp', environment: machine({ DOCKER_HOST: 'unix:///run/d.sock' }, files) })).toEqual({
      url: 'tcp://10.0.0.5:2375',
      context: 'tcp',
      source: 'context',
    });
  });

  test('DOCKER_CONTEXT, else config.json currentContext; `default` is the default socket', () => {
    expect(where({ environment: machine({ DOCKER_CONTEXT: 'tcp' }, files) })).toMatchObject({
      url: 'tcp://10.0.0.5:2375',
      source: 'DOCKER_CONTEXT',
    });
    expect(where({ environment: machine({}, files) })).toEqual({
      url: 'ssh://deploy@build.example',
      context: 'remote',
      source: 'current context',
    });
    expect(where({ environment: machine({ DOCKER_CONTEXT: 'default' }, files) })).toMatchObject({ url: 'unix:///var/run/docker.sock' });
  });

  test('DOCKER_CONFIG moves the config folder', () => {
    const moved = { ...context('ci', 'unix:///ci/docker.sock', '/etc/ci-docker'), '/etc/ci-docker/config.json': '{"currentContext":"ci"}' };
    expect(where({ environment: machine({ DOCKER_CONFIG: '/etc/ci-docker' }, moved) })).toMatchObject({
      url: 'unix:///ci/docker.sock',
      context: 'ci',
    });
  });

  test('an unknown context is INVALID_ARG naming it and the known ones; nothing is contacted', () => {
    const error = thrown(() => new DockerRuntime({ context: 'nope', environment: machine({}, files) }));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toBe('docker context "nope" does not exist; known: "default", "remote", "tcp"');
    expect(thrown(() => new DockerRuntime({ environment: machine({ DOCKER_CONTEXT: 'gone' }, files) })).message).toContain(
      'docker context "gone" (from DOCKER_CONTEXT) does not exist',
    );
  });

  test("Docker's URL defaults: tcp port 2375, the daemon's socket over ssh; TLS is refused, not ignored", () => {
    expect(new DockerRuntime({ url: 'tcp://10.0.0.5', environment: machine({}) }).url).toBe('tcp://10.0.0.5');
    expect(where({ environment: machine({}, files) }).url).toBe('ssh://deploy@build.example');
    const tls = thrown(() => new DockerRuntime({ url: 'tcp://10.0.0.5:2376', environment: machine({ DOCKER_TLS_VERIFY: '1' }) }));
    expect(tls.code).toBe('INVALID_ARG');
    expect(tls.message).toContain('DOCKER_TLS_VERIFY is set');
    const hash = createHash('sha256').update('tcp').digest('hex');
    const withTls = { ...files, [`${HOME}/.docker/contexts/tls/${hash}/docker/ca.pem`]: 'PEM' };
    const tlsContext = thrown(() => new DockerRuntime({ context: 'tcp', environment: machine({}, withTls) }));
    expect(tlsContext.message).toContain('docker context "tcp" connects to tcp://10.0.0.5:2375 with TLS');
    for (const bad of ['http://x', 'unix://relative.sock', '', 42]) {
      expect(thrown(() => new DockerRuntime({ url: bad as string, environment: machine({}) })).code, String(bad)).toBe('INVALID_ARG');
    }
  });

  test('a service that is not there fails at once, naming the URL and dockerd', async () => {
    const runtime = new DockerRuntime({ url: 'unix:///nonexistent/docker.sock', environment: machine({}) });
    const error = await failure(runtime.inspect());
    runtime.close();
    expect(error?.code).toBe('RUNTIME');
    expect(error?.message).toMatch(
      /^Docker daemon at unix:\/\/\/nonexistent\/docker\.sock: GET \/version: cannot connect: the socket does not exist .*is dockerd running\?$/,
    );
  });
});
