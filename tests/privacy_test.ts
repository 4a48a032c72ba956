import assert from "node:assert/strict";
import { channel } from "../channel.ts";
import { sleep, spawnTask } from "../task.ts";
import { BlockingPool } from "../blocking.ts";
import * as mod from "../mod.ts";
import * as task from "../task.ts";
import * as testing from "../testing.ts";

// -- Handles cannot be forged --

Deno.test("a JoinHandle has no member that settles it: its outcome is the task's", async () => {
  const handle = spawnTask(() => sleep(1).then(() => "real"));
  const loose = handle as unknown as Record<string, unknown>;
  for (const name of ["complete", "taskAborted", "settle", "outcome", "status"]) {
    assert.equal(name in handle, false, name);
  }
  assert.throws(() => (loose.complete as (ok: boolean, v: string) => void)(true, "forged"));
  assert.equal(await handle, "real");
});

Deno.test("a BlockingHandle has no member that settles it", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const handle = pool.spawn(() => "real");
  for (const name of ["complete", "settle", "finish", "outcome", "status"]) {
    assert.equal(name in handle, false, name);
  }
  assert.equal(await handle, "real");
});

Deno.test("rx.busy = false does not get past the one-consumer check", async () => {
  const [tx, rx] = channel<number>();
  const first = rx.recv();
  (rx as unknown as { busy: boolean }).busy = false;
  await assert.rejects(rx.recv(), /already has a consumer/);
  tx.send(1);
  assert.equal(await first, 1);
});

Deno.test("the handles' constructors are not reachable with internal state", () => {
  const [tx, rx] = channel<number>();
  // A constructor called by hand gets no channel: the handle it makes is dead.
  const Forged = tx.constructor as new (slot: unknown) => typeof tx;
  const forged = new Forged({});
  assert.throws(() => forged.send(1));
  assert.equal(rx.length, 0);
});

// -- Entry points export only the public API --

Deno.test("no entry point exports weft's internal hooks", () => {
  for (const name of ["onRunEnd", "addBusyCheck", "installedClock"]) {
    assert.equal(name in task, false, name);
    assert.equal(name in testing, false, name);
    assert.equal(name in mod, false, name);
  }
});
