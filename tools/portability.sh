#!/usr/bin/env bash
# Portability from the npm package, as a user gets it: builds it
# (`deno task build:npm`), packs it (`npm pack`), installs the tarball into a
# fresh temporary project and runs there, with the runtime's own command (no
# tsx, no Deno config):
#
#   - tests/portability/smoke.mjs: listing 17-40 under virtual time against
#     real tokio's timeline, channels, a timed pipeline, marbles, a thread that
#     streams values and is closed early, spawnBlocking;
#   - examples/node/listing_17_42.mjs: listing 17-42, ten values from a thread
#     a second apart;
#
# on Deno 2, Node 20, Node 22 and Bun 1 (the last three from the npm registry
# when the one on PATH is not that version). A runtime that cannot be
# installed fails the run. Then tests/portability/shipped.ts type-checks
# against the package's .d.ts (tsc, strict, skipLibCheck off; then with
# every entry point and without the DOM library, as plain Node), and the
# functions it ships to workers run on Node after a transpiler: through tsx,
# and as esbuild bundles with --keep-names, plain and minified.
#
#   deno task portability
#   WEFT_RUNTIMES="deno bun" deno task portability   # some runtimes only ("" for none)
#   WEFT_TRANSPILERS=none deno task portability      # skip the transpiler runs
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RUNTIMES=${WEFT_RUNTIMES-"deno node20 node22 bun"}
TRANSPILERS=${WEFT_TRANSPILERS:-"tsc tsx esbuild esbuild-minify"}
TSX=tsx@4.23.15
ESBUILD=esbuild@0.28.2
BUN=bun@1
# Checks allowed to fail on a runtime, as "runtime:word" (a failing check whose
# name contains the word is reported as a known gap, not a failure). Empty when
# every path runs everywhere.
KNOWN_GAPS=${WEFT_KNOWN_GAPS-""}

if found=$(command -v deno 2>/dev/null) && [ -n "$found" ] &&
  "$found" --version 2>/dev/null | grep -q '^deno 2\.'; then
  DENO=("$found")
else
  DENO=(npx -y deno@2)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/weft-portability.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PROJECT=$WORK/project
LOG=$WORK/log

die() {
  printf 'portability: FAILED (%s)\n' "$*"
  exit 1
}

printf '== build the npm package and pack it\n'
"${DENO[@]}" task build:npm || die "deno task build:npm"
(cd dist/npm && npm pack --silent --pack-destination "$WORK" >"$LOG") || die "npm pack"
TARBALL=$WORK/$(tail -1 "$LOG")
echo "tarball: $TARBALL ($(du -k "$TARBALL" | cut -f1) kB)"

printf '\n== a fresh project with the tarball installed\n'
mkdir -p "$PROJECT"
printf '{ "name": "weft-portability", "private": true, "type": "module" }\n' >"$PROJECT/package.json"
(cd "$PROJECT" && npm install --silent --no-audit --no-fund "$TARBALL") || die "npm install"
cp tests/portability/smoke.mjs tests/portability/shipped.ts examples/node/listing_17_42.mjs "$PROJECT/"
# Listing 17-40 as the repository has it, transpiled, importing the package.
(npx -y "$ESBUILD" --log-level=warning --format=esm examples/listing_17_40.ts \
  --outfile="$PROJECT/listing_17_40.mjs") || die "esbuild could not transpile listing 17-40"
sed -i 's#from "\.\./mod\.ts"#from "@weft/weft"#' "$PROJECT/listing_17_40.mjs"
grep -q '"\.\./' "$PROJECT/listing_17_40.mjs" && die "listing 17-40 imports more than mod.ts"
# Real tokio's timeline for it.
"${DENO[@]}" eval --quiet 'import { CASES } from "./tests/conformance/cases.ts";
  Deno.stdout.writeSync(new TextEncoder().encode(CASES.find((c) => c.name === "listing_default").expected));' \
  >"$PROJECT/listing_default.txt" || die "cannot read the listing_default case"
ls "$PROJECT"

# runtime_command NAME: sets VERSION and CMD (an array) for a runtime, or fails.
runtime_command() {
  case "$1" in
    deno)
      CMD=("${DENO[@]}" run -A --quiet)
      ;;
    node20 | node22)
      local major=${1#node}
      if command -v node >/dev/null && node --version | grep -q "^v$major\."; then
        CMD=(node)
      else
        CMD=(npx -y -p "node@$major" -- node)
      fi
      ;;
    bun)
      CMD=(npx -y "$BUN")
      ;;
    *)
      echo "unknown runtime '$1' (expected deno, node20, node22 or bun)"
      return 2
      ;;
  esac
  VERSION=$(cd "$PROJECT" && "${CMD[@]}" --version 2>&1 | head -1) || return 1
  case "$1" in
    deno) grep -q '^deno 2\.' <<<"$VERSION" ;;
    node20) grep -q '^v20\.' <<<"$VERSION" ;;
    node22) grep -q '^v22\.' <<<"$VERSION" ;;
    bun) grep -q '^1\.' <<<"$VERSION" ;;
  esac
}

# is_known_gap RUNTIME CHECK: whether KNOWN_GAPS excuses CHECK failing on RUNTIME.
is_known_gap() {
  local gap
  for gap in $KNOWN_GAPS; do
    [ "${gap%%:*}" = "$1" ] && [[ "$2" == *"${gap#*:}"* ]] && return 0
  done
  return 1
}

