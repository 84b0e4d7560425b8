/**
 * AksCluster: a hardened AKS environment behind the ClusterHandle contract. Private cluster
 * (authorized ranges only in dev, C-CL-1), KMS etcd encryption with a Key Vault key (C-CL-2),
 * audit diagnostics (C-CL-3), Entra ID + Azure RBAC with local accounts off (C-CL-4), OIDC issuer
 * and workload identity (C-CL-5), Azure Linux nodes without public IPs and with host encryption
 * (C-CL-6), patch and NodeImage upgrade channels in maintenance windows (C-CL-7), Azure CNI with
 * Cilium network policy (C-CL-8), NAT-gateway egress (C-CL-9) and a private ACR (C-CL-10).
 */
import * as azure from "@pulumi/azure";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { KubernetesVersion } from "../versions";
import { aksKubeconfig } from "./kubeconfig";
import { createVnet } from "./network";
import { createAuditLogs } from "./observability";
import { FlexibleServerDatabases } from "./database";
import { createRegistry } from "./registry";
import { KeyVaultBackend } from "./secrets";
import { createVault } from "./vault";
import { AzureWorkloadIdentityBinder } from "./workload-identity";
import { PropagationWait } from "./propagation";

/** The node size when the stack names none (config's capacity rule sizes the pool with it). */
export const defaultNodeVmSize = "Standard_D4ds_v5";

export interface AksClusterArgs {
  readonly clusterName: string;
  readonly location: string;
  readonly kubernetesVersion: KubernetesVersion;
  readonly vnetCidr: string;
  readonly serviceCidr: string;
  /** Availability zones the node pool spans (1..3). */
  readonly availabilityZones: number;
  /** Weakens C-CL-1: a public API server for these CIDRs instead of a private cluster (dev only). */
  readonly allowPublicEndpointCidrs?: readonly string[];
  /** Entra ID groups that administer the cluster through Azure RBAC. */
  readonly adminGroupObjectIds: readonly string[];
  readonly vmSize?: string;
  readonly diskSizeGiB: number;
  readonly nodes: { readonly minSize: number; readonly maxSize: number };
  readonly logRetentionDays: number;
  /** Paid SLA tier for the control plane (prod). */
  readonly standardTier: boolean;
  /**
   * Microsoft's Azure Policy add-on, which installs its own Gatekeeper into gatekeeper-system.
   * Off whenever the platform's admission component installs upstream Gatekeeper there:
   * Microsoft does not support another Gatekeeper beside the add-on (infra/cluster.ts).
   */
  readonly azurePolicyEnabled: boolean;
  /** The runner's VNet: peered, and linked to the Key Vault private DNS zone. */
  readonly runnerVnetId?: string;
  /** Whether the subscription already has Microsoft.Compute/EncryptionAtHost registered. */
  readonly encryptionAtHost: "registered" | "register";
  /** The subscription the provider is pinned to (zt-blueprint:cloudAccount). */
  readonly subscriptionId: string;
  /** Pulumi `protect` on what holds state (vaults, keys, databases): outside dev. */
  readonly protectState: boolean;
  readonly tags?: Record<string, string>;
}

const weeklyWindow = (dayOfWeek: string) => ({
  frequency: "Weekly",
  interval: 1,
  duration: 4,
  dayOfWeek,
  startTime: "02:00",
  utcOffset: "+00:00",
});

export class AksCluster extends pulumi.ComponentResource {
  readonly handle: ClusterHandle;
  readonly cluster: azure.containerservice.KubernetesCluster;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:cluster:AksCluster", name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this };
    const tags = { "zt-blueprint.io/cluster": args.clusterName, ...(args.tags ?? {}) };
    const client = azure.core.getClientConfigOutput({ parent: this });
    const { location } = args;

    const group = new azure.core.ResourceGroup(
      `${args.clusterName}-rg`,
      { name: `${args.clusterName}-rg`, location, tags },
      child,
    );
    const resourceGroupName = group.name;
    const vnet = createVnet(
      {
        name: args.clusterName,
        resourceGroupName,
        location,
        cidr: args.vnetCidr,
        ...(args.runnerVnetId ? { runnerVnetId: args.runnerVnetId } : {}),
        tags,
      },
      child,
    );
    const { vault, kmsKey, dnsZoneId, dnsReachable, reachable } = createVault(
      {
        name: args.clusterName,
        resourceGroupName,
        location,
        tenantId: client.tenantId,
        deployerObjectId: client.objectId,
        vnet,
        protectState: args.protectState,
        tags,
      },
      child,
    );
    const hostEncryption = encryptionAtHostFeature(args, child);

