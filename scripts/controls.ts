/**
 * npm run controls [-- --strict]
 * Per control of the catalog: the CrossGuard policies that check it at preview time, the tests
 * that claim it and whether they passed in the last `npm test` (out/test-results/controls.json). --strict exits non-zero when a required control
 * is not proven; CI turns it on once every component of the brief has landed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { controls } from "../controls/catalog";
import { readClaims } from "../controls/claims";
import { policyControls } from "../policy-packs/zero-trust/policies";
import { repoRoot } from "../tests/harness/run";

interface Result {
  readonly name: string;
  readonly passed: boolean;
  readonly controls: readonly string[];
}

export type ControlStatus = "proven" | "failing" | "not run" | "not yet";

export function controlStatuses(results: readonly Result[] | undefined) {
  const claims = readClaims(repoRoot);
  return controls.map((control) => {
    const tests = [...new Set(claims.filter((c) => c.controlId === control.id).map((c) => c.testName))];
    const runs = (results ?? []).filter((r) => r.controls.includes(control.id));
    let status: ControlStatus;
    if (tests.length === 0 && runs.length === 0) status = "not yet";
    else if (runs.some((r) => !r.passed)) status = "failing";
    else if (runs.length === 0 || runs.length < tests.length) status = "not run";
    else status = "proven";
    return { control, tests, status };
  });
}

function main(): number {
  const { values } = parseArgs({ options: { strict: { type: "boolean" } } });
  const resultsFile = path.join(repoRoot, "out", "test-results", "controls.json");
  const results = fs.existsSync(resultsFile)
    ? (JSON.parse(fs.readFileSync(resultsFile, "utf8")) as { results: Result[] }).results
    : undefined;
  if (!results) console.log("no test results yet (run `npm test`); showing claimed tests only\n");

  const rows = controlStatuses(results);
  for (const { control, tests, status } of rows) {
    const flag = control.required || control.title.includes("(option)") ? "" : " (option)";
    console.log(`${status.padEnd(8)} ${control.id.padEnd(9)} ${control.title}${flag}`);
    const checkedBy = [...policyControls].filter(([, ids]) => ids.includes(control.id)).map(([name]) => name);
    if (checkedBy.length > 0) console.log(`           policies: ${checkedBy.join(", ")}`);
    for (const test of tests) console.log(`           - ${test}`);
  }
  const required = rows.filter((r) => r.control.required);
  const proven = required.filter((r) => r.status === "proven").length;
  const failing = rows.filter((r) => r.status === "failing");
  console.log(`\n${proven}/${required.length} required controls proven; ${failing.length} failing`);
  if (failing.length > 0) return 1;
  if (values.strict && proven < required.length) {
    console.log("--strict: every required control needs a passing test");
    return 1;
  }
  return 0;
}

if (require.main === module) process.exit(main());
