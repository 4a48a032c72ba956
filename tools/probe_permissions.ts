/**
 * Probes what this Deno offers for running a worker with fewer permissions
 * than the process (issue 12, fault 9), so the claim in the README can be
 * checked again on a newer Deno. Each probe runs in a child `deno` process,
 * because one of them ends the process it runs in.
 *
 *   deno run --allow-run --allow-read tools/probe_permissions.ts
 *
 * Probes:
 * 1. A web Worker with `deno: { permissions: "none" }`, no flag: Deno 2.9
 *    prints "Unstable API 'Worker.deno.permissions'" and ends the whole
 *    process with exit code 70 (nothing to catch).
 * 2. The same with `--unstable-worker-options`: the worker is restricted.
 * 3. `Deno.permissions.revokeSync` inside a `node:worker_threads` worker:
 *    whether the revoke stays in the worker or reaches the main side.
 * 4. The same inside a web Worker.
 * 5. Whether the flag can be seen from code (`process.execArgv`, `Deno.args`).
 *
 * @module
 */

const WEB_WORKER_NONE = `
const src = 'let r; try { Deno.readTextFileSync("/etc/hostname"); r = "read allowed"; } catch (e) { r = "read refused: " + e.name; } self.postMessage(r);';
const w = new Worker("data:text/javascript," + encodeURIComponent(src), { type: "module", deno: { permissions: "none" } });
w.onmessage = (e) => { console.log("worker: " + e.data); w.terminate(); };
`;

const REVOKE_IN_NODE_WORKER = `
import { Worker } from "node:worker_threads";
const src = 'import { parentPort } from "node:worker_threads"; Deno.permissions.revokeSync({ name: "read" }); parentPort.postMessage("revoked");';
const w = new Worker(new URL("data:text/javascript," + encodeURIComponent(src)), { type: "module" });
w.on("message", () => {
  console.log("main side read after the worker's revoke: " + Deno.permissions.querySync({ name: "read" }).state);
  w.terminate();
});
`;

const REVOKE_IN_WEB_WORKER = `
const src = 'Deno.permissions.revokeSync({ name: "read" }); self.postMessage("revoked");';
const w = new Worker("data:text/javascript," + encodeURIComponent(src), { type: "module" });
w.onmessage = () => {
  console.log("main side read after the worker's revoke: " + Deno.permissions.querySync({ name: "read" }).state);
  w.terminate();
};
`;

const SEE_FLAG = `
import process from "node:process";
console.log("execArgv: " + JSON.stringify(process.execArgv) + ", Deno.args: " + JSON.stringify(Deno.args));
`;

async function probe(title: string, flags: string[], code: string): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", ...flags, code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  console.log(`## ${title} (deno eval ${flags.join(" ")})`);
  console.log(`exit code ${output.code}`);
  for (const line of [text(output.stdout), text(output.stderr)]) if (line) console.log(line);
  console.log();
}

console.log(`Deno ${Deno.version.deno}\n`);
await probe("1. web Worker, permissions none, no flag", ["-A"], WEB_WORKER_NONE);
await probe(
  "2. web Worker, permissions none, with the flag",
  ["-A", "--unstable-worker-options"],
  WEB_WORKER_NONE,
);
await probe("3. revoke inside a node:worker_threads worker", ["-A"], REVOKE_IN_NODE_WORKER);
await probe("4. revoke inside a web Worker", ["-A"], REVOKE_IN_WEB_WORKER);
await probe("5. can code see the flag?", ["-A", "--unstable-worker-options"], SEE_FLAG);
