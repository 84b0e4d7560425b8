/**
 * The platform's private registry (C-CL-10): Premium ACR with no admin user, no anonymous pull,
 * no public network access (private endpoint only) and retention of untagged manifests; the
 * cluster's kubelet identity may pull and nothing else. ACR has no registry-wide immutable-tag
 * switch; prod admission requires digests instead (C-ADM-3).
 *
 * Quarantine is off: with it on, a pushed image cannot be pulled until a scanner marks it passed,
 * and nothing in this platform does (Defender for Containers does not release quarantined images).
 * Source: https://learn.microsoft.com/azure/container-registry/container-registry-quarantine-pattern
 * Defender for Containers is a subscription-wide plan, managed outside this stack
 * (docs/operations.md), so destroying an environment never resets the subscription.
 */
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";
import { acrRegistryName } from "../cluster/registry-names";
import { privateEndpoint, type Vnet } from "./network";

export function createRegistry(
  args: {
    name: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    vnet: Vnet;
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): azure.containerservice.Registry {
  const registry = new azure.containerservice.Registry(
    `${args.name}-acr`,
    {
      name: acrRegistryName(args.name),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      sku: "Premium",
      adminEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccessEnabled: false,
      exportPolicyEnabled: false,
      quarantinePolicyEnabled: false,
      retentionPolicyInDays: 7,
      zoneRedundancyEnabled: true,
      tags: args.tags,
    },
    opts,
  );
  privateEndpoint(
    `${args.name}-acr-pe`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      subnetId: args.vnet.endpointSubnetId,
      vnetId: args.vnet.vnetId,
      resourceId: registry.id,
      subresource: "registry",
      dnsZone: "privatelink.azurecr.io",
      tags: args.tags,
    },
    opts,
  );
  return registry;
}
