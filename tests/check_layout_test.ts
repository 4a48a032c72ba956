import assert from "node:assert/strict";
import { checkLayout, readImports } from "../tools/check_layout.ts";

/** A tiny module: a public file with an error class, a runtime file, a channel file. */
function module(extra: Record<string, string>): Map<string, string> {
  return new Map(Object.entries({
    "task.ts": [
      `import { now } from "./_runtime/clock.ts";`,
      `export class Cancelled extends Error {}`,
      `export class Deeper extends Cancelled {}`,
      `export function spawn(): number { return now(); }`,
    ].join("\n"),
    "_runtime/clock.ts": `export function now(): number { return 0; }`,
    "_channel/state.ts": `import { now } from "../_runtime/clock.ts";\nexport const x = now();`,
    ...extra,
  }));
}

// -- Imports --

Deno.test("readImports() reads named, type-only and multi-line imports, not those in comments", () => {
  const imports = readImports([
    `/** @example\n * import { run } from "@weft/weft/task";\n */`,
    `import { a, type B, c as d } from "./x.ts";`,
    `import type { E } from "./y.ts";`,
    `import {\n  f,\n  g,\n} from "../z.ts";`,
    `export * from "./w.ts";`,
  ].join("\n"));
  assert.deepStrictEqual(imports, [
    { specifier: "./x.ts", names: ["a", "B", "c"], typeOnly: false },
    { specifier: "./y.ts", names: ["E"], typeOnly: true },
    { specifier: "../z.ts", names: ["f", "g"], typeOnly: false },
    { specifier: "./w.ts", names: null, typeOnly: false },
  ]);
});

// -- Rules --

Deno.test("a sound layout passes", () => {
  const files = module({
    "_pool/core.ts":
      `import { Cancelled, Deeper } from "../task.ts";\nimport { x } from "../_channel/state.ts";`,
  });
  assert.deepStrictEqual(checkLayout(files), [
    "_pool/core.ts: imports ../_channel/state.ts: _pool/ may not use _channel/ (allowed: its own files, _runtime/, _worker/)",
  ]);
  files.delete("_pool/core.ts");
  assert.deepStrictEqual(checkLayout(files), []);
});

Deno.test("an import cycle fails, naming the files on it", () => {
  const problems = checkLayout(module({
    "_runtime/a.ts": `import { b } from "./b.ts";\nexport const a = 1;`,
    "_runtime/b.ts": `import { c } from "./c.ts";\nexport const b = 1;`,
    "_runtime/c.ts": `import { a } from "./a.ts";\nexport const c = 1;`,
  }));
  assert.deepStrictEqual(problems, [
    "import cycle: _runtime/a.ts -> _runtime/b.ts -> _runtime/c.ts -> _runtime/a.ts",
  ]);
});

Deno.test("a type-only import does not make a cycle", () => {
  const problems = checkLayout(module({
    "testing.ts": `export class TestClock {}\nexport * from "./_testing/marble.ts";`,
    "_testing/marble.ts": `import type { TestClock } from "../testing.ts";`,
  }));
  assert.deepStrictEqual(problems, []);
});

Deno.test("a top-level internal file fails", () => {
  const problems = checkLayout(module({ "_queue.ts": `export const q = 1;` }));
  assert.deepStrictEqual(problems, [
    "_queue.ts: an internal file at the top level (move it into a subsystem folder)",
  ]);
});

Deno.test("an internal folder may import a public file for its error classes only", () => {
  const problems = checkLayout(module({
    "_thread/main.ts": `import { Cancelled, spawn } from "../task.ts";`,
  }));
  assert.deepStrictEqual(problems, [
    "_thread/main.ts: imports ../task.ts: an internal folder uses a public file only for its error classes, not spawn",
  ]);
});
