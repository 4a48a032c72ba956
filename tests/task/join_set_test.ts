/**
 * JoinSet and AbortHandle, from tokio's `tokio/tests/task_join_set.rs` (test
 * names kept where they map) plus weft's structured cancellation.
 *
 * tokio tests that cannot map to TypeScript:
 * - `join_set_coop`: `join_next` spending tokio's coop budget; weft's
 *   `joinNext` is a promise, with no budget to observe through `now_or_never`.
 * - `extend`: no `FromIterator`/`Extend` in TypeScript (spawn in a loop).
 * - the `spawn_local` module (`LocalSet`, `LocalRuntime`, `spawn_local_on`):
 *   every weft task is local to its thread.
 * - `test_abort_on_drop` relies on `Drop`; it maps to `using` disposal below.
 */
import { Cancelled, JoinSet, run, sleep, spawnTask } from "../../task.ts";
import { CancellationToken } from "../../task.ts";
import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { captureConsoleError, drain, rejection, Timeline, watch } from "../_helpers.ts";

// -- tokio's task_join_set.rs --

Deno.test("test_with_sleep", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<number>();
  for (let i = 0; i < 10; i++) {
    set.spawn(() => i);
    assertEquals(set.size, 1 + i);
  }
  set.detachAll();
  assertEquals(set.size, 0);
  assertEquals(await set.joinNext(), undefined);

  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 10; i++) {
      set.spawn(async () => {
        await sleep(i * 1000);
        return i;
      });
      assertEquals(set.size, 1 + i);
    }
    const seen = new Timeline<number>(clock);
    const done = (async () => {
      for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
        assert(r.ok);
        seen.push(r.value);
      }
    })();
    const start = clock.elapsed;
    await clock.tick(10_000);
    await done;
    assertEquals(seen.entries, [...Array(10).keys()].map((i) => [start + i * 1000, i]));
    assertEquals(await set.joinNext(), undefined);
  }
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("test_abort_on_drop", async () => {
  const ended: string[] = [];
  {
    using set = new JoinSet<void>();
    for (let i = 0; i < 16; i++) {
      set.spawn(async ({ signal }) => {
        signal.addEventListener("abort", () => ended.push(`aborted ${i}`));
        // This task never completes on its own.
        await new Promise(() => {});
      });
    }
    await drain();
  }
  assertEquals(ended.length, 16);
});

Deno.test("alternating", async () => {
  const set = new JoinSet<void>();
  assertEquals(set.size, 0);
  set.spawn(() => {});
  assertEquals(set.size, 1);
  set.spawn(() => {});
  assertEquals(set.size, 2);
  for (let i = 0; i < 16; i++) {
    const r = await set.joinNext();
    assert(r?.ok);
    assertEquals(set.size, 1);
    set.spawn(() => {});
    assertEquals(set.size, 2);
  }
  await set.shutdown();
  assertEquals(set.isEmpty, true);
});

Deno.test("abort_tasks", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<number>();
  for (let i = 0; i < 16; i++) {
    const handle = set.spawn(async () => {
      await sleep(i * 1000);
      return i;
    });
    // Abort the odd-numbered tasks.
    if (i % 2 !== 0) handle.abort();
  }
  let canceled = 0;
  let completed = 0;
  const done = (async () => {
    for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
      if (r.ok) {
        completed++;
        assertEquals(r.value % 2, 0);
      } else {
        assert(r.error instanceof Cancelled);
        canceled++;
      }
    }
  })();
  await clock.tick(16_000);
  await done;
  assertEquals([canceled, completed, clock.pendingTimers], [8, 8, 0]);
});

Deno.test("runtime_gone", async () => {
  const set = new JoinSet<number>();
  await run(() => {
    set.spawn(async () => {
      await sleep(60_000);
      return 1;
    });
  });
  const r = await set.joinNext();
  assert(r?.ok === false && r.error instanceof Cancelled);
});

Deno.test("join_all", async () => {
  const set = new JoinSet<number>();
  for (let i = 0; i < 5; i++) set.spawn(() => 1);
  assertEquals(await set.joinAll(), [1, 1, 1, 1, 1]);
  assertEquals(set.size, 0);
});

