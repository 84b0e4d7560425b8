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
  new azure.network.SubnetNatGatewayAssociation(
    `${name}-nodes-nat`,
    { subnetId: nodeSubnet.id, natGatewayId: nat.id },
    opts,
  );

  return {
    vnetId: vnet.id,
    nodeSubnetId: nodeSubnet.id,
    apiServerSubnetId: apiServerSubnet.id,
    endpointSubnetId: endpointSubnet.id,
    natGatewayId: nat.id,
    vnetName: vnet.name,
    databaseCidr: databases as string,
  };
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
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): azure.privatelink.Endpoint {
  const zoneId =
    typeof args.dnsZone === "string"
      ? privateZone(name, { ...args, dnsZone: args.dnsZone }, opts)
      : args.dnsZone.id;
  return new azure.privatelink.Endpoint(
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
      privateDnsZoneGroup: { name, privateDnsZoneIds: [zoneId] },
      tags: args.tags,
    },
    opts,
  );
}

/** A private DNS zone linked to the VNet; one per zone name, shared by every endpoint in it. */
function privateZone(
  name: string,
  args: {
    resourceGroupName: pulumi.Input<string>;
    vnetId: pulumi.Input<string>;
    dnsZone: string;
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const zone = new azure.privatedns.Zone(
    name,
    { name: args.dnsZone, resourceGroupName: args.resourceGroupName, tags: args.tags },
    opts,
  );
  new azure.privatedns.ZoneVirtualNetworkLink(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      privateDnsZoneName: zone.name,
      virtualNetworkId: args.vnetId,
      tags: args.tags,
    },
    opts,
  );
  return zone.id;
}
