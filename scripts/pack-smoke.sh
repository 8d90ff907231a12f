#!/usr/bin/env bash
# Pack smoke test: installs the packed tarball as a user would, in a fresh folder outside the
# checkout, and checks that it works from plain Node (ESM and CommonJS), from TypeScript
# (nodenext and bundler resolution), as the `podgraph` bin, and that it ships nothing it should not.
#
#   npm run smoke        (CI runs it from .ci/run after the unit tests)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/podgraph-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0

log() { printf 'smoke: %s\n' "$*"; }
# check NAME COMMAND...: runs the command quietly, prints one line, and its output on failure.
check() {
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    printf 'smoke: ok    %s\n' "$name"
  else
    printf 'smoke: FAIL  %s\n' "$name"
    sed 's/^/    | /' "$work/out"
    failures=$((failures + 1))
  fi
}

# --- pack (prepack builds dist/) and install into a fresh project --------------------------------
mkdir -p "$work/pack" "$work/app"
(cd "$repo" && npm pack --silent --pack-destination "$work/pack" >/dev/null)
tarball="$(ls "$work/pack"/podgraph-*.tgz)"
log "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

app="$work/app"
cd "$app"
npm init -y >/dev/null
npm pkg set type=module
npm install "$tarball" --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
log "installed into $app"

# --- 1 and 2: the same removal from an ESM and a CommonJS script --------------------------------
# The body both scripts share: a pod (infra + two members, one depending on the other) and a
# three-container chain, all running, removed with all + force; the report, the chain's order and
# the pod's single call (a forced pod with nothing outside depending on it goes whole) checked.
removal_body='
  const graph = ContainerGraph.fromSpec({
    pods: [{ id: "web" }],
    containers: [
      { id: "web-infra", pod: "web", infra: true, state: "running" },
      { id: "db", pod: "web", state: "running" },
      { id: "app", pod: "web", state: "running", dependsOn: ["db"] },
      { id: "base" },
      { id: "mid", dependsOn: ["base"] },
      { id: "top", dependsOn: ["mid"], state: "running" },
    ],
  });
  const runtime = new MemoryRuntime(graph, { latency: 2 });
  const report = await removeGraph(graph, { all: true, force: true, runtime, concurrency: 2 });
  assert.equal(report.ok, true);
  assert.deepEqual([...report.pods], [["web", null]]);
  assert.deepEqual(new Set(report.containers.keys()), new Set(["web-infra", "db", "app", "base", "mid", "top"]));
  assert.ok([...report.containers.values()].every((error) => error === null));
  const left = await runtime.inspect();
  assert.deepEqual([left.pods.length, left.containers.length], [0, 0]);
  const ended = (id) => runtime.log.find((call) => call.id === id && call.result === "removed").endTick;
  const started = (id) => runtime.log.find((call) => call.id === id).startTick;
  assert.ok(ended("top") < started("mid") && ended("mid") < started("base"), "the chain goes dependents first");
  const podCalls = runtime.log.filter((call) => ["web", "web-infra", "db", "app"].includes(call.id));
  assert.deepEqual(podCalls.map((call) => [call.op, call.id]), [["removePod", "web"]], "the pod goes in one call, its members with it");
  assert.throws(() => ContainerGraph.fromSpec({ containers: [{ id: "a", dependsOn: ["a"] }] }), PodgraphError);
  console.log("removed", report.containers.size, "containers and", report.pods.size, "pod");
