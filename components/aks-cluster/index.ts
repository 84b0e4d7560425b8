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
      { name: args.clusterName, resourceGroupName, location, cidr: args.vnetCidr, tags },
      child,
    );
    const { vault, kmsKey, dnsZoneId } = createVault(
      {
        name: args.clusterName,
        resourceGroupName,
        location,
        tenantId: client.tenantId,
        deployerObjectId: client.objectId,
        vnet,
        tags,
      },
      child,
    );

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
      { parent: this, dependsOn: grants },
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
    new azure.authorization.Assignment(
      `${args.clusterName}-kubelet-acr`,
      {
        scope: registry.id,
        roleDefinitionName: "AcrPull",
        principalId: cluster.kubeletIdentity.apply((identity) => identity.objectId ?? ""),
        principalType: "ServicePrincipal",
      },
      child,
    );

    const server = privateCluster ? cluster.privateFqdn : cluster.fqdn;
    const caData = cluster.kubeConfigs.apply((configs) => configs[0]?.clusterCaCertificate ?? "");
    const provider = new k8s.Provider(
      `${args.clusterName}-k8s`,
      { kubeconfig: aksKubeconfig(cluster.name, server, caData), enableServerSideApply: true },
      { parent: this },
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
          dnsZoneId,
          tags,
        },
        child,
      ),
      databases: new FlexibleServerDatabases(
        { clusterName: args.clusterName, resourceGroupName, location, vnet, tags },
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
