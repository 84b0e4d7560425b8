/** The platform's Falco rules (C-RT-1) are structurally sound, and the check catches a broken rule. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { falcoRulesFile } from "../components/runtime-security/rules";
import { checkFalcoRules, references } from "./checks/falco-rules";
import { proves } from "./harness/proves";

const rules = fs.readFileSync(falcoRulesFile, "utf8");

describe("Falco rules", () => {
  proves(
    ["C-RT-1"],
    "the platform rules define every list and macro they use, and each rule documents its trigger",
    () => {
      assert.deepEqual(checkFalcoRules(rules), []);
      const names = (rules.match(/^- rule: (.+)$/gm) ?? []).map((line) => line.replace("- rule: ", ""));
      for (const expected of [
        "shell spawned",
        "service-account token",
        "cloud credentials",
        "system directory",
        "bypassing the egress gateway",
        "exec into a platform pod",
      ]) {
        assert.ok(
          names.some((n) => n.includes(expected)),
          `no rule for ${expected}`,
        );
      }
    },
  );

  proves(["C-RT-1"], "a rule using an undefined macro fails the structural check", () => {
    const broken = rules.replace("zt_spawned_process and zt_tenant_pod", "zt_spawned_proc and zt_tenant_pod");
    assert.notEqual(broken, rules);
    assert.match(
      checkFalcoRules(broken).join("\n"),
      /uses "zt_spawned_proc", which is not a list or macro defined above/,
    );
  });

  test("the reference scanner ignores fields, operators and quoted values", () => {
    assert.deepEqual(references('evt.type in ("execve") and not proc.name in (zt_shells) and zt_container'), [
      "zt_shells",
      "zt_container",
    ]);
    assert.ok(path.isAbsolute(falcoRulesFile));
  });
});
