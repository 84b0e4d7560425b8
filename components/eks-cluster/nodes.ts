/**
 * Managed node group through a launch template (C-CL-6): Bottlerocket, IMDSv2 only with a hop
 * limit of 1 (pods cannot reach the node's instance credentials), both volumes encrypted with the
 * CMK, no SSH key, private subnets only, rolling updates and automatic node repair.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eksNodeAmiType } from "../versions";

export interface NodeGroupArgs {
  readonly name: string;
  readonly clusterName: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly instanceType: string;
  readonly diskSizeGiB: number;
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly partition: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

const managedPolicy = (partition: pulumi.Input<string>, name: string) =>
  pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;

export function createNodeGroup(
  args: NodeGroupArgs,
  opts: pulumi.CustomResourceOptions,
  /** The pod network and kube-proxy: nodes that join before them stay NotReady. */
  networkAddons: pulumi.Resource[],
): aws.eks.NodeGroup {
  const role = new aws.iam.Role(
    `${args.name}-node`,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      tags: args.tags,
    },
    opts,
  );
  // The CNI's permissions are on its own IRSA role (addons.ts), not on every node.
  const attachments = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${args.name}-node-${policy}`,
        { role: role.name, policyArn: managedPolicy(args.partition, policy) },
        opts,
      ),
  );

  const volume = (deviceName: string, volumeSize: number) => ({
    deviceName,
    ebs: {
      encrypted: "true",
      kmsKeyId: args.kmsKeyArn,
      volumeSize,
      volumeType: "gp3",
      deleteOnTermination: "true",
    },
  });
  const template = new aws.ec2.LaunchTemplate(
    `${args.name}-nodes`,
    {
      description: "zt-blueprint hardened EKS nodes",
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      // Bottlerocket: /dev/xvda holds the OS, /dev/xvdb the container data.
      blockDeviceMappings: [volume("/dev/xvda", 4), volume("/dev/xvdb", args.diskSizeGiB)],
      monitoring: { enabled: true },
      tagSpecifications: [{ resourceType: "instance", tags: args.tags }],
      updateDefaultVersion: true,
      tags: args.tags,
    },
    opts,
  );

  return new aws.eks.NodeGroup(
    `${args.name}-system`,
    {
      clusterName: args.clusterName,
      nodeRoleArn: role.arn,
      subnetIds: args.subnetIds,
      amiType: eksNodeAmiType,
      capacityType: "ON_DEMAND",
      instanceTypes: [args.instanceType],
      launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
      scalingConfig: { minSize: args.minSize, desiredSize: args.desiredSize, maxSize: args.maxSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      nodeRepairConfig: { enabled: true },
      tags: args.tags,
    },
    { ...opts, dependsOn: [...attachments, ...networkAddons] },
  );
}
