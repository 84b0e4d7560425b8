/**
 * Our Go checkers wrap upstream engines at the versions components/versions.ts pins: each
 * checker's go.mod must require exactly its `requires`, read by Go's own go.mod parser.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { checkers } from "../components/versions";
import { requirementDrift } from "../scripts/verify/checkers";
import { repoRoot } from "./harness/run";

for (const [name, checker] of Object.entries(checkers)) {
  test(`checker ${name} builds against the upstream versions versions.ts pins`, () => {
    assert.deepEqual(requirementDrift(checker.requires, path.join(repoRoot, checker.dir)), []);
  });
}

test("companion: a checker whose go.mod moved to another upstream version is reported as drift", () => {
  const [name, checker] = Object.entries(checkers)[0]!;
  const [module, version] = Object.entries(checker.requires)[0]!;
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), `zt-${name}-`));
  try {
    const goMod = fs.readFileSync(path.join(repoRoot, checker.dir, "go.mod"), "utf8");
    const moved = goMod.replace(`${module} ${version}`, `${module} v0.0.1`);
    assert.notEqual(moved, goMod, `go.mod of ${name} names ${module} ${version}`);
    fs.writeFileSync(path.join(copy, "go.mod"), moved);
    assert.deepEqual(requirementDrift(checker.requires, copy), [
      `${module}: versions.ts pins ${version}, go.mod requires v0.0.1`,
    ]);
    assert.deepEqual(
      requirementDrift({ ...checker.requires, "example.com/unpinned": "v1.0.0" }, copy).length,
      2,
    );
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