    // The control plane's own identity: it reads the KMS key and joins the API-server subnet.
    const controlPlane = new azure.authorization.UserAssignedIdentity(
      `${args.clusterName}-control-plane`,
      { resourceGroupName, location, tags },
      child,
    );
    const grants = [
      new azure.authorization.Assignment(
        `${args.clusterName}-cp-kms`,
        {
          scope: vault.id,
          roleDefinitionName: "Key Vault Crypto User",
          principalId: controlPlane.principalId,
          principalType: "ServicePrincipal",
        },
        child,
      ),
      // "For private key vaults, the Key Vault Contributor role is required to create a private
      // link between the private key vault and the cluster" (MicrosoftDocs/azure-aks-docs
      // articles/aks/use-kms-etcd-encryption.md, "Assign permissions to create a private link").
      new azure.authorization.Assignment(
        `${args.clusterName}-cp-kms-link`,
        {
          scope: vault.id,
          roleDefinitionName: "Key Vault Contributor",
          principalId: controlPlane.principalId,
          principalType: "ServicePrincipal",
        },
        child,
      ),
      ...[vnet.apiServerSubnetId, vnet.nodeSubnetId].map(
        (scope, i) =>
          new azure.authorization.Assignment(
            `${args.clusterName}-cp-net-${i}`,
            {
              scope,
              roleDefinitionName: "Network Contributor",
              principalId: controlPlane.principalId,
              principalType: "ServicePrincipal",
            },
            child,
          ),
      ),
    ];

    const grantsPropagated = new PropagationWait(`${args.clusterName}-cp-grants`, grants, child);