Deno.test("task_panics", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<void>();
  const token = new CancellationToken();
  assertEquals(set.size, 0);
  set.spawn(async () => {
    await sleep(2000);
    token.cancel();
  });
  assertEquals(set.size, 1);
  const failure = new Error("panic");
  set.spawn(async () => {
    await sleep(1000);
    throw failure;
  });
  assertEquals(set.size, 2);
  const all = watch(set.joinAll());
  await clock.tick(1000);
  assertEquals([all.status, all.reason], ["rejected", failure]);
  await clock.tick(5000);
  // The first task was aborted before it could cancel the token.
  assertEquals([token.isCancelled, set.size, clock.pendingTimers], [false, 0, 0]);
});

Deno.test("abort_all", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<void>();
  for (let i = 0; i < 5; i++) set.spawn(() => new Promise<void>(() => {}));
  for (let i = 0; i < 5; i++) set.spawn(() => sleep(1000));
  // The set now has 5 pending tasks and 5 that will be done.
  await clock.tick(2000);
  set.abortAll();
  assertEquals(set.size, 10);
  let count = 0;
  let cancelled = 0;
  for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
    if (!r.ok) {
      assert(r.error instanceof Cancelled);
      cancelled++;
    }
    count++;
  }
  assertEquals([count, cancelled, set.size], [10, 5, 0]);
});

Deno.test("try_join_next", async () => {
  const token = new CancellationToken();
  const set = new JoinSet<void>();
  for (let i = 0; i < 1000; i++) set.spawn(() => token.cancelled());
  assertEquals(set.tryJoinNext(), undefined);
  await drain();
  assertEquals(set.tryJoinNext(), undefined);
  token.cancel();
  await drain();
  let count = 0;
  for (let r = set.tryJoinNext(); r !== undefined; r = set.tryJoinNext()) {
    assert(r.ok);
    count++;
  }
  assertEquals(count, 1000);
});

Deno.test("try_join_next_with_id", async () => {
  const token = new CancellationToken();
  const set = new JoinSet<void>();
  const spawned = new Set<number>();
  for (let i = 0; i < 1000; i++) spawned.add(set.spawn(() => token.cancelled()).id);
  assertEquals(set.tryJoinNext(), undefined);
  token.cancel();
  await drain();
  const joined = new Set<number>();
  for (let r = set.tryJoinNext(); r !== undefined; r = set.tryJoinNext()) joined.add(r.id);
  assertEquals([joined.size, [...joined].every((id) => spawned.has(id))], [1000, true]);
});

// -- Completion order --

Deno.test("joinNext() takes results in the order tasks finish, not spawn order", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<string>();
  for (const [name, ms] of [["c", 30], ["a", 10], ["b", 20], ["a2", 10]] as const) {
    set.spawn(() => sleep(ms).then(() => name));
  }
  const timeline = new Timeline<string>(clock);
  const done = (async () => {
    for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
      timeline.push(r.ok ? r.value : "error");
    }
  })();
  await clock.tick(50);
  await done;
  assertEquals(timeline.entries, [[10, "a"], [10, "a2"], [20, "b"], [30, "c"]]);
});

Deno.test("a task that returned before another task's abort at the same instant keeps its result", async () => {
  // Found by the tokio differential (tools/diff_tokio.ts --joinset): both
  // timers fire at 500; the task's function returns first, so tokio's abort
  // finds it complete and changes nothing.
  using clock = TestClock.install();
  const results: string[] = [];
  const done = run(async () => {
    const set = new JoinSet<string>();
    const task = set.spawn(async () => {
      await sleep(500);
      return "d";
    });
    spawnTask(async () => {
      await sleep(150);
      await sleep(350);
      task.abort();
    });
    for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
      results.push(r.ok ? r.value : "cancelled");
    }
  });
  await clock.tick(500);
  await done;
  assertEquals(results, ["d"]);
});

Deno.test("a task aborted while it waits settles as cancelled, whatever its function does after", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<string>();
  const task = set.spawn(() => sleep(100).then(() => "late", () => "caught"));
  await clock.tick(1);
  task.abort("stop");
  const r = await set.joinNext();
  assert(r?.ok === false && r.error instanceof Cancelled);
  assertEquals(r.error.reason, "stop");
});

Deno.test("joinNext() keeps a failure as a result, with the task's id", async () => {
  const set = new JoinSet<number>();
  const failure = new Error("boom");
  const handle = set.spawn(() => {
    throw failure;
  });
  assertEquals(await set.joinNext(), { ok: false, error: failure, id: handle.id });
});

