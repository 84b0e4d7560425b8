/**
 * The configuration reference is generated from the schema (npm run docs:config): the checked-in
 * docs/configuration.md must be current, and every schema key must carry a description.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "node:test";
import { z } from "zod";
import { stackConfigSchema } from "../infra/config-schema";
import { configDocPath, renderConfigDocs } from "../scripts/lib/config-docs";
import { configKeys } from "../scripts/lib/config-keys";

describe("generated configuration reference", () => {
  test("docs/configuration.md is what `npm run docs:config` generates from the schema", async () => {
    const generated = await renderConfigDocs();
    assert.ok(
      fs.readFileSync(configDocPath, "utf8") === generated,
      "docs/configuration.md is stale: run `npm run docs:config` and commit it",
    );
  });

  test("every key of the stack-config schema has a description and known controls", () => {
    const keys = configKeys(stackConfigSchema);
    assert.ok(keys.length > 50, `only ${keys.length} keys found`);
    const peers = keys.find((key) => key.path === "tenants[].allowedPeers");
    assert.deepEqual(peers?.controls, ["C-TEN-2", "C-TEN-3"]);
    // Keys without their own controls inherit their section's.
    assert.deepEqual(keys.find((key) => key.path === "addons.scanning.enabled")?.controls, ["C-RT-2"]);
  });

  test("the generator refuses a key without a description, naming it", () => {
    const schema = z.strictObject({
      documented: z.string().optional().meta({ description: "has one" }),
      section: z
        .strictObject({ undocumented: z.boolean().optional() })
        .optional()
        .meta({ description: "has one too" }),
    });
    assert.throws(() => configKeys(schema), /section\.undocumented: no description/);
  });

  test("the generator refuses a control ID the catalog does not know, naming the key", () => {
    const schema = z.strictObject({
      key: z.string().meta({ description: "claims a control", controls: ["C-NOPE-1"] }),
    });
    assert.throws(() => configKeys(schema), /key: names unknown control C-NOPE-1/);
  });
});
