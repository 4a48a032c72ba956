/**
 * `deno task fuzz`: the property tests (`tests/*property_test.ts`) with many
 * more runs than `deno test` makes, from a random seed printed first, so a
 * failure can be replayed:
 *
 * ```sh
 * deno task fuzz                          # random seed, 5,000 runs per property
 * deno task fuzz --seed 1234 --runs 20000 # replay or go further
 * ```
 *
 * The seed and run count reach the tests through `WEFT_SEED` and `WEFT_RUNS`
 * (the tests read them only with env permission: `deno test -P`, the
 * "default" permission set of deno.json). fast-check prints the seed, the
 * path and the shrunk counterexample of a failure.
 *
 * @module
 */

const USAGE = "usage: deno task fuzz [--seed N] [--runs N]";

function option(name: string): number | undefined {
  const at = Deno.args.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(Deno.args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`Cannot fuzz: ${name} needs a whole number >= 0\n${USAGE}`);
    Deno.exit(2);
  }
  return value;
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}

function propertyTests(): string[] {
  const files: string[] = [];
  const scan = (path: string, depth: number) => {
    for (const entry of Deno.readDirSync(new URL(`../${path}/`, import.meta.url))) {
      if (entry.isFile && entry.name.endsWith("property_test.ts")) {
        files.push(`${path}/${entry.name}`);
      } else if (entry.isDirectory && depth > 0) scan(`${path}/${entry.name}`, depth - 1);
    }
  };
  // tests/ and one level of folders in it (tests/sync/...).
  scan("tests", 1);
  return files.sort();
}

const seed = option("--seed") ?? randomSeed();
const runs = option("--runs") ?? 5_000;
const files = propertyTests();
console.log(`fuzz: seed ${seed}, ${runs} runs per property, ${files.join(", ")}`);
console.log(`fuzz: replay with: deno task fuzz --seed ${seed} --runs ${runs}`);

const started = Date.now();
const { code } = await new Deno.Command(Deno.execPath(), {
  args: ["test", "-P", ...files],
  cwd: new URL("..", import.meta.url),
  env: { WEFT_SEED: String(seed), WEFT_RUNS: String(runs) },
  stdin: "null",
}).spawn().status;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `fuzz: seed ${seed}, ${runs} runs: ${code === 0 ? "passed" : "FAILED"} in ${seconds} s`,
);
Deno.exit(code);