Deno.test("AbortHandle reports isFinished and has a unique id", async () => {
  const set = new JoinSet<number>();
  const a = set.spawn(() => 1);
  const b = set.spawn(() => new Promise<number>(() => {}));
  assert(a.id !== b.id);
  await drain();
  assertEquals([a.isFinished, b.isFinished], [true, false]);
  b.abort("stop");
  // As tokio's: the abort takes effect when the task is next run, a
  // microtask later here.
  await Promise.resolve();
  assertEquals(b.isFinished, true);
  const first = await set.joinNext();
  const second = await set.joinNext();
  assertEquals(first, { ok: true, value: 1, id: a.id });
  assert(second?.ok === false && second.error instanceof Cancelled);
  assertEquals([second.error.reason, second.id], ["stop", b.id]);
});

// -- Waiting --

Deno.test("joinNext() on an empty set resolves with undefined at once", async () => {
  assertEquals(await new JoinSet().joinNext(), undefined);
});

Deno.test("joinNext({ signal }) stops waiting; the tasks run on", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<string>();
  const { id } = set.spawn(() => sleep(10).then(() => "late"));
  const controller = new AbortController();
  const waiting = watch(set.joinNext({ signal: controller.signal }));
  await clock.tick(5);
  controller.abort("impatient");
  await clock.settle();
  assertEquals([waiting.status, waiting.reason], ["rejected", "impatient"]);
  await clock.tick(5);
  assertEquals(await set.joinNext(), { ok: true, value: "late", id });
});

Deno.test("two joinNext() waiting on the last task: one takes it, the other gets undefined", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<string>();
  const { id } = set.spawn(() => sleep(10).then(() => "only"));
  const first = watch(set.joinNext());
  const second = watch(set.joinNext());
  await clock.tick(10);
  await clock.settle();
  assertEquals([first.status, first.value], ["fulfilled", { ok: true, value: "only", id }]);
  assertEquals([second.status, second.value], ["fulfilled", undefined]);
});

Deno.test("joinNext() with an aborted signal rejects at once", async () => {
  const set = new JoinSet<void>();
  set.spawn(() => {});
  assertEquals(await rejection(set.joinNext({ signal: AbortSignal.abort("no") })), "no");
  await set.shutdown();
});

Deno.test("joinNext() waiting in a task rejects when that task is aborted", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<void>();
  set.spawn(() => sleep(100));
  const waiter = spawnTask(() => set.joinNext());
  await clock.tick(1);
  waiter.abort("parent gone");
  assert((await rejection(waiter)) instanceof Cancelled);
  await set.shutdown();
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("shutdown() aborts every task and leaves the set empty", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<void>();
  const ended: number[] = [];
  for (let i = 0; i < 3; i++) {
    set.spawn(({ signal }) => {
      signal.addEventListener("abort", () => ended.push(i));
      return sleep(1000);
    });
  }
  await clock.tick(1);
  await set.shutdown();
  assertEquals([ended, set.size, clock.pendingTimers], [[0, 1, 2], 0, 0]);
});

Deno.test("joinAll() resolves with values in completion order", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<number>();
  for (const ms of [3, 1, 2]) set.spawn(() => sleep(ms).then(() => ms));
  const all = watch(set.joinAll());
  await clock.tick(3);
  assertEquals(all.value, [1, 2, 3]);
});

Deno.test("joinAll({ signal }) aborts the tasks and rejects with the reason", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<void>();
  const handle = set.spawn(() => sleep(1000));
  const controller = new AbortController();
  const all = watch(set.joinAll({ signal: controller.signal }));
  await clock.tick(1);
  controller.abort("enough");
  await clock.settle();
  assertEquals([all.reason, handle.isFinished, set.size, clock.pendingTimers], [
    "enough",
    true,
    0,
    0,
  ]);
});

// -- Structured cancellation --

