/**
 * Checks the module's layout rules (STYLE.md, rule 1) by reading every import
 * of the module's own `.ts` files (not `tests/`, `bench/`, `tools/`,
 * `examples/`):
 *
 * - no internal file (`_x.ts`) sits at the top level;
 * - no import cycle (type-only imports are erased before the module runs and
 *   do not count: `_testing/` names `TestClock` in its options' types);
 * - a file in a subsystem folder imports only its own folder, `_runtime/`,
 *   the lower layers {@linkcode LOWER_LAYERS} lists for it, and a public
 *   (top-level) file only for its error classes (a class that extends
 *   `Error`, wherever the module declares it).
 *
 * ```sh
 * deno run --allow-read tools/check_layout.ts
 * ```
 *
 * Exits with 1 and one line per violation when a rule is broken.
 *
 * @module
 */

/** Folders that are not part of the module. */
const OUTSIDE = new Set(["tests", "bench", "tools", "examples", "node_modules", "target", "dist"]);

/**
 * The layers under each subsystem folder, besides its own files and
 * `_runtime/` (which every folder may use). A folder not listed may use only
 * those two.
 */
export const LOWER_LAYERS: Readonly<Record<string, readonly string[]>> = {
  _runtime: [],
  _channel: [],
  _worker: [],
  _thread: ["_channel", "_worker"],
  _pool: ["_worker"],
  _task: [],
  stream: ["_channel", "_task"],
};

/** Folders that may import public files for anything (they build on the public API). */
export const USES_PUBLIC_API: ReadonlySet<string> = new Set(["_testing"]);

/** Base classes that make a public class an error class. */
const ERROR_BASES = ["Error", "TypeError", "RangeError", "DOMException", "AggregateError"];

/** One import of a file. */
export interface Import {
  /** The specifier as written. */
  specifier: string;
  /** The names it brings in; null for `import *`, a side-effect import or `export *`. */
  names: string[] | null;
  /** Whether it brings in types only (`import type`, or every name marked `type`). */
  typeOnly: boolean;
}

/** Removes comments (JSDoc examples hold imports that are not the file's own). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Reads the static imports and re-exports of a source file. */
export function readImports(source: string): Import[] {
  const text = stripComments(source);
  const imports: Import[] = [];
  const statement =
    /(?:^|[;\n])\s*(?:import|export)\s+(type\s+)?([^;"']*?)\s*from\s*["']([^"']+)["']/g;
  for (const match of text.matchAll(statement)) {
    const clause = match[2]!;
    const typeOnly = match[1] !== undefined || isTypeOnlyClause(clause);
    imports.push({ specifier: match[3]!, names: importedNames(clause), typeOnly });
  }
  for (const match of text.matchAll(/(?:^|[;\n])\s*import\s*["']([^"']+)["']/g)) {
    imports.push({ specifier: match[1]!, names: null, typeOnly: false });
  }
  for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
    imports.push({ specifier: match[1]!, names: null, typeOnly: false });
  }
  return imports;
}

/** Whether every name of `{ type A, type B }` is marked `type`. */
function isTypeOnlyClause(clause: string): boolean {
  const braces = clause.match(/^\{([\s\S]*)\}$/);
  if (braces === null) return false;
  const parts = braces[1]!.split(",").map((part) => part.trim()).filter((part) => part !== "");
  return parts.length > 0 && parts.every((part) => part.startsWith("type "));
}

/** The names of an import clause: `{ a, type B, c as d }` -> ["a", "B", "c"]. */
function importedNames(clause: string): string[] | null {
  if (clause.includes("*")) return null;
  const names: string[] = [];
  const braces = clause.match(/\{([\s\S]*)\}/);
  const outside = clause.replace(/\{[\s\S]*\}/, "").replace(/,/g, " ").trim();
  if (outside !== "") names.push(...outside.split(/\s+/).filter((n) => n !== "type"));
  if (braces !== null) {
    for (const part of braces[1]!.split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim();
      if (name !== "") names.push(name);
    }
  }
  return names;
}

