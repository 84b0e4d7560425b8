/** The controls catalog: complete against the brief, and every claim names a real control. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { controlIdPattern, controls, getControl } from "../controls/catalog";
import { readClaims } from "../controls/claims";
import { repoRoot } from "./harness/run";

const brief = path.join(repoRoot, "..", "shared", "controls.md");

describe("controls catalog", () => {
  test("IDs are unique and every area is represented", () => {
    const ids = controls.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...new Set(controls.map((c) => c.area))].sort(), [
      "admission",
      "cluster",
      "identity",
      "mesh",
      "policy",
      "runtime",
      "secrets",
      "tenancy",
    ]);
    assert.equal(
      controls
        .filter((c) => !c.required)
        .map((c) => c.id)
        .join(),
      "C-RT-5",
    );
  });

  test("matches the brief's control IDs and titles (when shared/ is beside the repository)", (t) => {
    if (!fs.existsSync(brief)) {
      t.skip("shared/controls.md is not beside this checkout");
      return;
    }
    const rows = fs
      .readFileSync(brief, "utf8")
      .split("\n")
      .filter((line) => /^\| C-/.test(line))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    assert.deepEqual(
      rows.map((r) => `${r[1]} ${r[2]}`),
      controls.map((c) => `${c.id} ${c.title}`),
    );
  });

  test("every test claim names a control in the catalog", () => {
    const claims = readClaims(repoRoot);
    assert.ok(claims.length > 0);
    for (const claim of claims) assert.doesNotThrow(() => getControl(claim.controlId), claim.testName);
    assert.ok("C-TEN-1 C-ID-4".match(controlIdPattern)?.length === 2);
  });
});
