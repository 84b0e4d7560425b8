/**
 * Azure Key Vault as the External Secrets vault (C-SEC-1/2/3). Key Vault grants access per vault,
 * not per name prefix, so the least-privilege unit is a vault: the platform reads the
 * environment's vault, and each tenant gets its own vault with the same hardening (RBAC mode,
 * purge protection, soft delete, public access off, network default deny, private endpoint).
 * Readers are user-assigned identities federated to exactly one ServiceAccount, with
 * "Key Vault Secrets User" on exactly one vault.
 */
import { createHash } from "node:crypto";
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import {
  readerRef,
  type IdentityBinder,
  type RemoteRef,
  type SecretBackend,
  type SecretReader,
  type SecretScope,
} from "../cluster";
import type { Vnet } from "./network";
import { PropagationWait } from "./propagation";
import { hardenedVault } from "./vault";

export interface KeyVaultBackendArgs {
  readonly clusterName: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly tenantId: pulumi.Input<string>;
  /** Object ID of the identity running `pulumi up`: it writes generated secrets. */
  readonly deployerObjectId: pulumi.Input<string>;
  readonly vnet: Vnet;
  readonly binder: IdentityBinder;
  /** The environment's vault (platform scope), what makes it reachable, and its private DNS zone. */
  readonly platformVault: azure.keyvault.KeyVault;
  readonly platformVaultReachable: pulumi.Resource[];
  readonly dnsZone: { readonly id: pulumi.Input<string>; readonly reachable: pulumi.Resource[] };
  /** Pulumi `protect` on tenant vaults (outside dev). */
  readonly protectState: boolean;
  readonly tags: Record<string, string>;
}

/** Key Vault names are global, 3-24 characters: a readable stem plus a stable hash. */
export function tenantVaultName(clusterName: string, tenant: string): string {
  const hash = createHash("sha256").update(`${clusterName}/${tenant}`).digest("hex").slice(0, 8);
  return `${tenant.replace(/[^a-z0-9]/g, "").slice(0, 13) || "t"}-${hash}`;
}

export class KeyVaultBackend implements SecretBackend {
  readonly kind = "azure-key-vault";
  readonly platform: SecretScope;

  constructor(
    private readonly args: KeyVaultBackendArgs,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {
    // The environment vault exists anyway (it holds the KMS key); this scope creates nothing until used.
    this.platform = this.scope("platform", args.platformVault, args.platformVaultReachable, opts);
  }

  tenant(tenant: string, _prefix: string, opts: pulumi.CustomResourceOptions): SecretScope {
    const { args } = this;
    const child = { ...this.opts, ...opts };
    const { vault, reachable } = hardenedVault(
      `${args.clusterName}-${tenant}-kv`,
      {
        vaultName: tenantVaultName(args.clusterName, tenant),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tenantId: args.tenantId,
        vnet: args.vnet,
        dnsZone: args.dnsZone,
        protectState: args.protectState,
        tags: { ...args.tags, "zt-blueprint.io/tenant": tenant },
      },
      child,
    );
    return this.scope(tenant, vault, reachable, child);
  }

  private scope(
    label: string,
    vault: azure.keyvault.KeyVault,
    reachable: pulumi.Resource[],
    opts: pulumi.CustomResourceOptions,
  ): SecretScope {
    const { args } = this;
    let writer: PropagationWait | undefined;
    const remoteRef = (name: string): RemoteRef => ({ key: `secret/${name}` });
    return {
      boundary: vault.vaultUri,
      grantRead: (reader: SecretReader, grantOpts) =>
        args.binder.bindWorkloadIdentity(
          {
            namespace: reader.namespace,
            serviceAccount: reader.serviceAccount,
            permissions: [{ capability: "secrets.read", resources: [vault.id] }],
          },
          grantOpts,
        ),
      storeProvider: (reader: SecretReader) => ({
        azurekv: {
          authType: "WorkloadIdentity",
          vaultUrl: vault.vaultUri,
          tenantId: args.tenantId,
          serviceAccountRef: readerRef(reader),
        },
      }),
      storeSecret: (name, { value, version }, storeOpts) => {
        // The deployer may write secrets into this vault, and only this one.
        writer ??= new PropagationWait(
          `${args.clusterName}-${label}-kv-writer`,
          [
            new azure.authorization.Assignment(
              `${args.clusterName}-${label}-kv-writer`,
              {
                scope: vault.id,
                roleDefinitionName: "Key Vault Secrets Officer",
                principalId: args.deployerObjectId,
              },
              { ...opts, ...storeOpts },
            ),
          ],
          { ...opts, ...storeOpts },
        );
        new azure.keyvault.Secret(
          `${args.clusterName}-${label}-${name}`,
          {
            name,
            valueWo: pulumi.secret(value),
            valueWoVersion: version,
            keyVaultId: vault.id,
            contentType: "text/plain",
            tags: args.tags,
          },
          // The write goes through the private endpoint: it waits for it, and for the grant.
          { ...opts, ...storeOpts, dependsOn: [writer, ...reachable] },
        );
        return remoteRef(name);
      },
      remoteRef,
    };
  }
}
