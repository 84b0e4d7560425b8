/**
 * The AKS cluster layer: every C-CL control on the azure stacks, each also switched off by a
 * stack transformation to prove its check fails.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SubscriptionPricing as azurePricing } from "@pulumi/azure/securitycenter";
import type * as pulumi from "@pulumi/pulumi";
import {
  assertResourceScope,
  AzureWorkloadIdentityBinder,
} from "../components/aks-cluster/workload-identity";
import {
  azure,
  checkAuditDiagnostics,
  checkEntraOnly,
  checkHardenedNodePool,
  checkKmsEncryption,
  checkNatEgress,
  checkNetworkPolicy,
  checkPrivateApi,
  checkNoSubscriptionWideState,
  checkPrivateRegistry,
  checkUpgradeChannels,
  checkWorkloadIdentity,
} from "./checks/aks";
import { editInputs } from "./fixtures";
import type { ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { capture, stackGraph } from "./harness/run";

type Rec = Record<string, unknown>;

const stack = (name: string, ...transformations: pulumi.ResourceTransformation[]): Promise<ResourceGraph> =>
  stackGraph(name, { transformations });
const prod = (...t: pulumi.ResourceTransformation[]) => stack("azure-prod", ...t);
const dev = (...t: pulumi.ResourceTransformation[]) => stack("azure-dev", ...t);
const editCluster = (edit: (props: Rec) => void) => editInputs(azure.cluster, edit);

describe("AKS cluster layer", () => {
  proves(
    ["C-CL-1"],
    "AKS: prod is a private cluster; dev's API server is limited to authorized ranges",
    async () => {
      assert.deepEqual(checkPrivateApi(await prod(), "prod"), []);
      assert.deepEqual(checkPrivateApi(await dev(), "dev"), []);
      const publicProd = editCluster((props) => {
        props["privateClusterEnabled"] = false;
      });
      assert.match(checkPrivateApi(await prod(publicProd), "prod").join(), /prod is not a private cluster/);
    },
  );

  proves(
    ["C-CL-2"],
    "AKS: etcd is KMS-encrypted with a rotating key in a purge-protected vault",
    async () => {
      assert.deepEqual(checkKmsEncryption(await prod()), []);
      const off = editCluster((props) => {
        delete props["keyManagementService"];
      });
      assert.match(checkKmsEncryption(await prod(off)).join(), /not KMS-encrypted/);
    },
  );

  proves(
    ["C-CL-3"],
    "AKS: kube-audit-admin, guard and API server logs go to Log Analytics with retention",
    async () => {
      assert.deepEqual(checkAuditDiagnostics(await prod()), []);
      const noGuard = editInputs(azure.diagnostics, (props) => {
        props["enabledLogs"] = [{ category: "kube-apiserver" }, { category: "kube-audit-admin" }];
      });
      assert.match(checkAuditDiagnostics(await prod(noGuard)).join(), /category guard is off/);
    },
  );

  proves(["C-CL-4"], "AKS: local accounts are disabled and Entra ID with Azure RBAC is on", async () => {
    assert.deepEqual(checkEntraOnly(await prod()), []);
    const local = editCluster((props) => {
      props["localAccountDisabled"] = false;
    });
    assert.match(checkEntraOnly(await prod(local)).join(), /local \(static\) admin accounts/);
  });

  proves(["C-CL-5"], "AKS: OIDC issuer and workload identity are on", async () => {
    assert.deepEqual(checkWorkloadIdentity(await prod()), []);
    const off = editCluster((props) => {
      props["workloadIdentityEnabled"] = false;
    });
    assert.match(checkWorkloadIdentity(await prod(off)).join(), /workload identity is off/);
  });

  proves(
    ["C-CL-5"],
    "AKS binder: one identity per ServiceAccount, exact federated subject, resource-scoped roles",
    async () => {
      const vaultId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/zt-dev-kv";
      const { graph, outputs } = await capture(() => {
        const binder = new AzureWorkloadIdentityBinder(
          "zt-test",
          "rg",
          "westeurope",
          "https://issuer.example/",
          {},
          {},
        );
        const binding = binder.bindWorkloadIdentity({
          namespace: "external-secrets",
          serviceAccount: "external-secrets",
          permissions: [{ capability: "secrets.read", resources: [vaultId] }],
        });
        return { annotations: binding.serviceAccountAnnotations, labels: binding.podLabels };
      });
      assert.equal(graph.ofType(azure.identity).length, 1);
      assert.equal(
        graph.ofType(azure.federated)[0]?.inputs["subject"],
        "system:serviceaccount:external-secrets:external-secrets",
      );
      const assignment = graph.ofType(azure.assignment)[0];
      assert.equal(assignment?.inputs["scope"], vaultId);
      assert.equal(assignment?.inputs["roleDefinitionName"], "Key Vault Secrets User");
      assert.deepEqual(outputs?.["labels"], { "azure.workload.identity/use": "true" });
      assert.throws(() => assertResourceScope("/subscriptions/s"), /not a single resource/);
      assert.throws(() => assertResourceScope("/subscriptions/s/resourceGroups/rg"), /not a single resource/);
    },
  );

  proves(["C-CL-6"], "AKS: Azure Linux nodes without public IPs, host encryption on, no SSH", async () => {
    assert.deepEqual(checkHardenedNodePool(await prod()), []);
    const publicIp = editCluster((props) => {
      (props["defaultNodePool"] as Rec)["nodePublicIpEnabled"] = true;
    });
    assert.match(checkHardenedNodePool(await prod(publicIp)).join(), /nodes get public IPs/);
  });

  proves(
    ["C-CL-7"],
    "AKS: pinned version with patch and NodeImage channels in maintenance windows",
    async () => {
      assert.deepEqual(checkUpgradeChannels(await prod(), "1.35"), []);
      const none = editCluster((props) => {
        props["automaticUpgradeChannel"] = "none";
      });
      assert.match(checkUpgradeChannels(await prod(none), "1.35").join(), /no automatic patch channel/);
    },
  );

  proves(["C-CL-8"], "AKS: Azure CNI runs a network policy engine (Cilium)", async () => {
    assert.deepEqual(checkNetworkPolicy(await prod()), []);
    const none = editCluster((props) => {
      (props["networkProfile"] as Rec)["networkPolicy"] = undefined;
    });
    assert.match(checkNetworkPolicy(await prod(none)).join(), /engine is undefined/);
  });

  proves(
    ["C-CL-9"],
    "AKS: nodes egress only through the NAT gateway; no subnet has default outbound access",
    async () => {
      assert.deepEqual(checkNatEgress(await prod()), []);
      const lb = editCluster((props) => {
        (props["networkProfile"] as Rec)["outboundType"] = "loadBalancer";
      });
      assert.match(checkNatEgress(await prod(lb)).join(), /not through the NAT gateway/);
    },
  );

  proves(
    ["C-CL-10"],
    "AKS: the registry is private, has no admin user, and pushed images are pullable (no quarantine)",
    async () => {
      assert.deepEqual(checkPrivateRegistry(await prod()), []);
      const admin = editInputs(azure.registry, (props) => {
        props["adminEnabled"] = true;
      });
      assert.match(checkPrivateRegistry(await prod(admin)).join(), /admin user is on/);
      const quarantine = editInputs(azure.registry, (props) => {
        props["quarantinePolicyEnabled"] = true;
      });
      assert.match(checkPrivateRegistry(await prod(quarantine)).join(), /quarantine is on/);
    },
  );

  test("AKS: the stack manages no subscription-wide Defender plan (destroy never resets it)", async () => {
    for (const name of ["azure-dev", "azure-prod"])
      assert.deepEqual(checkNoSubscriptionWideState(await stack(name)), []);
    const { graph } = await capture(() => {
      new azurePricing("defender-containers", { resourceType: "Containers", tier: "Standard" });
    });
    assert.match(checkNoSubscriptionWideState(graph).join(), /manages the subscription's Containers plan/);
  });
});
