/** Azure resource policies: the AKS cluster layer (C-CL) and Key Vault hardening (C-SEC-3). */
import * as azure from "@pulumi/azure";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { anywhere, isSet, tierConfig, tierOf } from "./common";

const Cluster = azure.containerservice.KubernetesCluster;
const clusterUpgradeChannels = ["patch", "stable", "rapid", "node-image"];
const nodeOsUpgradeChannels = ["NodeImage", "SecurityPatch"];
const networkPolicyEngines = ["cilium", "calico"];

export const azurePolicies: ResourceValidationPolicy[] = [
  {
    name: "aks-private-api",
    description:
      "The AKS API server is private; outside prod it may instead be public behind authorized IP ranges without 0.0.0.0/0.",
    tags: ["C-CL-1"],
    configSchema: tierConfig,
    validateResource: validateResourceOfType(Cluster, (cluster, args, report) => {
      if (cluster.privateClusterPublicFqdnEnabled === true)
        report("the private cluster publishes a public FQDN");
      if (cluster.privateClusterEnabled === true) return;
      if (tierOf(args) === "prod") return report("prod is not a private cluster");
      const ranges = cluster.apiServerAccessProfile?.authorizedIpRanges ?? [];
      if (ranges.length === 0) report("the public API server has no authorized IP ranges (open to everyone)");
      for (const range of ranges.filter((r) => anywhere.includes(r)))
        report(`the public API server allows ${range}`);
    }),
  },
  {
    name: "aks-entra-only",
    description: "AKS has local (static) accounts disabled and authorizes through Azure RBAC with Entra ID.",
    tags: ["C-CL-4"],
    validateResource: validateResourceOfType(Cluster, (cluster, _args, report) => {
      if (cluster.localAccountDisabled !== true)
        report("local accounts (static admin credentials) are enabled");
      if (cluster.azureActiveDirectoryRoleBasedAccessControl?.azureRbacEnabled !== true)
        report("Azure RBAC is off");
    }),
  },
  {
    name: "aks-workload-identity",
    description:
      "AKS runs the OIDC issuer and workload identity, so pods get federated credentials, not secrets.",
    tags: ["C-CL-5"],
    validateResource: validateResourceOfType(Cluster, (cluster, _args, report) => {
      if (cluster.oidcIssuerEnabled !== true) report("the OIDC issuer is off");
      if (cluster.workloadIdentityEnabled !== true) report("workload identity is off");
    }),
  },
  {
    name: "aks-kms-etcd-encryption",
    description: "AKS encrypts etcd with a Key Vault key (keyManagementService).",
    tags: ["C-CL-2"],
    validateResource: validateResourceOfType(Cluster, (cluster, _args, report) => {
      if (!isSet(() => cluster.keyManagementService?.keyVaultKeyId))
        report("etcd is not KMS-encrypted with a Key Vault key");
    }),
  },
  {
    name: "aks-upgrade-channels",
    description:
      "AKS patches itself: an automatic upgrade channel and a node OS channel, each with a maintenance window.",
    tags: ["C-CL-7"],
    validateResource: validateResourceOfType(Cluster, (cluster, _args, report) => {
      if (!clusterUpgradeChannels.includes(cluster.automaticUpgradeChannel ?? "none"))
        report(`automaticUpgradeChannel is ${cluster.automaticUpgradeChannel ?? "unset"}`);
      if (!nodeOsUpgradeChannels.includes(cluster.nodeOsUpgradeChannel ?? "None"))
        report(`nodeOsUpgradeChannel is ${cluster.nodeOsUpgradeChannel ?? "unset"}`);
      if (!cluster.maintenanceWindowAutoUpgrade || !cluster.maintenanceWindowNodeOs)
        report("an upgrade channel has no maintenance window");
    }),
  },
  {
    name: "aks-network-policy-engine",
    description: `AKS enforces NetworkPolicy (networkProfile.networkPolicy ${networkPolicyEngines.join(" or ")}).`,
    tags: ["C-CL-8"],
    validateResource: validateResourceOfType(Cluster, (cluster, _args, report) => {
      const engine = cluster.networkProfile?.networkPolicy;
      if (!networkPolicyEngines.includes(engine ?? ""))
        report(`network policy engine is ${engine ?? "unset"}`);
    }),
  },
  {
    name: "aks-no-public-node-ips",
    description: "AKS node pools give nodes no public IPs.",
    tags: ["C-CL-6"],
    validateResource: [
      validateResourceOfType(Cluster, (cluster, _args, report) => {
        if (cluster.defaultNodePool?.nodePublicIpEnabled === true)
          report("default node pool nodes get public IPs");
      }),
      validateResourceOfType(azure.containerservice.KubernetesClusterNodePool, (pool, _args, report) => {
        if (pool.nodePublicIpEnabled === true) report("nodes get public IPs");
      }),
    ],
  },
  {
    name: "keyvault-hardening",
    description:
      "Key Vaults have purge protection, RBAC authorization and a network ACL defaulting to Deny; prod vaults have no public network access.",
    tags: ["C-SEC-3", "C-CL-2"],
    configSchema: tierConfig,
    validateResource: validateResourceOfType(azure.keyvault.KeyVault, (vault, args, report) => {
      if (vault.purgeProtectionEnabled !== true) report("purge protection is off");
      // The provider renamed enableRbacAuthorization; either spelling turns RBAC mode on.
      if (vault.rbacAuthorizationEnabled !== true && vault.enableRbacAuthorization !== true)
        report("access policies, not RBAC, authorize the vault");
      if (vault.networkAcls?.defaultAction !== "Deny") report("the network ACL does not default to Deny");
      if (tierOf(args) === "prod" && vault.publicNetworkAccessEnabled !== false)
        report("prod vault allows public network access");
    }),
  },
];