'
cat >consumer.mjs <<EOF
import assert from 'node:assert/strict';
import { ContainerGraph, MemoryRuntime, PodgraphError, removeGraph } from 'podgraph';
$removal_body
EOF
cat >consumer.cjs <<EOF
const assert = require('node:assert/strict');
const { ContainerGraph, MemoryRuntime, PodgraphError, removeGraph } = require('podgraph');
(async () => {
$removal_body
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
EOF
check "ESM: import from 'podgraph' removes a pod and a chain (plain node)" node consumer.mjs
check "CommonJS: require('podgraph') removes a pod and a chain (plain node)" node consumer.cjs

# --- 3: TypeScript against the installed declarations --------------------------------------------
tsc="$repo/node_modules/.bin/tsc"
cat >consumer.ts <<'EOF'
import {
  ContainerGraph,
  type GraphSpec,
  MemoryRuntime,
  type MemoryRuntimeOptions,
  PodgraphError,
  type RemovalEvent,
  type RemovalReport,
  type RemoveOptions,
  removeGraph,
} from 'podgraph';

const spec: GraphSpec = {
  pods: [{ id: 'web' }],
  containers: [
    { id: 'web-infra', pod: 'web', infra: true, state: 'running' },
    { id: 'app', pod: 'web', state: 'running' },
    { id: 'base' },
    { id: 'top', dependsOn: ['base'] },
  ],
};
const graph = ContainerGraph.fromSpec(spec);
const runtimeOptions: MemoryRuntimeOptions = { latency: (call) => (call.state === 'running' ? 5 : 1) };
const events: RemovalEvent['type'][] = [];
const options: RemoveOptions = { all: true, force: true, runtime: new MemoryRuntime(graph, runtimeOptions), onEvent: (e) => events.push(e.type) };
const report: RemovalReport = await removeGraph(graph, options);
const failed: PodgraphError[] = [...report.containers.values()].filter((error): error is PodgraphError => error !== null);
const code: PodgraphError['code'] | undefined = failed[0]?.code;
const dependencies: string[] = graph.dependenciesOf('app');
console.log(report.ok, code, dependencies, events.length);
EOF
cat >bad.ts <<'EOF'
import { ContainerGraph, removeGraph } from 'podgraph';

const graph = ContainerGraph.fromSpec({ containers: [{ id: 'a', state: 'sleeping' }] });
await removeGraph(graph, { all: 'yes' });
EOF
# $1: tsconfig name, $2: module, $3: moduleResolution, $4: the file
write_tsconfig() {
  cat >"$1" <<EOF
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "$2",
    "moduleResolution": "$3",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false,
    "types": ["node"],
    "typeRoots": ["$repo/node_modules/@types"]
  },
  "files": ["$4"]
}
EOF
}
# A type error must fail tsc, and fail it on the two errors planted in bad.ts (lines 3 and 4).
tsc_rejects() {
  local output code=0
  output="$("$tsc" --noEmit -p "$1" 2>&1)" || code=$?
  printf '%s\n' "$output"
  if ((code == 0)); then
    echo "tsc accepted bad.ts"
    return 1
  fi
  grep -q 'bad\.ts(3,' <<<"$output" && grep -q 'bad\.ts(4,' <<<"$output"
}
for resolution in nodenext:nodenext bundler:esnext; do
  moduleResolution=${resolution%%:*}
  module=${resolution##*:}
  write_tsconfig "tsconfig.$moduleResolution.json" "$module" "$moduleResolution" consumer.ts
  write_tsconfig "tsconfig.$moduleResolution.bad.json" "$module" "$moduleResolution" bad.ts
  check "TypeScript ($moduleResolution): consumer.ts type-checks against the installed types" \
    "$tsc" --noEmit -p "tsconfig.$moduleResolution.json"
  check "TypeScript ($moduleResolution): the type errors in bad.ts are caught" tsc_rejects "tsconfig.$moduleResolution.bad.json"
done

# --- 4: the bin, installed, against the checkout's dist/ -----------------------------------------
# $1: where to run, rest: the command. Prints the exit code, then stdout (stderr is progress).
run_cli() {
  local dir=$1 code=0
  shift
  (cd "$dir" && CONTAINER_HOST=unix:///nonexistent/podgraph-smoke.sock "$@" >"$work/stdout" 2>/dev/null) || code=$?
  printf 'exit %s\n' "$code"
  cat "$work/stdout"
}
same_cli() {
  run_cli "$app" npx --no -- podgraph "$@" >"$work/installed"
  run_cli "$repo" node dist/cli/main.js "$@" >"$work/checkout"
  diff -u "$work/checkout" "$work/installed" && [[ -s "$work/checkout" ]]
}
check "bin: npx podgraph --help prints what node dist/cli/main.js --help does" same_cli --help
check "bin: npx podgraph rm -fa --spec examples/stack.json: same stdout and exit code" same_cli rm -fa --spec "$repo/examples/stack.json"

# --- 5: what the install brought ------------------------------------------------------------------
cat >contents.mjs <<'EOF'
// Checks the installed tree: no tsx (nor any other devDependency), no test files, and no .ts under
// node_modules/podgraph/src other than the sources the shipped .map files point at.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve('node_modules');
const pkgDir = join(root, 'podgraph');
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
const problems = [];

const { devDependencies = {} } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
for (const name of ['tsx', ...Object.keys(devDependencies)]) {
  if (existsSync(join(root, name))) problems.push(`devDependency installed: node_modules/${name}`);
}
if (existsSync(join(root, '.bin', 'tsx'))) problems.push('node_modules/.bin/tsx exists');

const shipped = files(pkgDir).map((file) => relative(pkgDir, file));
for (const file of shipped) {
  if (/(^|\/)(test|tests|__tests__)\//.test(file) || /\.(test|spec)\.[cm]?[jt]s$/.test(file) || /vitest|biome/.test(file)) {
    problems.push(`test or tooling file shipped: ${file}`);
  }
}

const sources = new Set();
for (const map of shipped.filter((file) => file.endsWith('.map'))) {
  const { sources: list = [], sourceRoot = '' } = JSON.parse(readFileSync(join(pkgDir, map), 'utf8'));
  for (const source of list) {
    const path = resolve(dirname(join(pkgDir, map)), sourceRoot, source);
    if (!existsSync(path)) problems.push(`${map} points at a missing source: ${source}`);
    sources.add(path);
  }
}
// Anywhere in the package, not only under src/: a .ts file that no map points at is a stray.
const tsFiles = shipped.filter((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file));
for (const file of tsFiles) if (!sources.has(join(pkgDir, file))) problems.push(`.ts file no map points at: ${file}`);
if (!shipped.includes('dist/index.js') || !shipped.includes('dist/index.d.ts')) problems.push('dist/index.js or dist/index.d.ts missing');
for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) if (!shipped.includes(file)) problems.push(`${file} missing`);

for (const problem of problems) console.log(problem);
console.log(`${shipped.length} files shipped; ${tsFiles.length} .ts files; ${sources.size} sources named by the maps`);
process.exitCode = problems.length === 0 ? 0 : 1;
EOF
check "contents: no tsx or other devDependency, no test files, no .ts but the maps' sources" node contents.mjs

if ((failures > 0)); then
  log "$failures check(s) failed"
  exit 1
fi
log "all checks passed"
