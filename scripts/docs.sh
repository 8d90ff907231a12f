#!/usr/bin/env bash
# API reference: HTML from the doc comments of src/index.ts's exports into docs/api/ (generated,
# not committed). TypeDoc 0.28 needs TypeScript's classic JS API (TypeScript <= 6.0) while the
# package builds with TypeScript 7, so TypeDoc lives in its own pinned tool package,
# scripts/docs/ (package.json + package-lock.json: typedoc and typescript 6.0.3), installed with npm ci.
#
#   npm run docs                       # extra arguments go to typedoc
set -euo pipefail
cd "$(dirname "$0")/.."

tools=scripts/docs
# npm ci only when the tools are missing or the lock file changed since they were installed.
if [[ ! -f $tools/node_modules/.package-lock.json || $tools/package-lock.json -nt $tools/node_modules/.package-lock.json ]]; then
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi
"$tools/node_modules/.bin/typedoc" --options "$tools/typedoc.json" "$@"
