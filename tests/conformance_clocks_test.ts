/**
 * The differential generator's scenarios (`tools/gen_scenarios.ts`, both
 * profiles) give the same whole timeline under every fake clock as under
 * weft's `TestClock`: `@sinonjs/fake-timers`' `tickAsync`, and the model of
 * `@std/testing`'s `FakeTime` (fewer: it waits a real `setTimeout(0)` at every
 * instant). `tools/diff_tokio.ts --clock sinon` compares many more of them
 * with real tokio.
 */
import { assertEquals } from "./_assert.ts";
import { type ClockKind, underClock } from "./conformance/clocks.ts";
import { runScenario, type Scenario } from "./conformance/scenario.ts";
import { genScenarios } from "../tools/gen_scenarios.ts";

const SEED = 13;
const SAMPLES: [ClockKind, number][] = [["sinon", 100], ["FakeTime", 15]];

for (const wide of [false, true]) {
  const profile = wide ? "wide" : "default";
  for (const [kind, n] of SAMPLES) {
    Deno.test(
      `generated scenarios (${profile} profile, seed ${SEED}, first ${n}): the same timeline under ${kind} as under TestClock`,
      async () => {
        for (const [i, scenario] of [...genScenarios(SEED, n, wide)].entries()) {
          const run = (k: ClockKind) =>
            underClock(k, (clock) => runScenario(structuredClone(scenario) as Scenario, clock));
          const expected = await run("TestClock");
          assertEquals(
            await run(kind),
            expected,
            `scenario ${i} of seed ${SEED} (${profile}): ${JSON.stringify(scenario)}`,
          );
        }
      },
    );
  }
}
