/**
 * The VPC for one EKS environment (C-CL-6, C-CL-9): nodes live in private subnets with no public
 * IPs and reach the internet only through NAT; public subnets hold only NAT gateways and load
 * balancers. Flow logs go to a KMS-encrypted log group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { splitCidr } from "./subnets";

export interface VpcArgs {
  readonly name: string;
  readonly cidr: string;
  readonly availabilityZones: readonly pulumi.Input<string>[];
  /** One NAT gateway per AZ (prod) or one shared (dev). */
  readonly natPerZone: boolean;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Pulumi `protect` on the flow-log group (outside dev). */
  readonly protectState: boolean;
  readonly tags: Record<string, string>;
}

export interface Vpc {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** Address ranges of the private subnets (nodes, pods and the managed database). */
  readonly privateSubnetCidrs: string[];
  readonly publicSubnetIds: pulumi.Output<string>[];
}

export function createVpc(args: VpcArgs, opts: pulumi.CustomResourceOptions): Vpc {
  const { name, tags } = args;
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: name } },
    opts,
  );
  // The default security group of a VPC allows all traffic between its members: empty it.
  new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags }, opts);

  const ranges = splitCidr(args.cidr, args.availabilityZones.length * 2);
  const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags }, opts);
  const publicRoutes = new aws.ec2.RouteTable(
    `${name}-public-rt`,
    {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { ...tags, Name: `${name}-public` },
    },
    opts,
  );

  const publicSubnets = args.availabilityZones.map((zone, i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-public-${i}`,
      {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: ranges[args.availabilityZones.length + i],
        mapPublicIpOnLaunch: false,
        tags: { ...tags, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-public-${i}`,
      { subnetId: subnet.id, routeTableId: publicRoutes.id },
      opts,
    );
    return subnet;
  });

  const natCount = args.natPerZone ? args.availabilityZones.length : 1;
  const nats = publicSubnets.slice(0, natCount).map((subnet, i) => {
    const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags }, opts);
    return new aws.ec2.NatGateway(
      `${name}-nat-${i}`,
      { subnetId: subnet.id, allocationId: eip.id, tags },
      opts,
    );
  });

  const privateSubnets = args.availabilityZones.map((zone, i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: ranges[i],
        mapPublicIpOnLaunch: false,
        tags: { ...tags, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1" },
      },
      opts,
    );
    const nat = nats[args.natPerZone ? i : 0] as aws.ec2.NatGateway;
    const routes = new aws.ec2.RouteTable(
      `${name}-private-rt-${i}`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        tags: { ...tags, Name: `${name}-private-${i}` },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-private-${i}`,
      { subnetId: subnet.id, routeTableId: routes.id },
      opts,
    );
    return subnet;
  });

  const flowLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    {
      name: `/zt-blueprint/${name}/vpc-flow-logs`,
      retentionInDays: args.logRetentionDays,
      kmsKeyId: args.kmsKeyArn,
      tags,
    },
    { ...opts, protect: args.protectState },
  );
  const flowLogRole = new aws.iam.Role(
    `${name}-flow-logs`,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-flow-logs`,
    {
      role: flowLogRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: pulumi.interpolate`${flowLogGroup.arn}:*`,
          },
        ],
      }),
    },
    opts,
  );
  new aws.ec2.FlowLog(
    `${name}-flow-log`,
    {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      tags,
    },
    opts,
  );

  return {
    vpcId: vpc.id,
    privateSubnetIds: privateSubnets.map((s) => s.id),
    privateSubnetCidrs: args.availabilityZones.map((_, i) => ranges[i] as string),
    publicSubnetIds: publicSubnets.map((s) => s.id),
  };
}
