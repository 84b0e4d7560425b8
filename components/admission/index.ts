/**
 * Admission: Gatekeeper from its pinned chart, failing closed outside dev with audit on
 * (C-ADM-1), and the project's constraint library (policies/, C-ADM-2/3/4/7, C-MESH-4), each
 * constraint's enforcementAction set from the environment tier or a per-constraint override
 * (C-ADM-6). Only Kubernetes' own namespaces and Gatekeeper's are exempt.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import { controlAnnotations } from "../shared/labels";
import { chartRepositories, upstream } from "../versions";
import { pinnedRelease, webhookNamespace } from "../shared/platform-namespace";
import { constraintTemplate, templateName, templateSpecs, type TemplateSpec } from "./templates";
import { gatekeeperValues } from "./values";
import type { ChartSource } from "../shared/charts";

export type EnforcementAction = "dryrun" | "warn" | "deny";

export const gatekeeperNamespace = "gatekeeper-system";
/** The only namespaces admission does not judge: Kubernetes' own, and Gatekeeper's. */
export const systemNamespaces = [
  "kube-system",
  "kube-public",
  "kube-node-lease",
  gatekeeperNamespace,
] as const;
/** Constraint names a stack may override, one per policy folder. */
export const constraintNames = templateSpecs.map((spec) => spec.folder);

export interface AdmissionArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  /** The tier's action for every constraint (dev dryrun, staging warn, prod deny). */
  readonly enforcementAction: EnforcementAction;
  /** Per-constraint actions, keyed by constraint name (e.g. "pod-security"). */
  readonly constraintOverrides?: Readonly<Record<string, EnforcementAction>>;
  /** Weakens C-ADM-1: the webhook lets requests through when Gatekeeper is down. dev only. */
  readonly webhookFailOpen?: boolean;
  readonly auditIntervalSeconds?: number;
  readonly replicas?: number;
  /** Registry hosts images may come from; the cluster's private registry is always included. */
  readonly allowedRegistries?: readonly pulumi.Input<string>[];
  /** Require images pinned by digest (prod). */
  readonly requireDigests: boolean;
  /** Namespaces where LoadBalancer/NodePort services are allowed (the ingress gateway's). */
  readonly ingressNamespaces?: readonly string[];
  /** Tenant (mesh) namespaces, where the tenant-scoped constraints apply. */
  readonly meshNamespaces?: readonly string[];
  /** Node-agent namespaces the pod-security constraint skips (Falco: host access by design). */
  readonly podSecurityExemptNamespaces?: readonly string[];
}

export class Admission extends pulumi.ComponentResource {
  readonly constraints: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: AdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:admission:Admission", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };

    const namespace = webhookNamespace(
      name,
      {
        namespace: gatekeeperNamespace,
        control: "C-ADM-1",
        // Gatekeeper does not judge its own namespace (avoids locking itself out).
        extraLabels: { "admission.gatekeeper.sh/ignore": "no-self-managing" },
        webhook: {
          webhookPort: 8443,
          metricsPort: 8888,
          webhookPods: { "control-plane": "controller-manager" },
        },
      },
      child,
    );

    const release = pinnedRelease(
      `${name}-gatekeeper`,
      {
        releaseName: "gatekeeper",
        upstream: upstream.gatekeeper,
        repo: chartRepositories.gatekeeper,
        charts: args.charts,
        namespace: namespace.metadata.name,
        timeout: 600,
        values: gatekeeperValues({
          replicas: args.replicas ?? 1,
          auditIntervalSeconds: args.auditIntervalSeconds ?? 60,
          webhookFailOpen: args.webhookFailOpen ?? false,
          exemptNamespaces: systemNamespaces,
          webhookExemptNamespaces: systemNamespaces.filter((ns) => ns !== gatekeeperNamespace),
        }),
      },
      child,
    );

    const registries = pulumi
      .all([...(args.allowedRegistries ?? []), ...(args.cluster.registry ? [args.cluster.registry] : [])])
      .apply((all) => [...new Set(all.map((r) => r.split("/")[0] as string))].sort());
    const parameters: Record<string, pulumi.Input<Record<string, unknown>>> = {
      "allowed-images": registries.apply((list) => ({
        registries: list,
        requireDigest: args.requireDigests,
      })),
      "resource-hygiene": { requiredLabels: ["owner", "team"] },
      "service-exposure": { allowedNamespaces: [...(args.ingressNamespaces ?? [])] },
    };

    for (const spec of templateSpecs) {
      if (spec.scope === "tenants" && (args.meshNamespaces ?? []).length === 0) continue;
      const template = new k8s.apiextensions.CustomResource(
        `${name}-${spec.folder}-template`,
        constraintTemplate(spec, controlAnnotations(...spec.controls)),
        { ...child, dependsOn: [release] },
      );
      const constraint = new k8s.apiextensions.CustomResource(
        `${name}-${spec.folder}`,
        {
          apiVersion: "constraints.gatekeeper.sh/v1beta1",
          kind: spec.kind,
          metadata: { name: spec.folder, annotations: controlAnnotations(...spec.controls, "C-ADM-6") },
          spec: {
            enforcementAction: args.constraintOverrides?.[spec.folder] ?? args.enforcementAction,
            match: constraintMatch(
              spec,
              args.meshNamespaces ?? [],
              spec.folder === "pod-security" ? (args.podSecurityExemptNamespaces ?? []) : [],
            ),
            ...(parameters[spec.folder] ? { parameters: parameters[spec.folder] } : {}),
          },
        },
        { ...child, dependsOn: [template] },
      );
      this.constraints[spec.folder] = constraint.metadata.name;
    }
    this.registerOutputs({ namespace: namespace.metadata.name, templates: templateSpecs.map(templateName) });
  }
}

function constraintMatch(spec: TemplateSpec, meshNamespaces: readonly string[], exempt: readonly string[]) {
  return {
    kinds: spec.matchKinds.map((k) => ({ apiGroups: [...k.apiGroups], kinds: [...k.kinds] })),
    ...(spec.scope === "tenants"
      ? { namespaces: [...meshNamespaces] }
      : { excludedNamespaces: [...systemNamespaces, ...exempt] }),
  };
}
