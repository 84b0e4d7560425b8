/**
 * Azure Database for PostgreSQL flexible server (C-ID-1): injected into a delegated subnet with a
 * private DNS zone, public access off, TLS required by the server, storage encrypted at rest,
 * geo-redundant backups and a zone-redundant standby in prod.
 */
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedDatabases, PostgresDatabase, PostgresRequest } from "../cluster";
import { managedPostgres } from "../versions";
import type { Vnet } from "./network";

export interface FlexibleServerArgs {
  readonly clusterName: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly vnet: Vnet;
  /** Pulumi `protect` on the server (outside dev). */
  readonly protectState: boolean;
  readonly tags: Record<string, string>;
}

export class FlexibleServerDatabases implements ManagedDatabases {
  constructor(
    private readonly args: FlexibleServerArgs,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {}

  postgres(request: PostgresRequest, opts: pulumi.CustomResourceOptions): PostgresDatabase {
    const { args } = this;
    const { resourceGroupName, location, tags } = args;
    const name = `${args.clusterName}-${request.name}`;
    const child = { ...this.opts, ...opts };
    const subnet = new azure.network.Subnet(
      `${name}-db`,
      {
        resourceGroupName,
        virtualNetworkName: args.vnet.vnetName,
        addressPrefixes: [args.vnet.databaseCidr],
        defaultOutboundAccessEnabled: false,
        delegations: [
          {
            name: "postgres-flexible",
            serviceDelegation: {
              name: "Microsoft.DBforPostgreSQL/flexibleServers",
              actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
            },
          },
        ],
      },
      child,
    );
    const zone = new azure.privatedns.Zone(
      `${name}-db`,
      { name: `${name}.private.postgres.database.azure.com`, resourceGroupName, tags },
      child,
    );
    const link = new azure.privatedns.ZoneVirtualNetworkLink(
      `${name}-db`,
      { resourceGroupName, privateDnsZoneName: zone.name, virtualNetworkId: args.vnet.vnetId, tags },
      child,
    );
    const server = new azure.postgresql.FlexibleServer(
      name,
      {
        name,
        resourceGroupName,
        location,
        version: managedPostgres.azureVersion,
        skuName: request.highAvailability ? "GP_Standard_D2ds_v5" : "B_Standard_B2s",
        storageMb: 32768,
        administratorLogin: request.username,
        // @pulumi/azure 6.40 exposes no write-only password input here; the provider marks this
        // one secret, so state holds it encrypted (and the policy pack names this exception).
        administratorPassword: pulumi.secret(request.password),
        delegatedSubnetId: subnet.id,
        privateDnsZoneId: zone.id,
        publicNetworkAccessEnabled: false,
        backupRetentionDays: request.deletionProtection ? 35 : 7,
        geoRedundantBackupEnabled: request.deletionProtection,
        ...(request.highAvailability ? { highAvailability: { mode: "ZoneRedundant" } } : {}),
        tags,
      },
      {
        ...child,
        dependsOn: [link],
        protect: args.protectState,
        // After a fail-over Azure reports the standby's zone as the primary's; without this the
        // next `pulumi up` would move the server back (@pulumi/azure 6.40.0 FlexibleServer, `zone`).
        ignoreChanges: ["zone", "highAvailability.standbyAvailabilityZone"],
      },
    );
    // The server's default already requires TLS; pinning it keeps a portal change from relaxing it.
    new azure.postgresql.FlexibleServerConfiguration(
      `${name}-require-tls`,
      { serverId: server.id, name: "require_secure_transport", value: "on" },
      child,
    );
    new azure.postgresql.FlexibleServerDatabase(
      `${name}-${request.databaseName}`,
      { serverId: server.id, name: request.databaseName, charset: "UTF8", collation: "en_US.utf8" },
      child,
    );
    if (request.deletionProtection) {
      new azure.management.Lock(
        `${name}-lock`,
        { scope: server.id, lockLevel: "CanNotDelete", notes: "prod identity database" },
        child,
      );
    }
    return {
      host: server.fqdn,
      port: 5432,
      // The delegated subnet: the server's private address comes from it.
      subnetCidrs: [args.vnet.databaseCidr],
      databaseName: request.databaseName,
      username: request.username,
    };
  }
}