SUMMARY=()
failed=0
# record RUNTIME WHAT STATUS OUTPUT: adds a summary line per check the output names.
record() {
  local runtime=$1 what=$2 status=$3 output=$4 line name verdict
  while IFS= read -r line; do
    case "$line" in
      "ok all") ;;
      "ok "*) SUMMARY+=("$(printf '%-19s ok      %s' "$runtime" "${line#ok }")") ;;
      "FAILED "*)
        name=${line#FAILED }
        if is_known_gap "$runtime" "$name"; then verdict="GAP    "; else
          verdict="FAILED "
          failed=1
        fi
        SUMMARY+=("$(printf '%-19s %s %s' "$runtime" "$verdict" "$name")")
        ;;
    esac
  done <<<"$output"
  if [ "$status" -ne 0 ] && ! grep -q '^FAILED ' <<<"$output"; then
    if is_known_gap "$runtime" "$what"; then verdict="GAP    "; else
      verdict="FAILED "
      failed=1
    fi
    SUMMARY+=("$(printf '%-19s %s %s (exit %s)' "$runtime" "$verdict" "$what" "$status")")
  fi
}

# run_program RUNTIME WHAT TIMEOUT CMD...: runs a program in the project, prints and records it.
run_program() {
  local runtime=$1 what=$2 limit=$3 output status
  shift 3
  printf '\n-- %s: %s\n$ %s\n' "$runtime" "$what" "$*"
  output=$(cd "$PROJECT" && timeout "$limit" "$@" 2>&1)
  status=$?
  printf '%s\n' "$output"
  if [ $status -eq 0 ] && [ "$what" = smoke.mjs ] && ! grep -qx "ok all" <<<"$output"; then
    status=1
  fi
  if [[ "$runtime" == tsc* ]]; then
    local check="the package's types check a TypeScript user's program"
    [ "$runtime" = tsc-no-dom ] && check="$check, every entry point, without the DOM library"
    [ $status -eq 0 ] && output="ok $check" || output="FAILED $check"
    status=0
  fi
  if [ "$what" = listing_17_42.mjs ]; then
    if [ $status -eq 0 ] && [ "$(printf '%s\n' "$output" | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 10 " ]; then
      output="ok listing 17-42 prints 1 to 10"
    else
      output="FAILED listing 17-42 prints 1 to 10 (exit $status)"
    fi
    status=0
  fi
  record "$runtime" "$what" "$status" "$output"
}

for runtime in $RUNTIMES; do
  printf '\n== %s\n' "$runtime"
  if ! runtime_command "$runtime"; then
    echo "cannot install or run $runtime (got: ${VERSION:-nothing})"
    SUMMARY+=("$(printf '%-19s FAILED  cannot be installed' "$runtime")")
    failed=1
    continue
  fi
  echo "version: $VERSION"
  run_program "$runtime" smoke.mjs 300 "${CMD[@]}" smoke.mjs
  run_program "$runtime" listing_17_42.mjs 120 "${CMD[@]}" listing_17_42.mjs
done

for transpiler in $TRANSPILERS; do
  [ "$transpiler" = none ] && break
  printf '\n== shipped.ts: %s\n' "$transpiler"
  case "$transpiler" in
    tsc)
      # Not a run: shipped.ts type-checks against the package's .d.ts files
      # (resolved through its exports, as a TypeScript user's editor does).
      (cd "$PROJECT" && npm install --silent --no-save --no-audit --no-fund \
        typescript@6.0.3 @types/node@20.19.43) || die "cannot install typescript"
      run_program "tsc" shipped.ts 120 npx tsc --noEmit --strict --skipLibCheck false \
        --module nodenext --moduleResolution nodenext --target es2022 \
        --lib es2023,esnext.disposable,dom --types node shipped.ts
      # Again without the DOM library, as a Node program with only
      # @types/node has it, over every entry point: a DOM-only name in a
      # shipped .d.ts (`Transferable`, `MessagePort`) fails here.
      "${DENO[@]}" eval --quiet 'const j = JSON.parse(Deno.readTextFileSync("deno.json"));
        let i = 0;
        for (const key of Object.keys(j.exports)) console.log(`export * as m${i++} from "${j.name}${key.slice(1)}";`);' \
        >"$PROJECT/entries.ts" || die "cannot list the entry points"
      run_program "tsc-no-dom" entries.ts 120 npx tsc --noEmit --strict --skipLibCheck false \
        --module nodenext --moduleResolution nodenext --target es2022 \
        --lib es2023,esnext.disposable --types node shipped.ts entries.ts
      ;;
    tsx)
      run_program "node+tsx" shipped.ts 120 npx -y "$TSX" shipped.ts
      ;;
    esbuild | esbuild-minify)
      flags=(--bundle --platform=node --format=esm --keep-names --log-level=warning)
      [ "$transpiler" = esbuild-minify ] && flags+=(--minify)
      out=shipped.$transpiler.mjs
      (cd "$PROJECT" && npx -y "$ESBUILD" shipped.ts "${flags[@]}" --outfile="$out") ||
        die "$transpiler could not bundle shipped.ts"
      grep -q '__name(' "$PROJECT/$out" || echo "(note: the bundle has no __name call)"
      run_program "node+$transpiler" "$out" 120 node "$out"
      ;;
    *) die "unknown transpiler '$transpiler'" ;;
  esac
done

printf '\n== portability summary\n'
printf '%s\n' "${SUMMARY[@]}"
if [ $failed -ne 0 ]; then
  echo "portability: FAILED"
  exit 1
fi
if printf '%s\n' "${SUMMARY[@]}" | grep -q ' GAP '; then
  echo "portability: ok but for the known gaps above (WEFT_KNOWN_GAPS=\"$KNOWN_GAPS\")"
else
  echo "portability: ok"
fi
