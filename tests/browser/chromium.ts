/**
 * Drives `examples/browser/` in headless Chromium: serves it as
 * `deno task serve:example` does, opens it, waits for the run to end, and
 * checks that both progress bars reached 100%, the runs gave the same output
 * and the page reported a speed-up (asserted above 1x when the machine was
 * quiet, its cores 75% idle over the second before: with other processes on
 * the cores there may be none to see). Keeps a screenshot outside the
 * repository (`$WEFT_ARTIFACTS`, default the system's temporary folder).
 *
 * `deno task test:browser`. Chromium is Debian's `chromium` package (or
 * `$CHROMIUM`); where none is installed the test is ignored, saying so,
 * unless `WEFT_REQUIRE_CHROMIUM=1` (CI), which makes that a failure.
 *
 * Not named `*_test.ts`: it needs permissions (run, net, read, write, env)
 * that the main suite does not have, so `deno test` leaves it out.
 *
 * @module
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
import { launchPage, type Page } from "./_cdp.ts";
import { serveExample } from "../../examples/browser/serve.ts";

/** The Chromium executable, or undefined if none is installed. */
function findChromium(): string | undefined {
  const candidates = [
    Deno.env.get("CHROMIUM"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const path of candidates) {
    if (path === undefined || path === "") continue;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** The CPU time counters of /proc/stat (Linux): [idle, total], or undefined. */
function cpuTimes(): [number, number] | undefined {
  try {
    const fields = Deno.readTextFileSync("/proc/stat").split("\n")[0]!.trim().split(/\s+/)
      .slice(1).map(Number);
    const idle = fields[3]! + (fields[4] ?? 0);
    return [idle, fields.reduce((a, b) => a + b, 0)];
  } catch {
    return undefined;
  }
}

/**
 * The share of the machine's CPU time that was idle over the next second
 * (0 to 1), or undefined where it cannot be read: the 1-minute load average
 * would still count the steps that ran before this test.
 */
async function idleShare(): Promise<number | undefined> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = cpuTimes();
  if (before === undefined || after === undefined || after[1] === before[1]) return undefined;
  return (after[0] - before[0]) / (after[1] - before[1]);
}

const chromium = findChromium();
const required = Deno.env.get("WEFT_REQUIRE_CHROMIUM") === "1";
if (chromium === undefined) {
  const why = "no Chromium found (install Debian's chromium package, or set CHROMIUM)";
  if (required) throw new Error(`Cannot run the browser test: ${why}`);
  console.warn(`SKIPPED the browser test: ${why}`);
}

/** Polls `expression` in the page until it is true; fails after `ms`. */
async function waitFor(page: Page, expression: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${expression}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test({
  name: "the browser page encodes every frame on threads and reports a speed-up",
  ignore: chromium === undefined,
  async fn() {
    // Other processes holding the cores hide any speed-up: it is asserted
    // only when the machine was quiet (its cores 75% idle over the second before).
    const idle = await idleShare();
    const quiet = idle !== undefined && idle >= 0.75;
    const server = await serveExample(0);
    try {
      await using page = await launchPage(chromium!);
      await page.send("Runtime.enable");
      await page.send("Emulation.setDeviceMetricsOverride", {
        width: 900,
        height: 700,
        deviceScaleFactor: 1,
        mobile: false,
      });
      await page.send("Page.navigate", { url: server.url });
      await waitFor(
        page,
        `["done", "failed"].includes(document.body?.dataset.state)`,
        120_000,
      );
      const artefacts = Deno.env.get("WEFT_ARTIFACTS") ?? Deno.env.get("TMPDIR") ?? "/tmp";
      const screenshot = `${artefacts}/weft-browser-example.png`;
      await Deno.writeFile(screenshot, await page.screenshot());
      console.log(`screenshot: ${screenshot}`);
      const state = await page.evaluate<string>("document.body.dataset.state");
      const text = await page.evaluate<string>(`document.getElementById("summary").textContent`);
      console.log(text);
      assert.equal(state, "done", `the page failed: ${text}`);
      assert.deepEqual(page.errors, []);
      const summary = await page.evaluate<Record<string, unknown> | undefined>(
        "globalThis.weftSummary",
      );
      assert.ok(summary !== undefined, "the page reported no summary");
      assert.deepEqual(summary.progress, [100, 100], "a progress bar stopped short of 100%");
      const bars = await page.evaluate<string[]>(
        `Array.from(document.querySelectorAll(".run"), (row) => row.dataset.percent)`,
      );
      assert.deepEqual(bars, ["100", "100"]);
      assert.equal(summary.sameOutput, true);
      assert.match(String(text), /speed-up \d+\.\d\dx on \d+ cores/);
      const speedUp = Number(summary.speedUp);
      const threads = Number(summary.threads);
      console.log(`speed-up ${speedUp.toFixed(2)}x with ${threads} threads`);
      if (threads > 1 && quiet) {
        assert.ok(speedUp > 1, `no speed-up on ${threads} threads: ${speedUp}`);
      } else {
        const share = idle === undefined ? "unknown" : `${Math.round(idle * 100)}%`;
        console.log(`speed-up not asserted: ${threads} core(s), ${share} idle before`);
      }
    } finally {
      await server.shutdown();
    }
  },
});
