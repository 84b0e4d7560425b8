/**
 * The namespaces config reserves are the ones the stacks really create: each shipped stack is
 * rendered and its Namespace objects compared with infra/platform-namespaces.ts, and every
 * platform namespace of the render is refused as a tenant name. The AWS region list is checked
 * against the installed provider's Region enum, so a provider upgrade cannot leave it stale.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Region } from "@pulumi/aws/types/enums";
import { ConfigError, loadConfig, readRawConfig } from "../infra/config";
import regions from "../infra/data/cloud-regions.json";
import { everyPlatformNamespace, platformNamespaces, stackNamespaces } from "../infra/platform-namespaces";
import { listStacks, readStackFile, resolvedStackConfig, stackGraph } from "./harness/run";

const namespaceType = "kubernetes:core/v1:Namespace";

describe("platform namespaces derived from the components", () => {
  for (const stack of listStacks()) {
    test(`${stack}: the derived namespaces are exactly the ones the stack renders`, async () => {
      const config = resolvedStackConfig(stack);
      const graph = await stackGraph(stack);
      const rendered = graph
        .ofType(namespaceType)
        .map((ns) => (ns.inputs["metadata"] as { name: string }).name)
        .sort();
      assert.deepEqual(rendered, stackNamespaces(config));
      for (const ns of platformNamespaces(config)) assert.ok(everyPlatformNamespace.includes(ns), ns);
    });

    test(`${stack}: no tenant may take one of its platform namespaces`, () => {
      const config = resolvedStackConfig(stack);
      const file = readStackFile(stack);
      for (const name of platformNamespaces(config)) {
        const tenants = JSON.parse(file.config["zt-blueprint:tenants"] ?? "[]") as { name: string }[];
        const taken = [{ ...tenants[0], name }, ...tenants.slice(1)];
        const raw = readRawConfig({ ...file.config, "zt-blueprint:tenants": JSON.stringify(taken) });
        assert.throws(
          () => loadConfig(raw, stack),
          (err: unknown) =>
            err instanceof ConfigError &&
            /zt-blueprint:tenants\[0\]\.name: got ".*"; is reserved: .*pick another tenant name/.test(
              err.message,
            ),
          `tenant "${name}" was accepted on ${stack}`,
        );
      }
    });
  }
});

describe("cloud regions", () => {
  test("the AWS list is the installed @pulumi/aws Region enum", () => {
    assert.deepEqual([...regions.aws].sort(), Object.values(Region).sort());
  });
  test("the Azure list holds programmatic names only, and the shipped Azure stacks use one", () => {
    for (const r of regions.azure) assert.match(r, /^[a-z]+[0-9]?$/);
    for (const stack of listStacks().filter((s) => s.startsWith("azure"))) {
      assert.ok(regions.azure.includes(resolvedStackConfig(stack).region ?? ""), stack);
    }
  });
});
