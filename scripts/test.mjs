// npm test: every tests/**/*.test.ts under node's test runner (each file in its own process,
// so Pulumi's global runtime state never leaks between files). Two reporters: the spec reporter
// on stdout, and the controls reporter that records which control tests passed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const filter = process.argv.slice(2);
const files = readdirSync("tests", { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
  .map((e) => join(e.parentPath, e.name))
  .filter((f) => filter.length === 0 || filter.some((pattern) => f.includes(pattern)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filter.join(" ")}`);
  process.exit(1);
}
mkdirSync("out/test-results", { recursive: true });
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=./tests/harness/controls-reporter.mjs",
    "--test-reporter-destination=out/test-results/controls.json",
    ...files,
  ],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
