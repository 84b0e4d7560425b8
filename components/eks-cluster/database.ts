/**
 * RDS PostgreSQL for platform services (C-ID-1): private subnets only, not publicly accessible,
 * storage encrypted with the environment CMK, TLS required, reachable only from the cluster's
 * security group, backups kept, Multi-AZ and deletion protection in prod.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ManagedDatabases, PostgresDatabase, PostgresRequest } from "../cluster";
import { managedPostgres } from "../versions";

export interface RdsArgs {
  readonly clusterName: string;
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /** The address ranges of those subnets: where the instance's addresses come from. */
  readonly subnetCidrs: string[];
  /** The EKS cluster security group: the only source allowed to connect. */
  readonly clientSecurityGroupId: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Pulumi `protect` on the instance and its log group (outside dev). */
  readonly protectState: boolean;
  readonly tags: Record<string, string>;
}

export class RdsDatabases implements ManagedDatabases {
  constructor(
    private readonly args: RdsArgs,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {}

  postgres(request: PostgresRequest, opts: pulumi.CustomResourceOptions): PostgresDatabase {
    const { args } = this;
    const name = `${args.clusterName}-${request.name}`;
    const child = { ...this.opts, ...opts };
    const subnets = new aws.rds.SubnetGroup(name, { subnetIds: args.subnetIds, tags: args.tags }, child);
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-db`,
      {
        vpcId: args.vpcId,
        description: `${request.name} database: PostgreSQL from the cluster only`,
        ingress: [
          {
            protocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            securityGroups: [args.clientSecurityGroupId],
            description: "cluster nodes and pods",
          },
        ],
        tags: args.tags,
      },
      child,
    );
    // rds.force_ssl: the server refuses unencrypted connections.
    const parameters = new aws.rds.ParameterGroup(
      name,
      {
        family: managedPostgres.awsParameterFamily,
        parameters: [{ name: "rds.force_ssl", value: "1" }],
        tags: args.tags,
      },
      child,
    );
    // Created first, with the CMK and retention: RDS creates /aws/rds/instance/<id>/postgresql
    // itself, unencrypted and never expiring, if it does not exist when the export starts.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html
    const identifier = name;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-postgresql-logs`,
      {
        name: `/aws/rds/instance/${identifier}/postgresql`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.kmsKeyArn,
        tags: args.tags,
      },
      { ...child, protect: args.protectState },
    );
    const instance = new aws.rds.Instance(
      name,
      {
        identifier,
        engine: "postgres",
        engineVersion: managedPostgres.version,
        // Minor versions move automatically; a major upgrade is a reviewed change, never implicit.
        allowMajorVersionUpgrade: false,
        instanceClass: request.highAvailability ? "db.m7g.large" : "db.t4g.medium",
        allocatedStorage: 20,
        maxAllocatedStorage: 200,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        dbName: request.databaseName,
        username: request.username,
        passwordWo: request.password,
        passwordWoVersion: request.passwordVersion,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [securityGroup.id],
        parameterGroupName: parameters.name,
        publiclyAccessible: false,
        multiAz: request.highAvailability,
        backupRetentionPeriod: request.deletionProtection ? 14 : 7,
        deletionProtection: request.deletionProtection,
        skipFinalSnapshot: !request.deletionProtection,
        ...(request.deletionProtection ? { finalSnapshotIdentifier: `${name}-final` } : {}),
        autoMinorVersionUpgrade: true,
        iamDatabaseAuthenticationEnabled: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: args.kmsKeyArn,
        enabledCloudwatchLogsExports: ["postgresql"],
        copyTagsToSnapshot: true,
        tags: args.tags,
      },
      { ...child, dependsOn: [logGroup], protect: args.protectState },
    );
    return {
      host: instance.address,
      port: 5432,
      subnetCidrs: args.subnetCidrs,
      databaseName: request.databaseName,
      username: request.username,
    };
  }
}
