/**
 * Both ends of the error wire (`_worker/errors.ts`) without a Worker: what
 * `describeError` makes survives structured clone and `rebuildError` turns it
 * back into an error that reads the same; malformed descriptions and hostile
 * class names never make `rebuildError` throw.
 */
import { describeError, rebuildError } from "../_worker/errors.ts";
import { SendError } from "../channel.ts";
import { assert, assertEquals } from "./_assert.ts";

function roundTrip(thrown: unknown, site?: Error): unknown {
  return rebuildError(structuredClone(describeError(thrown)), site);
}

// -- Describe, then rebuild --

Deno.test("an error crosses with its class name, name, message, stack, cause and fields", () => {
  class ParseError extends Error {
    override name = "ParseError";
    code = 42;
  }
  const thrown = new ParseError("bad input", { cause: new RangeError("inner") });
  const error = roundTrip(thrown) as Error & { code: number };
  assert(error instanceof Error);
  assertEquals([error.constructor.name, error.name, error.message], [
    "ParseError",
    "ParseError",
    "bad input",
  ]);
  assertEquals(error.stack, thrown.stack);
  assertEquals(error.code, 42);
  assert(error.cause instanceof RangeError);
});

Deno.test("built-in classes, DOMException, Deno.errors and SendError come back as themselves", () => {
  assert(roundTrip(new TypeError("t")) instanceof TypeError);
  const dom = roundTrip(new DOMException("d", "DataCloneError"));
  assert(dom instanceof DOMException && dom.name === "DataCloneError");
  assert(roundTrip(new Deno.errors.NotFound("n")) instanceof Deno.errors.NotFound);
  const send = roundTrip(new SendError(7));
  assert(send instanceof SendError);
  assertEquals(send.value, 7);
});

Deno.test("a thrown non-Error value comes back as that value", () => {
  assertEquals(roundTrip({ code: "E_PLAIN" }), { code: "E_PLAIN" });
  assertEquals(roundTrip(42), 42);
});

// -- Hostile input (fault 2) --

Deno.test("error classes named after Object.prototype keys are rebuilt, never looked up", () => {
  for (
    const name of [
      "toString",
      "valueOf",
      "hasOwnProperty",
      "constructor",
      "__defineGetter__",
      "__proto__",
      "isPrototypeOf",
    ]
  ) {
    const thrown = { message: "m", constructor: { name } };
    const error = roundTrip(thrown);
    assert(error instanceof Error, `${name}: ${String(error)}`);
    assertEquals([error.constructor.name, error.message], [name, "m"]);
  }
});

Deno.test("Deno.errors' inherited keys are not classes to rebuild with", () => {
  const error = roundTrip({ message: "m", constructor: { name: "constructor" } });
  assert(error instanceof Error && Object.getPrototypeOf(error) !== Object.prototype);
});

Deno.test("a field named __proto__ is a field, not a new prototype", () => {
  const description = describeError(new Error("p"));
  description.props = JSON.parse('{"__proto__": {"polluted": true}}');
  const error = rebuildError(description) as Error;
  assert(error instanceof Error);
  assertEquals((error as unknown as { polluted?: boolean }).polluted, undefined);
});

Deno.test("malformed descriptions become an Error saying so; rebuildError never throws", () => {
  const malformed: unknown[] = [
    null,
    undefined,
    "hello",
    42,
    [],
    { isError: true },
    { isError: true, name: 1, message: {}, className: 5, stack: null, props: 7, cause: "x" },
    { isError: true, message: "m", className: "X", cause: { isError: true, className: 9 } },
  ];
  for (const description of malformed) {
    const rebuilt = rebuildError(description);
    if ((description as { isError?: unknown } | null)?.isError === true) {
      assert(rebuilt instanceof Error, String(rebuilt));
    }
  }
  const error = rebuildError("hello");
  assert(error instanceof Error && error.message.startsWith("Cannot rebuild the error"));
});

Deno.test("describeError survives getters that throw", () => {
  const hostile = new Error("h");
  Object.defineProperty(hostile, "cause", {
    get() {
      throw new Error("no");
    },
  });
  const error = roundTrip(hostile) as Error;
  assertEquals(error.message, "h");
});

// -- The spawn site (fault 11) --

Deno.test("the spawn site's first frame outside weft ends the rebuilt stack", () => {
  const site = new Error("spawned here");
  const error = roundTrip(new Error("inside"), site) as Error;
  const last = error.stack!.split("\n").at(-1)!;
  assert(last.includes("worker_errors_test.ts"), error.stack);
  assert(last.trimStart().startsWith("at (spawned)"), last);
});
