/**
 * Conformance: every scenario of `../shared/conformance/` (bundled in
 * `tests/conformance/cases.ts`), every difference fuzzing once found against
 * tokio (`tests/conformance/findings.ts`), and of the directory in `WEFT_CONFORMANCE_DIR`
 * when set, runs under the test clock and must match tokio's output byte for
 * byte. Reading another directory needs permissions: `deno test -P`.
 */
import { assertEquals } from "./_assert.ts";
import { CASES } from "./conformance/cases.ts";
import { FINDINGS } from "./conformance/findings.ts";
import { runScenario, type Scenario } from "./conformance/scenario.ts";
import { TestClock } from "../testing.ts";

async function check(name: string, scenario: Scenario, expected: string): Promise<void> {
  using clock = TestClock.install();
  const actual = await runScenario(scenario, clock);
  assertEquals(actual, expected, `scenario ${name}: timelines differ`);
}

for (const { name, scenario, expected } of CASES) {
  Deno.test(`conformance: ${name}`, () => check(name, scenario, expected));
}

// Differences differential fuzzing once found against tokio (tools/tokio_ref/findings).
for (const { name, scenario, expected } of FINDINGS) {
  Deno.test(`conformance, found by fuzzing: ${name}`, () => check(name, scenario, expected));
}

const extra = Deno.permissions.querySync({ name: "env", variable: "WEFT_CONFORMANCE_DIR" })
    .state === "granted"
  ? Deno.env.get("WEFT_CONFORMANCE_DIR")
  : undefined;

if (extra !== undefined) {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(extra)) {
    if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name.slice(0, -5));
  }
  for (const name of names.sort()) {
    Deno.test(`conformance (${extra}): ${name}`, async () => {
      const scenario = JSON.parse(await Deno.readTextFile(`${extra}/${name}.json`));
      const expected = await Deno.readTextFile(`${extra}/${name}.txt`);
      await check(name, scenario, expected);
    });
  }
}