    const publicCidrs = args.allowPublicEndpointCidrs ?? [];
    const privateCluster = publicCidrs.length === 0;
    this.cluster = new azure.containerservice.KubernetesCluster(
      `${args.clusterName}-aks`,
      {
        name: args.clusterName,
        resourceGroupName,
        location,
        dnsPrefix: args.clusterName,
        kubernetesVersion: args.kubernetesVersion,
        skuTier: args.standardTier ? "Standard" : "Free",
        privateClusterEnabled: privateCluster,
        privateClusterPublicFqdnEnabled: false,
        apiServerAccessProfile: {
          virtualNetworkIntegrationEnabled: true,
          subnetId: vnet.apiServerSubnetId,
          ...(privateCluster ? {} : { authorizedIpRanges: [...publicCidrs] }),
        },
        identity: { type: "UserAssigned", identityIds: [controlPlane.id] },
        localAccountDisabled: true,
        roleBasedAccessControlEnabled: true,
        azureActiveDirectoryRoleBasedAccessControl: {
          azureRbacEnabled: true,
          tenantId: client.tenantId,
          adminGroupObjectIds: [...args.adminGroupObjectIds],
        },
        oidcIssuerEnabled: true,
        workloadIdentityEnabled: true,
        keyManagementService: { keyVaultKeyId: kmsKey.id, keyVaultNetworkAccess: "Private" },
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataPlane: "cilium",
          networkPolicy: "cilium",
          outboundType: "userAssignedNATGateway",
          serviceCidr: args.serviceCidr,
          dnsServiceIp: args.serviceCidr.replace(/\.0\/\d+$/, ".10"),
          loadBalancerSku: "standard",
        },
        defaultNodePool: {
          name: "system",
          vmSize: args.vmSize ?? defaultNodeVmSize,
          vnetSubnetId: vnet.nodeSubnetId,
          osSku: "AzureLinux",
          nodePublicIpEnabled: false,
          hostEncryptionEnabled: true,
          osDiskType: "Ephemeral",
          osDiskSizeGb: args.diskSizeGiB,
          autoScalingEnabled: true,
          minCount: args.nodes.minSize,
          maxCount: args.nodes.maxSize,
          zones: Array.from({ length: Math.min(args.availabilityZones, 3) }, (_, i) => String(i + 1)),
          onlyCriticalAddonsEnabled: false,
          upgradeSettings: { maxSurge: "33%", drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 },
        },
        automaticUpgradeChannel: "patch",
        nodeOsUpgradeChannel: "NodeImage",
        maintenanceWindowAutoUpgrade: weeklyWindow("Sunday"),
        maintenanceWindowNodeOs: weeklyWindow("Saturday"),
        azurePolicyEnabled: args.azurePolicyEnabled,
        imageCleanerEnabled: true,
        imageCleanerIntervalHours: 48,
        runCommandEnabled: false,
        tags,
      },
      {
        parent: this,
        // The grants (propagated), host encryption registered, and the node subnet's NAT gateway
        // associated: outboundType userAssignedNATGateway requires it on the subnet
        // (https://learn.microsoft.com/azure/aks/nat-gateway#create-an-aks-cluster-with-a-user-assigned-nat-gateway).
        dependsOn: [grantsPropagated, hostEncryption, vnet.natAssociation],
        // AKS KMS stays on the key version it was given; the rotation runbook moves it
        // (docs/operations.md), so a new version in the vault is not drift to undo here.
        ignoreChanges: ["keyManagementService.keyVaultKeyId"],
      },
    );
    const cluster = this.cluster;

    createAuditLogs(
      {
        name: args.clusterName,
        resourceGroupName,
        location,
        clusterId: cluster.id,
        retentionDays: args.logRetentionDays,
        tags,
      },
      child,
    );
    const registry = createRegistry(
      { name: args.clusterName, resourceGroupName, location, vnet, tags },
      child,
    );
    const kubeletPull = new azure.authorization.Assignment(
      `${args.clusterName}-kubelet-acr`,
      {
        scope: registry.id,
        roleDefinitionName: "AcrPull",
        principalId: cluster.kubeletIdentity.apply((identity) => identity.objectId ?? ""),
        principalType: "ServicePrincipal",
      },
      child,
    );
    const kubeletPullPropagated = new PropagationWait(
      `${args.clusterName}-kubelet-acr`,
      [kubeletPull],
      child,
    );

    const server = privateCluster ? cluster.privateFqdn : cluster.fqdn;
    const caData = cluster.kubeConfigs.apply((configs) => configs[0]?.clusterCaCertificate ?? "");
    const provider = new k8s.Provider(
      `${args.clusterName}-k8s`,
      { kubeconfig: aksKubeconfig(cluster.name, server, caData), enableServerSideApply: true },
      // Workloads start only once nodes can egress (NAT) and pull from the registry (AcrPull).
      { parent: this, dependsOn: [kubeletPullPropagated, vnet.natAssociation] },
    );
    const identityBinder = new AzureWorkloadIdentityBinder(
      args.clusterName,
      resourceGroupName,
      location,
      cluster.oidcIssuerUrl,
      { parent: this },
      tags,
    );
    this.handle = {
      kind: "azure",
      name: cluster.name,
      provider,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      identity: identityBinder,
      registry: registry.loginServer,
      secrets: new KeyVaultBackend(
        {
          clusterName: args.clusterName,
          resourceGroupName,
          location,
          tenantId: client.tenantId,
          deployerObjectId: client.objectId,
          vnet,
          binder: identityBinder,
          platformVault: vault,
          platformVaultReachable: reachable,
          dnsZone: { id: dnsZoneId, reachable: dnsReachable },
          protectState: args.protectState,
          tags,
        },
        child,
      ),
      databases: new FlexibleServerDatabases(
        {
          clusterName: args.clusterName,
          resourceGroupName,
          location,
          vnet,
          protectState: args.protectState,
          tags,
        },
        child,
      ),
    };
    this.registerOutputs({
      clusterName: cluster.name,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      registry: registry.loginServer,
    });
  }
}

/**
 * Host encryption (C-CL-6) needs the subscription feature Microsoft.Compute/EncryptionAtHost.
 * "register" registers it; "registered" imports the existing registration, so a preview fails
 * before anything is created where it is missing. Kept on destroy either way: it is subscription
 * state other workloads may rely on. https://learn.microsoft.com/azure/virtual-machines/disks-enable-host-based-encryption-portal#prerequisites
 */
function encryptionAtHostFeature(
  args: AksClusterArgs,
  opts: pulumi.CustomResourceOptions,
): azure.core.ResourceProviderFeatureRegistration {
  const id = `/subscriptions/${args.subscriptionId}/providers/Microsoft.Features/providers/Microsoft.Compute/features/EncryptionAtHost`;
  return new azure.core.ResourceProviderFeatureRegistration(
    `${args.clusterName}-encryption-at-host`,
    { name: "EncryptionAtHost", providerName: "Microsoft.Compute" },
    { ...opts, retainOnDelete: true, ...(args.encryptionAtHost === "registered" ? { import: id } : {}) },
  );
}