/** The error classes the module declares (a public file may re-export one from a folder). */
function errorClasses(files: ReadonlyMap<string, string>): Set<string> {
  const found = new Set(ERROR_BASES);
  const declared: [string, string][] = [];
  for (const source of files.values()) {
    const text = stripComments(source);
    for (const match of text.matchAll(/export\s+class\s+(\w+)(?:<[^{]*?>)?\s+extends\s+(\w+)/g)) {
      declared.push([match[1]!, match[2]!]);
    }
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, base] of declared) {
      if (!found.has(name) && found.has(base)) {
        found.add(name);
        grew = true;
      }
    }
  }
  for (const base of ERROR_BASES) found.delete(base);
  return found;
}

/** Resolves a relative specifier against the importing file (both module-relative). */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === "..") parts.pop();
    else parts.push(segment);
  }
  return parts.join("/");
}

/** The subsystem folder of a file, or null for a top-level (public) file. */
function folderOf(path: string): string | null {
  const slash = path.indexOf("/");
  return slash < 0 ? null : path.slice(0, slash);
}

/**
 * Checks the rules over `files` (module-relative path -> source) and returns
 * one message per violation, none when the layout is sound.
 */
export function checkLayout(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const errors = errorClasses(files);
  const graph = new Map<string, string[]>();
  for (const [path, source] of files) {
    if (!path.includes("/") && path.startsWith("_")) {
      problems.push(`${path}: an internal file at the top level (move it into a subsystem folder)`);
    }
    const targets: string[] = [];
    for (const { specifier, names, typeOnly } of readImports(source)) {
      const target = resolve(path, specifier);
      if (target === null) continue;
      if (!files.has(target)) {
        problems.push(`${path}: imports ${specifier}, which is not a file of the module`);
        continue;
      }
      if (!typeOnly) targets.push(target);
      const why = forbidden(path, target, names, errors);
      if (why !== null) problems.push(`${path}: imports ${specifier}: ${why}`);
    }
    graph.set(path, targets);
  }
  problems.push(...findCycles(graph).map((cycle) => `import cycle: ${cycle.join(" -> ")}`));
  return problems;
}

/** Why `from` may not import `target` for `names`, or null when it may. */
function forbidden(
  from: string,
  target: string,
  names: string[] | null,
  errors: ReadonlySet<string>,
): string | null {
  const folder = folderOf(from);
  if (folder === null) return null;
  const targetFolder = folderOf(target);
  if (targetFolder === null) {
    if (USES_PUBLIC_API.has(folder)) return null;
    const others = names === null ? ["*"] : names.filter((name) => !errors.has(name));
    if (others.length === 0) return null;
    return `an internal folder uses a public file only for its error classes, not ${
      others.join(", ")
    }`;
  }
  if (targetFolder === folder || targetFolder === "_runtime") return null;
  if ((LOWER_LAYERS[folder] ?? []).includes(targetFolder)) return null;
  return `${folder}/ may not use ${targetFolder}/ (allowed: its own files, _runtime/${
    (LOWER_LAYERS[folder] ?? []).map((layer) => `, ${layer}/`).join("")
  })`;
}

/** Every cycle found by a depth-first walk, each as the path that closes it. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}

/** Reads the module's own `.ts` files under `root` (module-relative path -> source). */
export async function readModule(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".")) continue;
      const path = prefix + entry.name;
      if (entry.isDirectory) {
        if (prefix === "" && OUTSIDE.has(entry.name)) continue;
        await walk(`${dir}/${entry.name}`, `${path}/`);
      } else if (entry.isFile && entry.name.endsWith(".ts")) {
        files.set(path, await Deno.readTextFile(`${dir}/${entry.name}`));
      }
    }
  };
  await walk(root, "");
  return files;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const files = await readModule(root);
  const problems = checkLayout(files);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) Deno.exit(1);
  console.log(`layout ok: ${files.size} files, no top-level internal file, no cycle`);
}
