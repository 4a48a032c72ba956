import {
  Cancelled,
  Elapsed,
  join,
  joinAll,
  race,
  run,
  sleep,
  spawnTask,
  timeout,
  yieldNow,
} from "../task.ts";
import { channel, SendError } from "../channel.ts";
import { Stream } from "../stream.ts";
import { TestClock } from "../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";
import { captureConsoleError, drain, rejection, Timeline, watch } from "./_helpers.ts";

// -- Results --

Deno.test("spawnTask() handle resolves with the task's result", async () => {
  using clock = TestClock.install();
  const handle = spawnTask(async () => {
    await sleep(10);
    return "done";
  });
  const result = watch(handle);
  await clock.tick(9);
  assertEquals(result.status, "pending");
  await clock.tick(1);
  assertEquals([result.status, result.value], ["fulfilled", "done"]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("spawnTask() handle rejects with the task's own error", async () => {
  const failure = new Error("boom");
  const handle = spawnTask(() => {
    throw failure;
  });
  assertEquals(await rejection(handle), failure);
});

Deno.test("spawnTask() starts the task only once the caller yields", async () => {
  const order: string[] = [];
  const handle = spawnTask(() => {
    order.push("task");
  });
  order.push("caller");
  await handle;
  assertEquals(order, ["caller", "task"]);
});

Deno.test("spawnTask() passes the task its signal, the handle's signal", async () => {
  let seen: AbortSignal | undefined;
  const handle = spawnTask(({ signal }) => {
    seen = signal;
  });
  await handle;
  assert(seen === handle.signal);
  assertEquals(handle.isFinished, true);
});

Deno.test("a handle awaited after its task finished still gives the result", async () => {
  const handle = spawnTask(() => 7);
  await drain();
  assertEquals(handle.isFinished, true);
  assertEquals(await handle, 7);
});

// -- Cancellation --

Deno.test("abort() rejects a pending sleep at once with the reason", async () => {
  using clock = TestClock.install();
  let sleepError: unknown;
  const handle = spawnTask(async () => {
    try {
      await sleep(1_000);
    } catch (error) {
      sleepError = error;
      throw error;
    }
  });
  const result = watch(handle);
  await clock.tick(10);
  assertEquals(clock.pendingTimers, 1);
  handle.abort("stop");
  assertEquals(clock.pendingTimers, 0);
  await clock.settle();
  assertEquals(clock.elapsed, 10);
  assertEquals(sleepError, "stop");
  assertEquals(result.status, "rejected");
  assert(result.reason instanceof Cancelled);
  assertEquals((result.reason as Cancelled).reason, "stop");
});

Deno.test("abort() without a reason rejects waits with the signal's AbortError", async () => {
  using clock = TestClock.install();
  let sleepError: unknown;
  const handle = spawnTask(async () => {
    await sleep(1_000).catch((error) => {
      sleepError = error;
    });
  });
  await clock.settle();
  handle.abort();
  await clock.settle();
  assert(sleepError instanceof DOMException, `got ${String(sleepError)}`);
  assertEquals(sleepError.name, "AbortError");
  assert(sleepError === handle.signal.reason);
  assert(await rejection(handle) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("abort() fires the task's signal with the reason", async () => {
  const handle = spawnTask(({ signal }) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason));
    })
  );
  await drain();
  handle.abort("why");
  assertEquals(handle.signal.aborted, true);
  assertEquals(handle.signal.reason, "why");
  assert(await rejection(handle) instanceof Cancelled);
});

Deno.test("abort() before the task starts means it never runs", async () => {
  let ran = false;
  const handle = spawnTask(() => {
    ran = true;
  });
  handle.abort();
  await drain();
  assertEquals(ran, false);
  assert(await rejection(handle) instanceof Cancelled);
});

Deno.test("abort() after the task finished changes nothing", async () => {
  const handle = spawnTask(() => 1);
  await handle;
  handle.abort("late");
  assertEquals(handle.signal.aborted, false);
  assertEquals(await handle, 1);
});

Deno.test("a sleep started by an aborted task rejects at once, without a timer", async () => {
  using clock = TestClock.install();
  const errors: unknown[] = [];
  const handle = spawnTask(async () => {
    await sleep(5).catch((error) => errors.push(error));
    await sleep(5).catch((error) => errors.push(error));
  });
  await clock.settle();
  handle.abort("x");
  await clock.settle();
  assertEquals(errors, ["x", "x"]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("abort() reaches a pending recv() inside the task", async () => {
  const [tx, rx] = channel<number>();
  let recvError: unknown;
  const handle = spawnTask(async () => {
    await rx.recv().catch((error) => {
      recvError = error;
    });
  });
  await drain();
  handle.abort("stop");
  await drain();
  assertEquals(recvError, "stop");
  assert(await rejection(handle) instanceof Cancelled);
  // The receiver is free again and still works.
  tx.send(1);
  assertEquals(await rx.recv(), 1);
});

Deno.test("abort() reaches a pending bounded send inside the task", async () => {
  const [tx, rx] = channel<string>(1);
  await tx.send("fills the buffer");
  let sendError: unknown;
  const handle = spawnTask(async () => {
    await tx.send("waits").catch((error) => {
      sendError = error;
    });
  });
  await drain();
  handle.abort("stop");
  await drain();
  assertEquals(sendError, "stop");
  assert(await rejection(handle) instanceof Cancelled);
  // The withdrawn value never arrives; the channel goes on.
  assertEquals(await rx.recv(), "fills the buffer");
  assertEquals(tx.trySend("next"), true);
  assertEquals(rx.tryRecv(), "next");
});

Deno.test("abort() reaches a for await loop over a receiver and closes it", async () => {
  const [tx, rx] = channel<number>();
  const seen: number[] = [];
  let loopError: unknown;
  const handle = spawnTask(async () => {
    try {
      for await (const value of rx) seen.push(value);
    } catch (error) {
      loopError = error;
    }
  });
  tx.send(1);
  await drain();
  handle.abort("stop");
  await drain();
  assertEquals([seen, loopError], [[1], "stop"]);
  assert(await rejection(handle) instanceof Cancelled);
  assertThrows(() => tx.send(2), SendError);
});

Deno.test("a bounded send with a signal, made by an aborted task, leaves no listener", async () => {
  using clock = TestClock.install();
  const [tx] = channel<number>(0);
  const controller = new AbortController();
  let sendError: unknown;
  const handle = spawnTask(async () => {
    await sleep(10).catch(() => {});
    sendError = await rejection(tx.send(1, { signal: controller.signal }));
  });
  await clock.settle();
  handle.abort("gone");
  await clock.settle();
  assertEquals(sendError, "gone");
  // Aborting the signal later must not reject a promise nobody holds.
  controller.abort("later");
  await clock.settle();
  assert(await rejection(handle) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("using-disposal of a handle aborts its task", async () => {
  using clock = TestClock.install();
  let outer: Promise<unknown> | undefined;
  {
    using handle = spawnTask(() => sleep(1_000));
    outer = Promise.resolve(handle).catch((error) => error);
    await clock.tick(1);
  }
  assert(await outer instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

// -- run() --

Deno.test("run() returns main's result", async () => {
  using clock = TestClock.install();
  const result = watch(run(async () => {
    await sleep(3);
    return 42;
  }));
  await clock.tick(3);
  assertEquals([result.status, result.value], ["fulfilled", 42]);
});

Deno.test("run() rejects with main's error after cancelling its tasks", async () => {
  using clock = TestClock.install();
  const failure = new Error("main failed");
  let child: ReturnType<typeof spawnTask<void>> | undefined;
  const result = watch(run(async () => {
    child = spawnTask(() => sleep(1_000));
    await sleep(1);
    throw failure;
  }));
  await clock.tick(1);
  assertEquals([result.status, result.reason], ["rejected", failure]);
  assert(await rejection(child!) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("run() cancels leftover tasks when main settles", async () => {
  using clock = TestClock.install();
  const ticks = new Timeline<string>(clock);
  const done = watch(run(async () => {
    spawnTask(async () => {
      for (;;) {
        await sleep(1);
        ticks.push("tick");
      }
    });
    await sleep(3);
    return "main";
  }));
  await clock.tick(10);
  assertEquals(done.value, "main");
  // The tick due at 3 ms, with main's end, is the last one.
  assertEquals(ticks.entries, [[1, "tick"], [2, "tick"], [3, "tick"]]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("run() cancels grandchildren too", async () => {
  using clock = TestClock.install();
  let grandchild: ReturnType<typeof spawnTask<void>> | undefined;
  await Promise.all([
    run(() => {
      spawnTask(() => {
        grandchild = spawnTask(() => sleep(1_000));
      });
      return sleep(1);
    }),
    clock.tick(1),
  ]);
  assert(await rejection(grandchild!) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("a task spawned while run() shuts down is cancelled too", async () => {
  using clock = TestClock.install();
  let late: ReturnType<typeof spawnTask<void>> | undefined;
  await Promise.all([
    run(() => {
      spawnTask(async () => {
        try {
          await sleep(1_000);
        } finally {
          late = spawnTask<void>(async () => {
            for (;;) await sleep(1);
          });
        }
      });
      return sleep(1);
    }),
    clock.tick(1),
  ]);
  await clock.tick(5);
  assert(late !== undefined);
  assert(await rejection(late) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("run() ends sleep loops a finished task or main left running", async () => {
  using clock = TestClock.install();
  const ticks = new Timeline<string>(clock);
  const loop = async (name: string) => {
    for (;;) {
      await sleep(2);
      ticks.push(name);
    }
  };
  const errors: unknown[] = [];
  let child: ReturnType<typeof spawnTask<string>> | undefined;
  const done = watch(run(async () => {
    child = spawnTask(() => {
      loop("task's").catch((error) => errors.push(error));
      return "child done";
    });
    loop("main's").catch((error) => errors.push(error));
    await sleep(3);
  }));
  await clock.tick(20);
  assertEquals(done.status, "fulfilled");
  assertEquals(ticks.entries, [[2, "main's"], [2, "task's"]]);
  assertEquals(errors.length, 2);
  assert(errors.every((error) => error instanceof Cancelled));
  // The task's handle keeps the outcome it had.
  assertEquals(await child, "child done");
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("tasks spawned outside run() are not cancelled by it", async () => {
  using clock = TestClock.install();
  const outside = spawnTask(async () => {
    await sleep(5);
    return "outside";
  });
  const inside = run(() => sleep(1));
  await clock.tick(5);
  await inside;
  assertEquals(await outside, "outside");
});

// -- Failure reports --

Deno.test("a failing task nobody awaits is reported on stderr, not as unhandled", async () => {
  using errors = captureConsoleError();
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  const failure = new Error("lost?");
  spawnTask(() => {
    throw failure;
  });
  await drain();
  await drain();
  globalThis.removeEventListener("unhandledrejection", onUnhandled);
  assertEquals(unhandled, []);
  assertEquals(errors.calls.length, 1);
  assert(errors.calls[0]!.includes(failure));
  assert(String(errors.calls[0]![0]).includes("nothing awaited its JoinHandle"));
});

Deno.test("a failing task whose handle is awaited is not reported", async () => {
  using errors = captureConsoleError();
  const handle = spawnTask(() => Promise.reject(new Error("seen")));
  await rejection(handle);
  await drain();
  await drain();
  assertEquals(errors.calls, []);
});

Deno.test("an aborted task nobody awaits is not reported", async () => {
  using errors = captureConsoleError();
  const handle = spawnTask(() => sleep(1_000));
  await drain();
  handle.abort();
  await drain();
  await drain();
  assertEquals(errors.calls, []);
});

// -- sleep, yieldNow --

Deno.test("sleep() resolves after its duration, fractions rounded up", async () => {
  using clock = TestClock.install();
  const timeline = new Timeline<string>(clock);
  sleep(2).then(() => timeline.push("2"));
  sleep(0.5).then(() => timeline.push("0.5"));
  sleep(1).then(() => timeline.push("1"));
  await clock.tick(5);
  assertEquals(timeline.entries, [[1, "0.5"], [1, "1"], [2, "2"]]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("sleep(0) resolves without a timer", async () => {
  using clock = TestClock.install();
  const slept = watch(sleep(0));
  assertEquals(clock.pendingTimers, 0);
  await clock.settle();
  assertEquals(slept.status, "fulfilled");
  assertEquals(clock.elapsed, 0);
});

Deno.test("sleep() shares one host timer among all sleeps", async () => {
  using clock = TestClock.install();
  const all = Promise.all([sleep(3), sleep(1), sleep(2), sleep(1)]);
  assertEquals(clock.pendingTimers, 1);
  await clock.tick(3);
  await all;
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("sleep() with an aborted signal rejects with signal.reason", async () => {
  using clock = TestClock.install();
  const reason = { why: "already" };
  assertEquals(await rejection(sleep(10, { signal: AbortSignal.abort(reason) })), reason);
  const controller = new AbortController();
  const pending = sleep(10, { signal: controller.signal });
  controller.abort(reason);
  assertEquals(await rejection(pending), reason);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("yieldNow() lets other ready tasks run first", async () => {
  const order: string[] = [];
  const a = spawnTask(async () => {
    order.push("a1");
    await yieldNow();
    order.push("a2");
  });
  const b = spawnTask(async () => {
    order.push("b1");
    await Promise.resolve();
    await Promise.resolve();
    order.push("b2");
  });
  await join(a, b);
  assertEquals(order, ["a1", "b1", "b2", "a2"]);
});

// -- join, joinAll --

Deno.test("join() gives results in argument order, not finish order", async () => {
  using clock = TestClock.install();
  const timeline = new Timeline<string>(clock);
  const joined = join(
    spawnTask(async () => {
      await sleep(3);
      timeline.push("slow");
      return "slow";
    }),
    sleep(1).then(() => {
      timeline.push("fast");
      return 1;
    }),
  );
  const result = watch(joined);
  await clock.tick(3);
  assertEquals(result.value, ["slow", 1]);
  assertEquals(timeline.entries, [[1, "fast"], [3, "slow"]]);
});

Deno.test("joinAll() gives results in iteration order and fails with the first error", async () => {
  using clock = TestClock.install();
  const delays = [3, 1, 2];
  const results = watch(joinAll(delays.map((ms) => sleep(ms).then(() => ms))));
  await clock.tick(3);
  assertEquals(results.value, [3, 1, 2]);
  const failure = new Error("second");
  await assertRejects(joinAll([Promise.resolve(1), Promise.reject(failure)]), Error, "second");
});

// -- race, timeout --

Deno.test("race() settles like the faster and cancels a slower function", async () => {
  using clock = TestClock.install();
  const signals: AbortSignal[] = [];
  const winner = watch(race(
    (signal) => {
      signals.push(signal);
      return sleep(5, { signal }).then(() => "slow");
    },
    (signal) => {
      signals.push(signal);
      return sleep(2, { signal }).then(() => "fast");
    },
  ));
  await clock.tick(2);
  assertEquals(winner.value, "fast");
  assertEquals(clock.pendingTimers, 0);
  // The loser is aborted with Cancelled; the winner's signal stays untouched.
  assertEquals(signals.map((signal) => signal.aborted), [true, false]);
  assert(signals[0]!.reason instanceof Cancelled);
});

Deno.test("race() aborts a slower JoinHandle with Cancelled", async () => {
  using clock = TestClock.install();
  const timeline = new Timeline<string>(clock);
  const slow = spawnTask(async () => {
    await sleep(10);
    timeline.push("slow finished");
  });
  const winner = watch(race(sleep(4).then(() => "fast"), slow));
  await clock.tick(20);
  assertEquals(winner.value, "fast");
  assertEquals(timeline.entries, []);
  const error = await rejection(slow);
  assert(error instanceof Cancelled);
  assert(error.reason instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("race() settles with the first failure", async () => {
  using clock = TestClock.install();
  const failure = new Error("first");
  const raced = watch(race(
    sleep(1).then(() => Promise.reject(failure)),
    (signal) => sleep(5, { signal }),
  ));
  await clock.tick(1);
  assertEquals([raced.status, raced.reason], ["rejected", failure]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("timeout() settles like the future when it is in time, leaving its signal alone", async () => {
  using clock = TestClock.install();
  let workSignal: AbortSignal | undefined;
  const result = watch(timeout(5, (signal) => {
    workSignal = signal;
    return sleep(3, { signal }).then(() => "ok");
  }));
  await clock.tick(3);
  assertEquals(result.value, "ok");
  assertEquals(workSignal?.aborted, false);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("timeout(0) lets a future that is already done win", async () => {
  using clock = TestClock.install();
  assertEquals(await timeout(0, Promise.resolve("ready")), "ready");
  await assertRejects(timeout(0, (signal) => sleep(1, { signal })), Elapsed);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("timeout() rejects with Elapsed and cancels the work", async () => {
  using clock = TestClock.install();
  let workError: unknown;
  const result = watch(timeout(5, (signal) =>
    sleep(100, { signal }).catch((error) => {
      workError = error;
      throw error;
    })));
  await clock.tick(4);
  assertEquals(result.status, "pending");
  await clock.tick(1);
  assertEquals(result.status, "rejected");
  assert(result.reason instanceof Elapsed);
  assert(workError instanceof Elapsed);
  assertEquals(String(result.reason), "Elapsed(())");
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("timeout() aborts a JoinHandle that runs late", async () => {
  using clock = TestClock.install();
  const slow = spawnTask(() => sleep(100));
  const result = watch(timeout(5, slow));
  await clock.tick(5);
  assert(result.reason instanceof Elapsed);
  assert(await rejection(slow) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

// -- Bad input --

Deno.test("sleep() rejects bad durations at the call with RangeError", () => {
  for (const ms of [-1, NaN, Infinity, -Infinity]) {
    const error = assertThrows(() => sleep(ms), RangeError);
    assert(error.message.startsWith("Cannot "), error.message);
  }
  assertThrows(() => sleep("5" as unknown as number), RangeError);
});

Deno.test("timeout() rejects bad durations at the call with RangeError", () => {
  for (const ms of [-1, NaN, Infinity]) {
    const error = assertThrows(() => timeout(ms, Promise.resolve()), RangeError);
    assert(error.message.startsWith("Cannot "), error.message);
  }
});

Deno.test("spawnTask() and run() reject a non-function at the call with TypeError", () => {
  const bad = 123 as unknown as () => void;
  const spawnError = assertThrows(() => spawnTask(bad), TypeError);
  assert(spawnError.message.startsWith("Cannot "), spawnError.message);
  const runError = assertThrows(() => run("x" as unknown as () => void), TypeError);
  assert(runError.message.startsWith("Cannot "), runError.message);
});

Deno.test("race(), timeout() and joinAll() reject non-futures at the call with TypeError", () => {
  const bad = 5 as unknown as Promise<void>;
  assertThrows(() => race(bad, Promise.resolve()), TypeError, "Cannot ");
  assertThrows(() => timeout(1, bad), TypeError, "Cannot ");
  assertThrows(() => joinAll(bad as unknown as Iterable<void>), TypeError, "Cannot ");
});

Deno.test("race() with one bad argument starts neither future", () => {
  using clock = TestClock.install();
  let started = false;
  const work = (signal: AbortSignal) => {
    started = true;
    return sleep(10, { signal });
  };
  assertThrows(() => race(work, 5 as unknown as Promise<void>), TypeError, "Cannot race");
  assertEquals([started, clock.pendingTimers], [false, 0]);
});

// -- Errors --

Deno.test("Cancelled and Elapsed have names, messages and reasons", () => {
  const cancelled = new Cancelled("why");
  assertEquals([cancelled.name, cancelled.reason, cancelled.cause], ["Cancelled", "why", "why"]);
  assert(cancelled.message.startsWith("Cannot "));
  const elapsed = new Elapsed();
  assertEquals([elapsed.name, `${elapsed}`], ["Elapsed", "Elapsed(())"]);
  assertEquals(Deno.inspect(elapsed), "Elapsed(())");
  assert(elapsed.message.startsWith("Cannot "));
});

Deno.test("a task looping on sleep(0) does not starve a stream consumer", async () => {
  const [tx, rx] = channel<number>();
  const producer = spawnTask(async () => {
    for (let i = 0;; i++) {
      if (tx.isClosed) return;
      tx.send(i);
      await sleep(0);
    }
  });
  const got = await Stream.from(rx).take(300).toArray();
  assertEquals(got.length, 300);
  await producer;
});
