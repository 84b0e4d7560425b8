/**
 * One customer-managed KMS key per environment (C-CL-2, C-CL-6, C-RT-4), with yearly rotation.
 * It encrypts Kubernetes Secrets (envelope encryption), the control-plane and flow log groups, and
 * node volumes. The key policy names exactly the services that use it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyJson } from "./policy";
import type { AutoscalingRole } from "./prerequisites";

/** What a service needs to encrypt volumes with the CMK (EBS through Auto Scaling, the EBS CSI driver). */
export const volumeEncryptionActions = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
  "kms:CreateGrant",
];

export interface KmsKeyArgs {
  readonly name: string;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  readonly partition: pulumi.Input<string>;
  /** AWSServiceRoleForAutoScaling's ARN, and what must exist before a policy may name it. */
  readonly autoscalingRole: AutoscalingRole;
  readonly tags: Record<string, string>;
}

export function createKmsKey(args: KmsKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const account = pulumi.interpolate`arn:${args.partition}:iam::${args.accountId}:root`;
  const key = new aws.kms.Key(
    `${args.name}-cmk`,
    {
      description: `zt-blueprint ${args.name}: Kubernetes secrets, logs and node volumes`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policyJson([
        // Without an account statement IAM policies cannot grant use of the key at all.
        {
          Sid: "AccountAdministration",
          Effect: "Allow",
          Principal: { AWS: account },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogs",
          Effect: "Allow",
          Principal: { Service: `logs.${args.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${args.partition}:logs:${args.region}:${args.accountId}:*`,
            },
          },
        },
        {
          Sid: "NodeVolumesViaAutoScaling",
          Effect: "Allow",
          Principal: { AWS: args.autoscalingRole.arn },
          Action: volumeEncryptionActions,
          Resource: "*",
        },
      ]),
      tags: args.tags,
    },
    { ...opts, dependsOn: args.autoscalingRole.dependsOn },
  );
  new aws.kms.Alias(
    `${args.name}-cmk`,
    { name: `alias/zt-blueprint/${args.name}`, targetKeyId: key.keyId },
    opts,
  );
  return key;
}
