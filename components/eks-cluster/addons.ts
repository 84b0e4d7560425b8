/**
 * EKS managed add-ons, pinned (components/versions.ts). The VPC CNI runs its network policy agent
 * (C-CL-8) and, like the EBS CSI driver, gets its own IRSA role (C-CL-5) instead of borrowing the
 * node role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eksAddonVersions, type EksAddonName, type KubernetesVersion } from "../versions";
import { irsaRole, type OidcIssuer } from "./irsa";
import { volumeEncryptionActions } from "./kms";
import { policyJson } from "./policy";

export interface AddonsArgs {
  readonly name: string;
  readonly clusterName: pulumi.Input<string>;
  readonly kubernetesVersion: KubernetesVersion;
  readonly issuer: OidcIssuer;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly nodeGroup: pulumi.Resource;
  readonly tags: Record<string, string>;
}

export function createAddons(args: AddonsArgs, opts: pulumi.CustomResourceOptions): aws.eks.Addon[] {
  const versions = eksAddonVersions[args.kubernetesVersion];
  const addon = (
    name: EksAddonName,
    extra: Partial<aws.eks.AddonArgs> = {},
    dependsOn: pulumi.Resource[] = [],
  ) =>
    new aws.eks.Addon(
      `${args.name}-${name}`,
      {
        clusterName: args.clusterName,
        addonName: name,
        addonVersion: versions[name],
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: args.tags,
        ...extra,
      },
      { ...opts, dependsOn },
    );

  const cniRole = irsaRole(
    {
      name: `${args.name}-vpc-cni`,
      issuer: args.issuer,
      namespace: "kube-system",
      serviceAccount: "aws-node",
      managedPolicyArns: [pulumi.interpolate`arn:${args.partition}:iam::aws:policy/AmazonEKS_CNI_Policy`],
      tags: args.tags,
    },
    opts,
  );
  const ebsRole = irsaRole(
    {
      name: `${args.name}-ebs-csi`,
      issuer: args.issuer,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      managedPolicyArns: [
        pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
      ],
      // Volumes it creates are encrypted with the environment's CMK, so it needs that key only.
      inlinePolicy: policyJson([
        {
          Effect: "Allow",
          Action: volumeEncryptionActions,
          Resource: args.kmsKeyArn,
        },
      ]),
      tags: args.tags,
    },
    opts,
  );

  return [
    addon("vpc-cni", {
      serviceAccountRoleArn: cniRole.arn,
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    }),
    addon("kube-proxy"),
    addon("coredns", {}, [args.nodeGroup]),
    addon(
      "aws-ebs-csi-driver",
      {
        serviceAccountRoleArn: ebsRole.arn,
        configurationValues: JSON.stringify({ defaultStorageClass: { enabled: true } }),
      },
      [args.nodeGroup],
    ),
  ];
}
