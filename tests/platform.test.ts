/**
 * Platform composition and the local stack: every Kubernetes object goes through the cluster's
 * provider, flows are declared once, and the stack's outputs carry no secrets.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { outboundPeers } from "../components/platform";
import { checkDefaultDenyNetwork, tenantNamespaces } from "./checks/tenant";
import { capturePlatform, exampleTenants } from "./fixtures";
import { proves } from "./harness/proves";
import { captureStack } from "./harness/run";

describe("platform composition", () => {
  test("every Kubernetes object uses the cluster handle's provider, never an ambient default", async () => {
    const { graph } = await capturePlatform();
    const provider = graph.named("pulumi:providers:kubernetes", "cluster-k8s");
    const objects = graph.kubernetesObjects();
    assert.ok(objects.length > 0);
    for (const object of objects)
      assert.equal(object.provider, provider.urn, `${object.name} uses another provider`);
    assert.equal(
      graph.resources.some((r) => r.type === "pulumi:providers:kubernetes" && r.name.startsWith("default")),
      false,
    );
  });

  test("tenants are children of the platform component, one TenantNamespace each", async () => {
    const { graph } = await capturePlatform();
    const platform = graph.named("zt-blueprint:platform:ZeroTrustPlatform", "platform");
    const tenants = graph
      .childrenOf(platform.urn)
      .filter((r) => r.type === "zt-blueprint:tenancy:TenantNamespace")
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    assert.deepEqual(tenants, [
      "zt-blueprint:tenancy:TenantNamespace tenant-billing",
      "zt-blueprint:tenancy:TenantNamespace tenant-shop",
    ]);
  });

  test("a flow is declared once by the callee and becomes the caller's egress allowance", () => {
    const outbound = outboundPeers(exampleTenants);
    assert.deepEqual(outbound.get("shop"), ["billing"]);
    assert.equal(outbound.get("billing"), undefined);
  });
});

describe("the local stack", () => {
  proves(
    ["C-TEN-1", "C-TEN-2"],
    "the local stack's tenants are isolated namespaces with only their declared flows",
    async () => {
      const { graph, error, outputs } = await captureStack("local");
      assert.equal(error, undefined);
      assert.deepEqual(tenantNamespaces(graph).sort(), ["analytics", "payments", "storefront"]);
      // Inbound peers plus derived outbound peers (and the ingress gateway for storefront's route).
      const flows = new Map([
        ["analytics", ["payments"]],
        ["payments", ["storefront", "analytics"]],
        ["storefront", ["payments", "istio-ingress"]],
      ]);
      assert.deepEqual(checkDefaultDenyNetwork(graph, flows), []);
      assert.deepEqual(outputs?.["tenantNamespaces"], ["storefront", "payments", "analytics"]);
    },
  );

  test("stack outputs name the tier and cloud and hold no secret", async () => {
    const { outputs } = await captureStack("local");
    assert.equal(outputs?.["tier"], "dev");
    assert.equal(outputs?.["cloud"], "existing");
    assert.equal(JSON.stringify(outputs).includes("kubeconfig"), false);
  });
});
