/**
 * Builds the npm package from the same sources as the JSR one: ES modules,
 * `.d.ts` types and a `package.json` whose `exports` mirror `deno.json`'s (one
 * subpath per entry point, read from `deno.json` at build time), in
 * `dist/npm/` (git-ignored). Then `npm pack ./dist/npm` gives a tarball.
 *
 * The compiler is TypeScript's own `tsc` (pinned below to the version Deno
 * type-checks with), run by Deno from the npm registry: each source file
 * becomes one `.js` and one `.d.ts` file beside it, with relative `.ts`
 * imports rewritten to `.js` (`rewriteRelativeImportExtensions`), so the
 * package has the repository's layout and no bundling step. `tsc` type-checks
 * the whole build against Node's types as it goes; a type error fails it.
 *
 * Usage: `deno task build:npm` (`deno run -A tools/build_npm.ts`).
 *
 * @module
 */

/** The TypeScript that compiles the package: the version Deno 2.9 bundles. */
const TYPESCRIPT = "6.0.3";
/** Node's types, for the oldest Node the package supports. */
const NODE_TYPES = "20.19.43";
/** The oldest Node the package supports (`engines`). */
const NODE_ENGINE = ">=20";

const root = new URL("..", import.meta.url);
const rootPath = decodeURIComponent(root.pathname).replace(/\/$/, "");
const outDir = `${rootPath}/dist/npm`;

interface DenoJson {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  compilerOptions?: Record<string, unknown>;
}

/** Runs `command` with `args`, failing with its output if it fails. */
async function exec(command: string, args: string[], cwd: string): Promise<void> {
  const { code } = await new Deno.Command(command, {
    args,
    cwd,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`Cannot build the npm package: ${command} exited with ${code}`);
}

/** Installs Node's types into a temporary folder (where `tsc` reads them); returns it. */
async function installTools(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "weft-build-npm-" });
  const manifest = {
    private: true,
    devDependencies: { "@types/node": NODE_TYPES },
  };
  await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify(manifest, null, 2));
  await exec(Deno.execPath(), ["install", "--quiet"], dir);
  return dir;
}

/** The `package.json` of the npm package, from `deno.json`. */
function packageJson(deno: DenoJson): Record<string, unknown> {
  const exports: Record<string, { types: string; default: string }> = {};
  for (const [subpath, file] of Object.entries(deno.exports)) {
    const base = file.replace(/\.ts$/, "");
    exports[subpath] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  const main = exports["."];
  return {
    name: deno.name,
    version: deno.version,
    description:
      "tokio's concurrency model for TypeScript: tasks, channels, streams with tokio-stream's timing, threads and a blocking pool",
    license: deno.license,
    type: "module",
    sideEffects: false,
    engines: { node: NODE_ENGINE },
    ...(main === undefined ? {} : { main: main.default, types: main.types }),
    exports,
    keywords: ["async", "channel", "stream", "tokio", "worker", "concurrency", "deno", "bun"],
  };
}

/**
 * Points the relative imports of every `.d.ts` file under `dir` at `.js`:
 * `tsc` rewrites them in the JavaScript it emits but keeps `.ts` in the
 * declarations, which a consumer's compiler would then look for.
 */
async function rewriteDeclarations(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      await rewriteDeclarations(path);
    } else if (entry.name.endsWith(".d.ts")) {
      const text = await Deno.readTextFile(path);
      const rewritten = text.replace(
        /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\.ts\2/g,
        "$1$2$3.js$2",
      );
      if (rewritten !== text) await Deno.writeTextFile(path, rewritten);
    }
  }
}

const deno = JSON.parse(await Deno.readTextFile(`${rootPath}/deno.json`)) as DenoJson;
const entries = Object.values(deno.exports).map((file) => `${rootPath}/${file.slice(2)}`);

const tools = await installTools();
try {
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(outDir, { recursive: true });
  const tsconfig = {
    compilerOptions: {
      ...deno.compilerOptions,
      target: "ES2022",
      lib: ["ES2024", "ESNext.Disposable", "DOM", "DOM.Iterable"],
      module: "ES2022",
      moduleResolution: "bundler",
      rewriteRelativeImportExtensions: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      declaration: true,
      rootDir: rootPath,
      outDir,
      types: ["node"],
      typeRoots: [`${tools}/node_modules/@types`],
      skipLibCheck: true,
      newLine: "lf",
    },
    files: entries,
  };
  const config = `${tools}/tsconfig.json`;
  await Deno.writeTextFile(config, JSON.stringify(tsconfig, null, 2));
  const tsc = `npm:typescript@${TYPESCRIPT}/tsc`;
  await exec(Deno.execPath(), ["run", "-A", "--no-config", tsc, "-p", config], tools);

  await rewriteDeclarations(outDir);
  await Deno.writeTextFile(
    `${outDir}/package.json`,
    `${JSON.stringify(packageJson(deno), null, 2)}\n`,
  );
  for (const file of ["README.md", "LICENSE", "CHANGELOG.md"]) {
    await Deno.copyFile(`${rootPath}/${file}`, `${outDir}/${file}`);
  }
  console.log(
    `npm package written to dist/npm (${
      Object.keys(deno.exports).length
    } entry points); pack it with: npm pack ./dist/npm`,
  );
} finally {
  await Deno.remove(tools, { recursive: true });
}
