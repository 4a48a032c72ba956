/**
 * Conformance: every scenario of `../shared/conformance/` (bundled in
 * `tests/conformance/cases.ts`), every difference fuzzing once found against
 * tokio (`tests/conformance/findings.ts`), and of the directory in `WEFT_CONFORMANCE_DIR`
 * when set, runs under the test clock and under `@sinonjs/fake-timers`, and
 * must match tokio's output byte for byte under both. Reading another
 * directory needs permissions: `deno test -P`.
 */
import { assertEquals } from "./_assert.ts";
import { CASES } from "./conformance/cases.ts";
import { FINDINGS } from "./conformance/findings.ts";
import { runScenario, type Scenario } from "./conformance/scenario.ts";
import { type ClockKind, CLOCKS, underClock } from "./conformance/clocks.ts";

async function check(
  name: string,
  scenario: Scenario,
  expected: string,
  kind: ClockKind = "TestClock",
): Promise<void> {
  const actual = await underClock(kind, (clock) => runScenario(scenario, clock));
  assertEquals(actual, expected, `scenario ${name} under ${kind}: timelines differ`);
}

for (const kind of CLOCKS) {
  const under = kind === "TestClock" ? "" : ` (under ${kind})`;
  for (const { name, scenario, expected } of CASES) {
    // FakeTime waits a real timer at each instant: the listings have 3,000.
    if (kind === "FakeTime" && scenario.scenario === "listing") continue;
    Deno.test(`conformance${under}: ${name}`, () => check(name, scenario, expected, kind));
  }
  // Differences differential fuzzing once found against tokio (tools/tokio_ref/findings).
  for (const { name, scenario, expected } of FINDINGS) {
    Deno.test(
      `conformance, found by fuzzing${under}: ${name}`,
      () => check(name, scenario, expected, kind),
    );
  }
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