Deno.test("aborting a parent task aborts the tasks of a JoinSet it made", async () => {
  using clock = TestClock.install();
  const log = new Timeline<string>(clock);
  const parent = spawnTask(async () => {
    const set = new JoinSet<void>();
    for (const name of ["child1", "child2"]) {
      set.spawn(async ({ signal }) => {
        signal.addEventListener("abort", () => log.push(`${name} aborted`));
        await sleep(100);
        log.push(`${name} finished`);
      });
    }
    // Not a weft wait: only the set's link to its task can stop the children.
    await new Promise(() => {});
  });
  await clock.tick(10);
  parent.abort("parent cancelled");
  await clock.tick(200);
  assertEquals(log.entries, [[10, "child1 aborted"], [10, "child2 aborted"]]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("await using: leaving the block waits for the children's shutdown", async () => {
  using clock = TestClock.install();
  const log = new Timeline<string>(clock);
  const parent = spawnTask(async () => {
    await using set = new JoinSet<void>();
    set.spawn(async () => {
      try {
        await sleep(100);
      } finally {
        log.push("child done");
      }
    });
    await sleep(5);
    log.push("parent leaves");
  });
  await clock.tick(200);
  await parent;
  assertEquals(log.entries, [[5, "parent leaves"], [5, "child done"]]);
});

Deno.test("a JoinSet made in an aborted task aborts what it spawns at once", async () => {
  let spawned: { isFinished: boolean } | undefined;
  const parent = spawnTask(async () => {
    // Not a weft wait: the task's code goes on after the abort.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const set = new JoinSet<number>();
    spawned = set.spawn(() => 1);
  });
  await drain();
  parent.abort("gone");
  assert((await rejection(parent)) instanceof Cancelled);
  await new Promise((resolve) => setTimeout(resolve, 0));
  await drain();
  assertEquals(spawned?.isFinished, true);
});

Deno.test("detachAll() lets tasks run on and reports a failure nobody takes", async () => {
  using clock = TestClock.install();
  using errors = captureConsoleError();
  const set = new JoinSet<number>();
  let finished = false;
  set.spawn(async () => {
    await sleep(10);
    finished = true;
    return 1;
  });
  set.spawn(async () => {
    await sleep(10);
    throw new Error("lost");
  });
  set.detachAll();
  assertEquals(set.size, 0);
  await clock.tick(10);
  assertEquals([finished, errors.calls.length], [true, 1]);
});

Deno.test("detachAll() reports a detached task that throws synchronously", async () => {
  using errors = captureConsoleError();
  const set = new JoinSet<number>();
  set.spawn(() => {
    throw new Error("lost at once");
  });
  set.detachAll();
  await drain();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(errors.calls.length, 1);
});

// -- Streams --

Deno.test("Stream.from(set) yields results as tasks finish", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<string>();
  for (const [name, ms] of [["b", 20], ["a", 10]] as const) {
    set.spawn(() => sleep(ms).then(() => name));
  }
  const timeline = new Timeline<string>(clock);
  const done = Stream.from(set).forEach((r) => timeline.push(r.ok ? r.value : "error"));
  await clock.tick(30);
  await done;
  assertEquals(timeline.entries, [[10, "a"], [20, "b"]]);
});

Deno.test("Stream.from(set) closed early aborts the tasks still running", async () => {
  using clock = TestClock.install();
  const set = new JoinSet<number>();
  for (const ms of [10, 20, 30]) set.spawn(() => sleep(ms).then(() => ms));
  const first = watch(Stream.from(set).take(1).toArray());
  await clock.tick(10);
  assertEquals(first.value?.map((r) => r.ok && r.value), [10]);
  assertEquals([set.size, clock.pendingTimers], [0, 0]);
});

Deno.test("for await over a set ends when it is empty", async () => {
  const set = new JoinSet<number>();
  for (const n of [1, 2, 3]) set.spawn(() => n);
  const values: number[] = [];
  for await (const r of set) if (r.ok) values.push(r.value);
  assertEquals(values, [1, 2, 3]);
});

// -- Bad input --

Deno.test("spawn() rejects a non-function at the call", () => {
  const set = new JoinSet();
  assertThrows(() => set.spawn(42 as never), TypeError, "Cannot spawn a task into a JoinSet");
  assertEquals(set.size, 0);
});

Deno.test("a set listens to its task only while it has running tasks", async () => {
  using clock = TestClock.install();
  const parent = spawnTask(async ({ signal }) => {
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    let listening = 0;
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listening++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listening--;
      remove(...args);
    }) as typeof remove;
    for (let round = 0; round < 100; round++) {
      const set = new JoinSet<number>();
      set.spawn(() => sleep(1).then(() => round));
      await set.joinAll();
    }
    return listening;
  });
  await clock.tick(200);
  assertEquals(await parent, 0);
});
