/** IAM policy documents as data, and the guard that keeps binder policies scoped. */
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadCapability, WorkloadPermission } from "../cluster";

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  readonly Principal?: Record<string, unknown>;
  readonly Condition?: Record<string, unknown>;
}

export function policyJson(statements: readonly Statement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** The IAM actions each cloud-neutral capability grants; never a wildcard action. */
export const capabilityActions: Readonly<Record<WorkloadCapability, readonly string[]>> = {
  "secrets.read": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
  "keys.decrypt": ["kms:Decrypt", "kms:DescribeKey"],
  "registry.pull": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
  "logs.write": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
  "events.send": ["events:PutEvents"],
};

/**
 * A resource is scoped when it names an exact resource, a name prefix ending in "/*" (Secrets
 * Manager prefixes) or the streams of one log group (":*"). "*" alone, or a wildcard anywhere
 * else, is refused (C-CL-5).
 */
export function assertScopedResource(resource: string): void {
  const star = resource.indexOf("*");
  const trailing = star === resource.length - 1 && (resource.endsWith("/*") || resource.endsWith(":*"));
  if (resource === "*" || (star !== -1 && !trailing)) {
    throw new Error(
      `workload identity permission on "${resource}" is not scoped: name exact ARNs, or a prefix ending in "/*"`,
    );
  }
}

export function permissionStatements(permissions: readonly WorkloadPermission[]): Statement[] {
  return permissions.map((permission, index) => ({
    Sid: `Grant${index}`,
    Effect: "Allow",
    Action: [...capabilityActions[permission.capability]],
    Resource: permission.resources.map((resource) => {
      // Plain strings are checked now, before anything is registered; computed ARNs when known.
      if (typeof resource === "string") assertScopedResource(resource);
      return pulumi.output(resource).apply((value) => {
        assertScopedResource(value);
        return value;
      });
    }),
  }));
}
