/**
 * The zero-trust CrossGuard pack (C-POL-1, C-POL-2), run on synthetic inputs and on the captured
 * graph of every shipped stack through tests/harness/crossguard.ts (the CLI's analyzer, offline).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { isControlId } from "../controls/catalog";
import { packEnforcementLevel, policies, policyControls } from "../policy-packs/zero-trust/policies";
import type { Tier } from "../policy-packs/zero-trust/policies/common";
import {
  fromGraph,
  resolveConfig,
  runPolicies,
  type AnalyzedResource,
  type Finding,
  type PolicyConfigFile,
} from "./harness/crossguard";
import { proves } from "./harness/proves";
import { listStacks, readStackFile, repoRoot, stackGraph } from "./harness/run";
import { examples, switchOffs } from "./policy-pack.cases";
import {
  acceptedAdvisories,
  cleanStackTitle,
  examplesTitle,
  readmeRows,
  switchOffTitle,
} from "./policy-pack.table";

const packDir = path.join(repoRoot, "policy-packs", "zero-trust");
const tiers: readonly Tier[] = ["dev", "staging", "prod"];

function tierConfig(tier: Tier): PolicyConfigFile {
  return JSON.parse(
    fs.readFileSync(path.join(packDir, "config", `${tier}.json`), "utf8"),
  ) as PolicyConfigFile;
}
const runPack = (resources: readonly AnalyzedResource[], tier: Tier) =>
  runPolicies(policies, resources, tierConfig(tier), packEnforcementLevel);
const of = (findings: Finding[], policy: string) => findings.filter((f) => f.policy === policy);
const mandatory = (findings: Finding[]) => findings.filter((f) => f.enforcementLevel === "mandatory");
const describeFindings = (findings: Finding[]) =>
  findings.map((f) => `${f.enforcementLevel} ${f.policy}: ${f.message} (${f.urn ?? "stack"})`).join("\n");
const tierPolicies = policies.filter((p) => p.configSchema?.properties["tier"]).map((p) => p.name);

describe("zero-trust policy pack", () => {
  proves(["C-POL-1"], "every policy has a unique name and names the catalog controls it checks", () => {
    assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
    for (const policy of policies) {
      const ids = policyControls.get(policy.name) ?? [];
      assert.ok(ids.length > 0, `${policy.name} names no control`);
      for (const id of ids) assert.ok(isControlId(id), `${policy.name}: ${id} is not in the catalog`);
    }
  });

  proves(
    ["C-POL-1"],
    "tier configs: mandatory in prod and staging, advisory in dev, tier set on every tier-dependent policy",
    () => {
      for (const tier of tiers) {
        const file = tierConfig(tier);
        assert.deepEqual(Object.keys(file).sort(), ["all", ...tierPolicies].sort(), `${tier}.json`);
        for (const [name, { level, config }] of resolveConfig(policies, file, packEnforcementLevel)) {
          assert.equal(level, tier === "dev" ? "advisory" : "mandatory", `${tier}: ${name}`);
          if (tierPolicies.includes(name)) assert.equal(config["tier"], tier, `${tier}: ${name}`);
        }
      }
      // Without a config file the pack is strict: mandatory, and tier-dependent rules assume prod.
      for (const [, { level, config }] of resolveConfig(policies, {}, packEnforcementLevel)) {
        assert.equal(level, "mandatory");
        if ("tier" in config) assert.equal(config["tier"], "prod");
      }
    },
  );

  for (const policy of policies) {
    proves(["C-POL-2"], examplesTitle(policy.name), async () => {
      const cases = examples[policy.name];
      assert.ok(cases && cases.pass.length > 0 && cases.fail.length > 0, `no examples for ${policy.name}`);
      for (const example of cases.pass) {
        const findings = of(await runPack(example.resources, example.tier), policy.name);
        assert.deepEqual(findings, [], `${example.tier} pass case:\n${describeFindings(findings)}`);
      }
      for (const example of cases.fail) {
        const findings = of(await runPack(example.resources, example.tier), policy.name);
        const level = example.tier === "dev" ? "advisory" : "mandatory";
        assert.ok(
          findings.some((f) => f.enforcementLevel === level && !f.message.startsWith("can't run")),
          `${example.tier} fail case of ${policy.name} was not reported as ${level}: ${JSON.stringify(example.resources.map((r) => r.inputs))}`,
        );
      }
    });
  }

  proves(["C-POL-2"], "the examples cover exactly the pack's policies, each with a pass and a fail", () => {
    assert.deepEqual(Object.keys(examples).sort(), policies.map((p) => p.name).sort());
    for (const [name, cases] of Object.entries(examples)) {
      assert.ok(cases.pass.length > 0 && cases.fail.length > 0, name);
    }
  });

  for (const stack of listStacks()) {
    proves(["C-POL-2"], cleanStackTitle(stack), async () => {
      const tier = readStackFile(stack).config["zt-blueprint:tier"] as Tier;
      const findings = await runPack(fromGraph(await stackGraph(stack)), tier);
      assert.deepEqual(mandatory(findings), [], describeFindings(findings));
      const advisories = findings.map((f) => `${f.policy}: ${f.message}`);
      assert.deepEqual(
        advisories,
        acceptedAdvisories[stack] ?? [],
        "advisory findings not listed in policy-packs/README.md",
      );
    });
  }

  for (const off of switchOffs) {
    const controls = policyControls.get(off.policy) ?? [];
    proves(["C-POL-1", ...controls], switchOffTitle(off), async () => {
      const graph = await stackGraph(off.stack, { transformations: [off.transformation] });
      const findings = of(mandatory(await runPack(fromGraph(graph), "prod")), off.policy);
      assert.ok(findings.length > 0, `${off.policy} reported nothing mandatory`);
    });
  }

  proves(
    ["C-POL-1"],
    "dev: the same violation is only advisory, so dev deploys still go through",
    async () => {
      const off = switchOffs.find((s) => s.policy === "kms-key-rotation");
      assert.ok(off);
      const graph = await stackGraph("aws-dev", { transformations: [off.transformation] });
      const findings = await runPack(fromGraph(graph), "dev");
      assert.deepEqual(mandatory(findings), []);
      assert.ok(of(findings, "kms-key-rotation").some((f) => f.enforcementLevel === "advisory"));
    },
  );

  proves(["C-POL-1"], "every control the pack checks fails a prod stack when switched off", () => {
    const checked = new Set(policies.flatMap((p) => policyControls.get(p.name) ?? []));
    const switched = new Set(switchOffs.flatMap((s) => policyControls.get(s.policy) ?? []));
    assert.deepEqual(
      [...checked].filter((id) => !switched.has(id)),
      [],
    );
  });

  test("policy-packs/README.md lists every policy, its controls and its failing test", () => {
    // Prettier pads table cells; compare rows cell by cell.
    const cells = (row: string) =>
      row
        .split("|")
        .map((cell) => cell.trim())
        .join("|");
    const readme = fs.readFileSync(path.join(repoRoot, "policy-packs", "README.md"), "utf8");
    const rows = new Set(
      readme
        .split("\n")
        .filter((line) => line.startsWith("| C-"))
        .map(cells),
    );
    for (const row of readmeRows()) assert.ok(rows.has(cells(row)), `README lacks the row\n${row}`);
  });
});
