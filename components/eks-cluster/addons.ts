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
  readonly tags: Record<string, string>;
}

type AddonFactory = (
  name: EksAddonName,
  extra?: Partial<aws.eks.AddonArgs>,
  dependsOn?: pulumi.Resource[],
) => aws.eks.Addon;

function addonFactory(args: AddonsArgs, opts: pulumi.CustomResourceOptions): AddonFactory {
  const versions = eksAddonVersions[args.kubernetesVersion];
  return (name, extra = {}, dependsOn = []) =>
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
}

/**
 * The pod network (vpc-cni with its policy agent) and kube-proxy. With bootstrapSelfManagedAddons
 * false the cluster has neither, so they are created before the node group: nodes that join
 * earlier stay NotReady (the order terraform-aws-eks calls `before_compute`).
 */
export function createNetworkAddons(args: AddonsArgs, opts: pulumi.CustomResourceOptions): aws.eks.Addon[] {
  const addon = addonFactory(args, opts);
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
  return [
    addon("vpc-cni", {
      serviceAccountRoleArn: cniRole.arn,
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    }),
    addon("kube-proxy"),
  ];
}

/** CoreDNS and the EBS CSI driver run as Deployments, so they wait for the node group. */
export function createWorkloadAddons(
  args: AddonsArgs & { readonly nodeGroup: pulumi.Resource },
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon[] {
  const addon = addonFactory(args, opts);
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
    addon("coredns", {}, [args.nodeGroup]),
    addon(
      "aws-ebs-csi-driver",
      {
        serviceAccountRoleArn: ebsRole.arn,
        // The chart's own default class has no KMS key; storage-class.ts ships the default.
        configurationValues: JSON.stringify({ defaultStorageClass: { enabled: false } }),
      },
      [args.nodeGroup],
    ),
  ];
}
