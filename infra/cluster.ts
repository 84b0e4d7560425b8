/** Picks the cluster layer for the stack's cloud and returns its ClusterHandle. */
import * as aws from "@pulumi/aws";
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../components/cluster";
import { AksCluster } from "../components/aks-cluster";
import { EksCluster } from "../components/eks-cluster";
import { existingAutoscalingRoleArn } from "../components/eks-cluster/prerequisites";
import { ExistingCluster } from "../components/existing-cluster";
import { kubectlClientId } from "../components/identity/realm";
import { configNamespace, type PlatformConfig } from "./config";
import { stackClusterName } from "./own-registry";

/** Builds the cluster layer; cloud preflights run first, before any cloud resource is registered. */
export async function createCluster(config: PlatformConfig, stackName: string): Promise<ClusterHandle> {
  switch (config.cloud) {
    case "existing": {
      const kubeconfig = new pulumi.Config(configNamespace).getSecret("kubeconfig");
      return new ExistingCluster("cluster", {
        clusterName: config.existingCluster.context ?? stackClusterName(stackName),
        ...(config.existingCluster.context ? { context: config.existingCluster.context } : {}),
        ...(kubeconfig ? { kubeconfig } : {}),
      }).handle;
    }
    case "aws": {
      // An explicit provider: the region comes from the stack config, never from the runner's environment.
      const provider = new aws.Provider("aws", {
        region: config.region as aws.Region,
        allowedAccountIds: [config.cloudAccount as string],
        defaultTags: { tags: environmentTags(config, stackName) },
      });
      const autoscalingRoleArn =
        config.access.autoscalingServiceLinkedRole === "existing"
          ? await existingAutoscalingRoleArn({ provider })
          : undefined;
      return new EksCluster(
        "cluster",
        {
          clusterName: stackClusterName(stackName),
          region: config.region as string,
          kubernetesVersion: config.kubernetesVersion,
          vpcCidr: config.network.vpcCidr,
          serviceCidr: config.network.serviceCidr,
          availabilityZones: config.network.availabilityZones,
          natPerZone: config.tier === "prod",
          allowPublicEndpointCidrs: config.network.allowPublicEndpointCidrs,
          adminRoleArns: config.access.adminRoleArns,
          runnerCidrs: config.network.runnerCidrs,
          runnerSecurityGroupIds: config.network.runnerSecurityGroupIds,
          ...(autoscalingRoleArn ? { autoscalingServiceLinkedRoleArn: autoscalingRoleArn } : {}),
          ...(config.nodes.instanceType ? { instanceType: config.nodes.instanceType } : {}),
          diskSizeGiB: config.nodes.diskSizeGiB,
          nodes: config.nodes,
          logRetentionDays: config.auditLogRetentionDays,
          deletionProtection: config.tier === "prod",
          protectState: config.tier !== "dev",
          // C-ID-3: people sign in to the API server with Keycloak tokens (kubectl + kubelogin).
          ...(config.addons.identityProvider.enabled && config.identity.oidcIssuerUrl
            ? {
                oidcIdentityProvider: {
                  issuerUrl: config.identity.oidcIssuerUrl,
                  clientId: kubectlClientId,
                  groupsPrefix: config.identity.oidcGroupsPrefix,
                },
              }
            : {}),
        },
        { providers: { aws: provider } },
      ).handle;
    }
    case "azure": {
      const provider = new azure.Provider("azure", {
        features: {},
        subscriptionId: config.cloudAccount as string,
        // Role assignments and Key Vault data-plane calls authenticate with Entra ID only.
        storageUseAzuread: true,
      });
      return new AksCluster(
        "cluster",
        {
          clusterName: stackClusterName(stackName),
          location: config.region as string,
          kubernetesVersion: config.kubernetesVersion,
          vnetCidr: config.network.vpcCidr,
          serviceCidr: config.network.serviceCidr,
          availabilityZones: config.network.availabilityZones,
          allowPublicEndpointCidrs: config.network.allowPublicEndpointCidrs,
          adminGroupObjectIds: config.access.adminGroupObjectIds,
          ...(config.nodes.instanceType ? { vmSize: config.nodes.instanceType } : {}),
          diskSizeGiB: config.nodes.diskSizeGiB,
          nodes: config.nodes,
          logRetentionDays: config.auditLogRetentionDays,
          standardTier: config.tier !== "dev",
          azurePolicyEnabled: azurePolicyAddonEnabled(config),
          ...(config.network.runnerVnetId ? { runnerVnetId: config.network.runnerVnetId } : {}),
          encryptionAtHost: config.access.encryptionAtHost,
          subscriptionId: config.cloudAccount as string,
          protectState: config.tier !== "dev",
          tags: environmentTags(config, stackName),
        },
        { providers: { azure: provider } },
      ).handle;
    }
  }
}

/**
 * One Gatekeeper per cluster. The Azure Policy add-on installs Microsoft's Gatekeeper into
 * gatekeeper-system, where the admission component installs upstream Gatekeeper, and Microsoft
 * does not support Gatekeeper installed outside the add-on ("Installations of Gatekeeper outside
 * of the Azure Policy Add-on aren't supported"; Limitations in
 * https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes). The add-on
 * runs only on a stack whose admission component is off.
 */
export function azurePolicyAddonEnabled(config: PlatformConfig): boolean {
  return !config.addons.admission.enabled;
}

function environmentTags(config: PlatformConfig, stackName: string): Record<string, string> {
  return {
    "zt-blueprint.io/stack": stackName,
    "zt-blueprint.io/tier": config.tier,
    "app.kubernetes.io/managed-by": "zt-blueprint",
  };
}
