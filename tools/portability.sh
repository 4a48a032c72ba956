#!/usr/bin/env bash
# Runs the runtime-neutral smoke suite (tests/portability/smoke.ts) on Deno,
# on Node through tsx, and on Bun, and fails if any runtime fails.
#
#   deno task portability                  # every runtime
#   WEFT_RUNTIMES="deno bun" deno task portability
#
# Runtimes: deno (the one on PATH), node (the one on PATH, through tsx from the
# npm registry), node22 (Node 22 from the npm registry's `node` package, through
# tsx), bun (from the npm registry's `bun` package, whose platform binary comes
# as an optional dependency).
#
# Node decides whether a .ts file is an ES module from the nearest
# package.json; weft ships none (a Deno module), so tsx would compile the
# sources as CommonJS, where top-level await is an error. When the root has no
# package.json with "type": "module", the Node runs use a copy of the sources
# (same files, unchanged) beside such a package.json, as a package built for
# npm would have.
set -uo pipefail
cd "$(dirname "$0")/.."

SMOKE=tests/portability/smoke.ts
RUNTIMES=${WEFT_RUNTIMES:-"deno node node22 bun"}
TSX=tsx@4
BUN=bun@1
NODE22=node@22
STAGE=""
NODE_DIR=""
trap '[ -n "$STAGE" ] && rm -rf "$STAGE"' EXIT

# Sets NODE_DIR to the directory Node runs from: the root, or a staged ESM copy.
stage_for_node() {
  if [ -f package.json ] && grep -q '"type"[[:space:]]*:[[:space:]]*"module"' package.json; then
    NODE_DIR=$(pwd)
    return
  fi
  if [ -z "$STAGE" ]; then
    STAGE=$(mktemp -d "${TMPDIR:-/tmp}/weft-portability.XXXXXX")
    cp ./*.ts "$STAGE/"
    cp -r stream examples _runtime _channel _thread _pool _worker _testing "$STAGE/"
    mkdir -p "$STAGE/tests"
    cp -r tests/conformance tests/portability "$STAGE/tests/"
    printf '{ "type": "module", "private": true }\n' >"$STAGE/package.json"
  fi
  NODE_DIR=$STAGE
}

# run_one NAME: runs the smoke on one runtime; prints its output; returns its status.
run_one() {
  local name=$1 dir version command
  case "$name" in
    deno)
      dir=$(pwd)
      version=$(deno --version | head -1 | cut -d" " -f1-2)
      command="deno run $SMOKE"
      ;;
    node)
      stage_for_node
      dir=$NODE_DIR
      version="node $(node --version)"
      command="npx -y $TSX $SMOKE"
      ;;
    node22)
      stage_for_node
      dir=$NODE_DIR
      version="node $(npx -y -p $NODE22 -- node --version 2>/dev/null)"
      command="npx -y -p $NODE22 -p $TSX -- tsx $SMOKE"
      ;;
    bun)
      dir=$(pwd)
      version="bun $(npx -y $BUN --version 2>/dev/null)"
      command="npx -y $BUN $SMOKE"
      ;;
    *)
      echo "unknown runtime '$name' (expected deno, node, node22 or bun)"
      return 2
      ;;
  esac
  printf '\n== %s (%s)\n$ %s\n' "$name" "$version" "$command"
  [ "$dir" = "$(pwd)" ] || printf '(in %s, an ES-module copy of the sources)\n' "$dir"
  local output status
  output=$(cd "$dir" && timeout 300 $command 2>&1)
  status=$?
  printf '%s\n' "$output"
  if [ $status -eq 0 ] && ! grep -qx "ok all" <<<"$output"; then status=1; fi
  SUMMARY+=("$(printf '%-7s %-28s %s' "$name" "$version" \
    "$([ $status -eq 0 ] && echo ok || echo "FAILED (exit $status)")")")
  return $status
}

SUMMARY=()
failed=0
for runtime in $RUNTIMES; do
  run_one "$runtime" || failed=1
done

printf '\n== portability summary\n'
printf '%s\n' "${SUMMARY[@]}"
if [ $failed -ne 0 ]; then
  echo "portability: FAILED"
  exit 1
fi
echo "portability: ok"
