/**
 * The environment's Key Vault and its KMS key (C-CL-2, C-SEC-3): RBAC mode, purge protection,
 * 90-day soft delete, public access off and network default deny, reachable through a private
 * endpoint; the key rotates automatically. Every write into a vault (keys, secrets) waits for
 * what makes the vault reachable from the runner: its private endpoint with the DNS zone group,
 * the zone's links to the cluster and runner VNets, and the peering with the runner's VNet.
 * "Creating or updating keys in a private key vault that doesn't have a private endpoint isn't
 * supported" (MicrosoftDocs/azure-aks-docs articles/aks/use-kms-etcd-encryption.md).
 */
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";
import { privateEndpoint, type Vnet } from "./network";
import { PropagationWait } from "./propagation";

export interface VaultArgs {
  readonly name: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly tenantId: pulumi.Input<string>;
  /** Object ID of the identity running `pulumi up`, which must create the key. */
  readonly deployerObjectId: pulumi.Input<string>;
  readonly vnet: Vnet;
  /** Pulumi `protect` on the vault and the key (outside dev). */
  readonly protectState: boolean;
  readonly tags: Record<string, string>;
}

export interface Vault {
  readonly vault: azure.keyvault.KeyVault;
  /** The privatelink.vaultcore.azure.net zone, for further vaults' endpoints. */
  readonly dnsZoneId: pulumi.Output<string>;
  /** What a write into this zone's vaults must wait for (the zone's links, the runner peering). */
  readonly dnsReachable: pulumi.Resource[];
  /** What a write into this vault must wait for (its endpoint, and dnsReachable). */
  readonly reachable: pulumi.Resource[];
  readonly kmsKey: azure.keyvault.Key;
}

export function createVault(args: VaultArgs, opts: pulumi.CustomResourceOptions): Vault {
  const { vault, dnsZoneId, reachable, dnsReachable } = hardenedVault(
    `${args.name}-kv`,
    { ...args, vaultName: `${args.name.replace(/[^a-z0-9-]/g, "").slice(0, 20)}-kv` },
    opts,
  );
  const officer = new azure.authorization.Assignment(
    `${args.name}-kv-deployer`,
    { scope: vault.id, roleDefinitionName: "Key Vault Crypto Officer", principalId: args.deployerObjectId },
    opts,
  );
  const officerPropagated = new PropagationWait(`${args.name}-kv-deployer`, [officer], opts);
  const kmsKey = new azure.keyvault.Key(
    `${args.name}-kms`,
    {
      name: "kubernetes-secrets",
      keyVaultId: vault.id,
      keyType: "RSA-HSM",
      keySize: 2048,
      keyOpts: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
      // A new version a year after each one is created. No expiry: AKS KMS stays on the version it
      // was given until the runbook moves it (docs/operations.md), and "if the key is expired, the
      // KMS plugin will fail to decrypt the existing secrets" (use-kms-etcd-encryption.md). A
      // rotate-before-expiry trigger would never fire on a version without an expiry date.
      rotationPolicy: { automatic: { timeAfterCreation: "P365D" } },
      tags: args.tags,
    },
    { ...opts, protect: args.protectState, dependsOn: [officerPropagated, ...reachable] },
  );
  return { vault, kmsKey, dnsZoneId, dnsReachable, reachable };
}

export type HardenedVaultArgs = Omit<VaultArgs, "name" | "deployerObjectId"> & {
  /** Globally unique, 3-24 characters. */
  readonly vaultName: string;
  /** The vaultcore private DNS zone when another vault already created it, and what made it resolvable. */
  readonly dnsZone?: { readonly id: pulumi.Input<string>; readonly reachable: pulumi.Resource[] };
};

/** A Key Vault with every C-SEC-3 setting, reachable only through its private endpoint. */
export function hardenedVault(
  name: string,
  args: HardenedVaultArgs,
  opts: pulumi.CustomResourceOptions,
): {
  vault: azure.keyvault.KeyVault;
  dnsZoneId: pulumi.Output<string>;
  /** Everything a write into this vault waits for. */
  reachable: pulumi.Resource[];
  /** The zone-level part of it, for further vaults in the same zone. */
  dnsReachable: pulumi.Resource[];
} {
  const vault = new azure.keyvault.KeyVault(
    name,
    {
      name: args.vaultName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tenantId: args.tenantId,
      skuName: "premium",
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      publicNetworkAccessEnabled: false,
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
      tags: args.tags,
    },
    { ...opts, protect: args.protectState },
  );
  const { endpoint, dnsLinks } = privateEndpoint(
    `${name}-pe`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      subnetId: args.vnet.endpointSubnetId,
      vnetId: args.vnet.vnetId,
      resourceId: vault.id,
      subresource: "vault",
      dnsZone: args.dnsZone ? { id: args.dnsZone.id } : "privatelink.vaultcore.azure.net",
      alsoLinkVnetIds: args.vnet.runnerVnetId ? [args.vnet.runnerVnetId] : [],
      tags: args.tags,
    },
    opts,
  );
  const dnsZoneId = endpoint.privateDnsZoneGroup.apply((group) => group?.privateDnsZoneIds[0] ?? "");
  const dnsReachable = args.dnsZone ? args.dnsZone.reachable : [...dnsLinks, ...args.vnet.runnerPeerings];
  return { vault, dnsZoneId, reachable: [endpoint, ...dnsReachable], dnsReachable };
}
