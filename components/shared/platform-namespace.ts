/**
 * Building blocks every platform add-on uses: its namespace (Pod Security level and why), its
 * NetworkPolicies, and a Helm release of its pinned upstream chart.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { podSecurityStandardVersion, type UpstreamRelease } from "../versions";
import { releaseChart, type ChartSource } from "./charts";
import { controlAnnotations, managedByLabel, podSecurityLabels } from "./labels";
import { webhookNetworkPolicies, type WebhookPolicyArgs } from "./webhook-network-policies";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export interface AddonNamespaceArgs {
  readonly namespace: string;
  /** The control the namespace and its policies serve (annotated on each object). */
  readonly control: string;
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Node agents that need host access run `privileged`; the reason is recorded on the namespace. */
  readonly privilegedReason?: string;
}

export function addonNamespace(
  name: string,
  args: AddonNamespaceArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: args.namespace,
        labels: {
          ...managedByLabel,
          ...podSecurityLabels(
            args.privilegedReason ? "privileged" : "restricted",
            podSecurityStandardVersion,
          ),
          ...(args.extraLabels ?? {}),
        },
        annotations: {
          ...controlAnnotations(args.control),
          ...(args.privilegedReason ? { "zt-blueprint.io/privileged-reason": args.privilegedReason } : {}),
        },
      },
    },
    opts,
  );
}

export function namespacePolicies(
  name: string,
  namespace: pulumi.Input<string>,
  control: string,
  policies: Readonly<Record<string, PolicySpec>>,
  opts: pulumi.CustomResourceOptions,
): void {
  for (const [policy, spec] of Object.entries(policies)) {
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${policy}`,
      {
        metadata: {
          name: policy,
          namespace,
          labels: managedByLabel,
          annotations: controlAnnotations(control),
        },
        spec,
      },
      opts,
    );
  }
}

export interface PinnedReleaseArgs {
  /** The Helm release name. */
  readonly releaseName: string;
  readonly upstream: Pick<UpstreamRelease, "chart" | "chartVersion">;
  /** The chart's public repository, used unless `charts` names a local folder or a mirror. */
  readonly repo: string;
  readonly charts?: ChartSource;
  readonly namespace: pulumi.Input<string>;
  readonly values: Record<string, unknown>;
  /** Seconds Helm waits for the release to become ready. */
  readonly timeout?: number;
}

/** A release of a pinned chart: atomic, cleaned up on failure, namespace created by us. */
export function pinnedRelease(
  name: string,
  args: PinnedReleaseArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.releaseName,
      ...releaseChart(args.upstream, args.repo, args.charts),
      namespace: args.namespace,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      values: args.values,
      ...(args.timeout ? { timeout: args.timeout } : {}),
    },
    opts,
  );
}

/** The namespace of an admission webhook, with its NetworkPolicies. */
export function webhookNamespace(
  name: string,
  args: AddonNamespaceArgs & { readonly webhook: Omit<WebhookPolicyArgs, "monitoringNamespace"> },
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  const namespace = addonNamespace(name, args, opts);
  const policies = webhookNetworkPolicies({ ...args.webhook, monitoringNamespace: "monitoring" });
  namespacePolicies(name, namespace.metadata.name, args.control, policies, opts);
  return namespace;
}
