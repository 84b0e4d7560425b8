/**
 * The environment's Key Vault and its KMS key (C-CL-2, C-SEC-3): RBAC mode, purge protection,
 * 90-day soft delete, public access off and network default deny, reachable through a private
 * endpoint; the key rotates automatically.
 */
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";
import { privateEndpoint, type Vnet } from "./network";

export interface VaultArgs {
  readonly name: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly tenantId: pulumi.Input<string>;
  /** Object ID of the identity running `pulumi up`, which must create the key. */
  readonly deployerObjectId: pulumi.Input<string>;
  readonly vnet: Vnet;
  readonly tags: Record<string, string>;
}

export interface Vault {
  readonly vault: azure.keyvault.KeyVault;
  /** The privatelink.vaultcore.azure.net zone, for further vaults' endpoints. */
  readonly dnsZoneId: pulumi.Output<string>;
  readonly kmsKey: azure.keyvault.Key;
}

export function createVault(args: VaultArgs, opts: pulumi.CustomResourceOptions): Vault {
  const { vault, dnsZoneId } = hardenedVault(
    `${args.name}-kv`,
    { ...args, vaultName: `${args.name.replace(/[^a-z0-9-]/g, "").slice(0, 20)}-kv` },
    opts,
  );
  const officer = new azure.authorization.Assignment(
    `${args.name}-kv-deployer`,
    { scope: vault.id, roleDefinitionName: "Key Vault Crypto Officer", principalId: args.deployerObjectId },
    opts,
  );
  const kmsKey = new azure.keyvault.Key(
    `${args.name}-kms`,
    {
      name: "kubernetes-secrets",
      keyVaultId: vault.id,
      keyType: "RSA-HSM",
      keySize: 2048,
      keyOpts: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
      rotationPolicy: {
        automatic: { timeBeforeExpiry: "P30D" },
        expireAfter: "P365D",
        notifyBeforeExpiry: "P29D",
      },
      tags: args.tags,
    },
    { ...opts, dependsOn: [officer] },
  );
  return { vault, kmsKey, dnsZoneId };
}

export type HardenedVaultArgs = Omit<VaultArgs, "name" | "deployerObjectId"> & {
  /** Globally unique, 3-24 characters. */
  readonly vaultName: string;
  /** The vaultcore private DNS zone when another vault already created it. */
  readonly dnsZoneId?: pulumi.Input<string>;
};

/** A Key Vault with every C-SEC-3 setting, reachable only through its private endpoint. */
export function hardenedVault(
  name: string,
  args: HardenedVaultArgs,
  opts: pulumi.CustomResourceOptions,
): { vault: azure.keyvault.KeyVault; dnsZoneId: pulumi.Output<string> } {
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
    opts,
  );
  const endpoint = privateEndpoint(
    `${name}-pe`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      subnetId: args.vnet.endpointSubnetId,
      vnetId: args.vnet.vnetId,
      resourceId: vault.id,
      subresource: "vault",
      dnsZone: args.dnsZoneId ? { id: args.dnsZoneId } : "privatelink.vaultcore.azure.net",
      tags: args.tags,
    },
    opts,
  );
  const dnsZoneId = endpoint.privateDnsZoneGroup.apply((group) => group?.privateDnsZoneIds[0] ?? "");
  return { vault, dnsZoneId };
}
