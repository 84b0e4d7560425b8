/**
 * AKS first deploy and day 2 (issue 18): host encryption's subscription feature, a KMS key
 * rotation AKS survives, protection of what holds state, the Flexible Server's fail-over drift,
 * and the ordering rules broken from the program. Each also shown failing with the fix removed.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { at, type ResourceGraph } from "./harness/graph";
import { checkOrdering } from "./checks/ordering";
import { stackGraph } from "./harness/run";

const types = {
  cluster: "azure:containerservice/kubernetesCluster:KubernetesCluster",
  key: "azure:keyvault/key:Key",
  vault: "azure:keyvault/keyVault:KeyVault",
  server: "azure:postgresql/flexibleServer:FlexibleServer",
  feature: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
} as const;

const only = (graph: ResourceGraph, type: string) => {
  const [found, ...more] = graph.ofType(type);
  assert.ok(found && more.length === 0, `expected one ${type}`);
  return found;
};

/** Problems with the KMS key's rotation as AKS KMS sees it; empty when rotation works. */
function checkKmsRotation(graph: ResourceGraph): string[] {
  const key = only(graph, types.key);
  const policy = (key.inputs["rotationPolicy"] ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (!at(policy, "automatic.timeAfterCreation")) {
    problems.push("the key never rotates by itself (no timeAfterCreation trigger)");
  }
  if (policy["expireAfter"] || key.inputs["expirationDate"]) {
    problems.push("key versions expire, and AKS KMS fails to decrypt with an expired version");
  }
  if (!only(graph, types.cluster).ignoreChanges.includes("keyManagementService.keyVaultKeyId")) {
    problems.push("a rotated version would be undone on the next up (keyVaultKeyId not ignored)");
  }
  return problems;
}

describe("AKS first deploy", () => {
  test("host encryption's feature: registered by a fresh dev subscription, imported (checked) in prod, kept on destroy", async () => {
    const dev = only(await stackGraph("azure-dev"), types.feature);
    assert.deepEqual(
      [dev.inputs["providerName"], dev.inputs["name"]],
      ["Microsoft.Compute", "EncryptionAtHost"],
    );
    assert.equal(dev.importId, undefined);
    assert.equal(dev.retainOnDelete, true);
    const prod = only(await stackGraph("azure-prod"), types.feature);
    assert.equal(
      prod.importId,
      "/subscriptions/9b2f1c3d-5e6a-4b7c-8d9e-0f1a2b3c4d5e/providers/Microsoft.Features/providers/Microsoft.Compute/features/EncryptionAtHost",
    );
    assert.equal(prod.retainOnDelete, true);
  });

  test("the KMS key rotates yearly without expiring, and AKS's key version is moved by the runbook, not undone", async () => {
    assert.deepEqual(checkKmsRotation(await stackGraph("azure-prod")), []);
    const expiring = (args: pulumi.ResourceTransformationArgs) =>
      args.type === types.key
        ? {
            props: {
              ...args.props,
              rotationPolicy: { automatic: { timeBeforeExpiry: "P30D" }, expireAfter: "P365D" },
            },
            opts: args.opts,
          }
        : undefined;
    const problems = checkKmsRotation(await stackGraph("azure-prod", { transformations: [expiring] })).join();
    assert.match(problems, /never rotates by itself/);
    assert.match(problems, /versions expire/);
  });

  test("vaults, the KMS key and the database are protected in prod, not in dev; the server's fail-over zone is not drift", async () => {
    const prod = await stackGraph("azure-prod");
    for (const type of [types.vault, types.key, types.server]) {
      for (const r of prod.ofType(type)) assert.equal(r.protect, true, `${r.name} is not protected`);
    }
    assert.ok(prod.ofType(types.vault).length >= 2, "the platform vault and tenant vaults");
    assert.deepEqual(only(prod, types.server).ignoreChanges, [
      "highAvailability.standbyAvailabilityZone",
      "zone",
    ]);
    const dev = await stackGraph("azure-dev");
    for (const r of dev.ofType(types.vault)) assert.equal(r.protect, false);
  });

  test("dropping the cluster's dependsOn in the program breaks the cluster's ordering rules by name", async () => {
    const graph = await stackGraph("azure-prod", {
      transformations: [
        (args) =>
          args.type === types.cluster
            ? { props: args.props, opts: { ...args.opts, dependsOn: [] } }
            : undefined,
      ],
    });
    const failed = new Set(checkOrdering(graph, "azure").map((p) => p.split(":")[0]));
    assert.deepEqual([...failed].sort(), [
      "azure/cluster-after-encryption-at-host",
      "azure/cluster-after-kms-roles-propagated",
      "azure/cluster-after-nat-association",
      "azure/cluster-after-network-contributor-propagated",
    ]);
  });
});
