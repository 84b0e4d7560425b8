/**
 * The VNet for one AKS environment (C-CL-6, C-CL-9): node, API-server and private-endpoint
 * subnets with no default outbound access; nodes egress only through a NAT gateway.
 */
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { splitCidr } from "../eks-cluster/subnets";

export interface VnetArgs {
  readonly name: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly cidr: string;
  /** The `pulumi up` runner's VNet: peered in both directions so the runner reaches private endpoints. */
  readonly runnerVnetId?: string;
  readonly tags: Record<string, string>;
}

export interface Vnet {
  readonly nodeSubnetId: pulumi.Output<string>;
  readonly apiServerSubnetId: pulumi.Output<string>;
  readonly endpointSubnetId: pulumi.Output<string>;
  readonly vnetId: pulumi.Output<string>;
  readonly natGatewayId: pulumi.Output<string>;
  readonly vnetName: pulumi.Output<string>;
  /** The fourth quarter of the range, kept for a delegated database subnet. */
  readonly databaseCidr: string;
  /** The node subnet's NAT association: AKS with userAssignedNATGateway requires it to exist. */
  readonly natAssociation: azure.network.SubnetNatGatewayAssociation;
  /** Both directions of the peering with the runner's VNet (empty without a runner VNet). */
  readonly runnerPeerings: azure.network.VirtualNetworkPeering[];
  /** The runner's VNet, to link to private DNS zones the runner must resolve. */
  readonly runnerVnetId?: string;
}

export function createVnet(args: VnetArgs, opts: pulumi.CustomResourceOptions): Vnet {
  const { name, resourceGroupName, location, tags } = args;
  const [nodes, apiServer, endpoints, databases] = splitCidr(args.cidr, 4);
  const vnet = new azure.network.VirtualNetwork(
    `${name}-vnet`,
    { resourceGroupName, location, addressSpaces: [args.cidr], tags },
    opts,
  );
  const subnet = (
    suffix: string,
    prefix: string | undefined,
    extra: Partial<azure.network.SubnetArgs> = {},
  ) =>
    new azure.network.Subnet(
      `${name}-${suffix}`,
      {
        resourceGroupName,
        virtualNetworkName: vnet.name,
        addressPrefixes: [prefix as string],
        // No implicit internet access: egress is the NAT gateway or nothing.
        defaultOutboundAccessEnabled: false,
        ...extra,
      },
      opts,
    );
  const nodeSubnet = subnet("nodes", nodes);
  const apiServerSubnet = subnet("apiserver", apiServer, {
    delegations: [
      {
        name: "aks-apiserver",
        serviceDelegation: {
          name: "Microsoft.ContainerService/managedClusters",
          actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
        },
      },
    ],
  });
  const endpointSubnet = subnet("endpoints", endpoints, { privateEndpointNetworkPolicies: "Enabled" });

  const ip = new azure.network.PublicIp(
    `${name}-nat`,
    {
      resourceGroupName,
      location,
      allocationMethod: "Static",
      sku: "Standard",
      zones: ["1", "2", "3"],
      tags,
    },
    opts,
  );
  const nat = new azure.network.NatGateway(
    `${name}-nat`,
    { resourceGroupName, location, skuName: "Standard", tags },
    opts,
  );
  new azure.network.NatGatewayPublicIpAssociation(
    `${name}-nat`,
    { natGatewayId: nat.id, publicIpAddressId: ip.id },
    opts,
  );
  const natAssociation = new azure.network.SubnetNatGatewayAssociation(
    `${name}-nodes-nat`,
    { subnetId: nodeSubnet.id, natGatewayId: nat.id },
    opts,
  );
  const runnerPeerings = args.runnerVnetId ? peerWithRunner(name, vnet, args.runnerVnetId, opts) : [];

  return {
    vnetId: vnet.id,
    nodeSubnetId: nodeSubnet.id,
    apiServerSubnetId: apiServerSubnet.id,
    endpointSubnetId: endpointSubnet.id,
    natGatewayId: nat.id,
    vnetName: vnet.name,
    databaseCidr: databases as string,
    natAssociation,
    runnerPeerings,
    ...(args.runnerVnetId ? { runnerVnetId: args.runnerVnetId } : {}),
  };
}

