/**
 * A namespace for a platform add-on: Pod Security `restricted` and default-deny NetworkPolicies
 * with exactly the flows an admission webhook needs (see webhook-network-policies.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { podSecurityStandardVersion } from "../versions";
import { controlAnnotations, managedByLabel, podSecurityLabels } from "./labels";
import { webhookNetworkPolicies, type WebhookPolicyArgs } from "./webhook-network-policies";

export interface PlatformNamespaceArgs {
  readonly namespace: string;
  /** The control the namespace and its policies serve (annotated on each object). */
  readonly control: string;
  readonly extraLabels?: Readonly<Record<string, string>>;
  readonly webhook: Omit<WebhookPolicyArgs, "monitoringNamespace">;
}

export function webhookNamespace(
  name: string,
  args: PlatformNamespaceArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: args.namespace,
        labels: {
          ...managedByLabel,
          ...podSecurityLabels("restricted", podSecurityStandardVersion),
          ...(args.extraLabels ?? {}),
        },
        annotations: controlAnnotations(args.control),
      },
    },
    opts,
  );
  const policies = webhookNetworkPolicies({ ...args.webhook, monitoringNamespace: "monitoring" });
  for (const [policyName, spec] of Object.entries(policies)) {
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${policyName}`,
      {
        metadata: {
          name: policyName,
          namespace: namespace.metadata.name,
          labels: managedByLabel,
          annotations: controlAnnotations(args.control),
        },
        spec,
      },
      opts,
    );
  }
  return namespace;
}
