import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import the package by its name, as users do; here it means the source.
  resolve: { alias: { podgraph: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI, the README's CommonJS snippet and the import-graph check run the compiled package.
    globalSetup: ['test/support/build.ts'],
    testTimeout: 60_000,
    // The engine suites mostly wait on podman and dockerd: three files at a time keep two cores busy.
    maxWorkers: 3,
    // Fixtures are built with the engines' CLIs in hooks: podman 5 on a loaded 2-core machine takes tens of seconds for some.
    hookTimeout: 120_000,
  },
});