/**
 * A peering is connected only once both directions exist, so the stack creates both; the deployer
 * needs Network Contributor on the runner's VNet. Source:
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#requirements-and-constraints
 */
function peerWithRunner(
  name: string,
  vnet: azure.network.VirtualNetwork,
  runnerVnetId: string,
  opts: pulumi.CustomResourceOptions,
): azure.network.VirtualNetworkPeering[] {
  const [, , , runnerGroup, , , , runnerVnetName] = runnerVnetId.split("/");
  return [
    new azure.network.VirtualNetworkPeering(
      `${name}-to-runner`,
      {
        resourceGroupName: vnet.resourceGroupName,
        virtualNetworkName: vnet.name,
        remoteVirtualNetworkId: runnerVnetId,
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: false,
      },
      opts,
    ),
    new azure.network.VirtualNetworkPeering(
      `${name}-from-runner`,
      {
        resourceGroupName: runnerGroup as string,
        virtualNetworkName: runnerVnetName as string,
        remoteVirtualNetworkId: vnet.id,
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: false,
      },
      opts,
    ),
  ];
}

/** A private endpoint with its private DNS zone, so the resource is reachable only inside the VNet. */
export function privateEndpoint(
  name: string,
  args: {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    subnetId: pulumi.Input<string>;
    vnetId: pulumi.Input<string>;
    resourceId: pulumi.Input<string>;
    subresource: string;
    /** The private DNS zone to create, or the ID of one an earlier endpoint created. */
    dnsZone: string | { readonly id: pulumi.Input<string> };
    /** Further VNets to link to a zone this endpoint creates (the runner's). */
    alsoLinkVnetIds?: readonly string[];
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): { endpoint: azure.privatelink.Endpoint; dnsLinks: azure.privatedns.ZoneVirtualNetworkLink[] } {
  const zone =
    typeof args.dnsZone === "string"
      ? privateZone(name, { ...args, dnsZone: args.dnsZone }, opts)
      : { id: args.dnsZone.id, links: [] };
  const endpoint = new azure.privatelink.Endpoint(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      subnetId: args.subnetId,
      privateServiceConnection: {
        name,
        isManualConnection: false,
        privateConnectionResourceId: args.resourceId,
        subresourceNames: [args.subresource],
      },
      privateDnsZoneGroup: { name, privateDnsZoneIds: [zone.id] },
      tags: args.tags,
    },
    opts,
  );
  return { endpoint, dnsLinks: zone.links };
}

/** A private DNS zone linked to the VNet; one per zone name, shared by every endpoint in it. */
function privateZone(
  name: string,
  args: {
    resourceGroupName: pulumi.Input<string>;
    vnetId: pulumi.Input<string>;
    dnsZone: string;
    alsoLinkVnetIds?: readonly string[];
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): { id: pulumi.Output<string>; links: azure.privatedns.ZoneVirtualNetworkLink[] } {
  const zone = new azure.privatedns.Zone(
    name,
    { name: args.dnsZone, resourceGroupName: args.resourceGroupName, tags: args.tags },
    opts,
  );
  const link = (suffix: string, virtualNetworkId: pulumi.Input<string>) =>
    new azure.privatedns.ZoneVirtualNetworkLink(
      `${name}${suffix}`,
      {
        resourceGroupName: args.resourceGroupName,
        privateDnsZoneName: zone.name,
        virtualNetworkId,
        tags: args.tags,
      },
      opts,
    );
  const links = [
    link("", args.vnetId),
    ...(args.alsoLinkVnetIds ?? []).map((id, i) => link(`-runner-${i}`, id)),
  ];
  return { id: zone.id, links };
}
