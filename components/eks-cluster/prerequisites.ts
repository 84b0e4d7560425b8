/**
 * What an AWS account must already have before the cluster layer's first resource, checked or
 * created here so the first `pulumi up` fails early with the fix instead of half-way through.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const autoscalingServiceLinkedRoleName = "AWSServiceRoleForAutoScaling";

export interface AutoscalingRole {
  readonly arn: pulumi.Input<string>;
  /** What the key policy that names the role must wait for (the role, when the stack creates it). */
  readonly dependsOn: pulumi.Resource[];
}

/**
 * The service-linked role EC2 Auto Scaling launches the node group's instances with. The CMK's
 * policy names it so node volumes can be encrypted with the CMK, and KMS refuses a key policy
 * whose principal does not exist (MalformedPolicyDocumentException), which is the case in a fresh
 * account until the first Auto Scaling group. Sources:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html
 */
export function autoscalingServiceLinkedRole(
  existingArn: string | undefined,
  name: string,
  opts: pulumi.CustomResourceOptions,
): AutoscalingRole {
  if (existingArn) return { arn: existingArn, dependsOn: [] };
  // Kept on destroy: other Auto Scaling groups in the account come to depend on it.
  const role = new aws.iam.ServiceLinkedRole(
    `${name}-autoscaling`,
    { awsServiceName: "autoscaling.amazonaws.com" },
    { ...opts, retainOnDelete: true },
  );
  return { arn: role.arn, dependsOn: [role] };
}

/**
 * Preflight for a stack that says the role exists: reads it before any resource is registered,
 * and fails with the fix when the account has none.
 */
export async function existingAutoscalingRoleArn(opts: pulumi.InvokeOptions): Promise<string> {
  try {
    return (await aws.iam.getRole({ name: autoscalingServiceLinkedRoleName }, opts)).arn;
  } catch (err) {
    throw new Error(
      `preflight: this AWS account has no ${autoscalingServiceLinkedRoleName} (${String(err)}); ` +
        `set zt-blueprint:access.autoscalingServiceLinkedRole to "create" so the stack creates it, ` +
        `or run \`aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com\` first`,
    );
  }
}
