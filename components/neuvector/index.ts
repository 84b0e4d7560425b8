/**
 * NeuVector (C-RT-5, optional): runtime protection as an alternative to, or beside, Falco. Its
 * policy mode for new services follows the tier: dev Discover (learns), staging Monitor (alerts),
 * prod Protect (blocks). The manager UI is not exposed (ClusterIP only). The enforcer needs host
 * access, so like Falco its namespace is privileged and skipped by the pod-security constraint.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import {
  allPods,
  apiServerAndHttpsEgress,
  denyAll,
  dnsEgress,
  sameNamespace,
} from "../shared/network-fragments";
import { addonNamespace, namespacePolicies, pinnedRelease } from "../shared/platform-namespace";
import { chartRepositories, upstream } from "../versions";
import type { ChartSource } from "../shared/charts";

export const neuvectorNamespace = "neuvector";
export type NeuVectorMode = "Discover" | "Monitor" | "Protect";

export interface NeuVectorArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  readonly mode: NeuVectorMode;
  readonly controllerReplicas: number;
}

export class NeuVector extends pulumi.ComponentResource {
  constructor(name: string, args: NeuVectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:runtime:NeuVector", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };
    const namespace = addonNamespace(
      name,
      {
        namespace: neuvectorNamespace,
        control: "C-RT-5",
        privilegedReason: "NeuVector's enforcer needs host access",
      },
      child,
    );
    // Default deny; NeuVector's controller, enforcers and scanners talk among themselves, to DNS,
    // the API server and HTTPS (vulnerability database updates).
    const policies: Record<string, k8s.types.input.networking.v1.NetworkPolicySpec> = {
      "default-deny": denyAll,
      "allow-internal": sameNamespace,
      "allow-dns-api-and-https": {
        podSelector: allPods,
        policyTypes: ["Egress"],
        egress: [dnsEgress, apiServerAndHttpsEgress()],
      },
    };
    namespacePolicies(name, namespace.metadata.name, "C-RT-5", policies, child);
    pinnedRelease(
      `${name}-core`,
      {
        releaseName: "neuvector",
        upstream: upstream.neuvector,
        repo: chartRepositories.neuvector,
        charts: args.charts,
        namespace: namespace.metadata.name,
        values: neuvectorValues(args),
      },
      child,
    );
    this.registerOutputs({ namespace: namespace.metadata.name, mode: args.mode });
  }
}

export function neuvectorValues(
  args: Pick<NeuVectorArgs, "mode" | "controllerReplicas">,
): Record<string, unknown> {
  return {
    controller: {
      replicas: args.controllerReplicas,
      configmap: {
        enabled: true,
        data: {
          "sysinitcfg.yaml": [
            `New_Service_Policy_Mode: ${args.mode}`,
            `New_Service_Profile_Mode: ${args.mode}`,
            "New_Service_Profile_Baseline: zero-drift",
            "Scan_Config:",
            "  Auto_Scan: true",
          ].join("\n"),
        },
      },
    },
    enforcer: { enabled: true },
    cve: { scanner: { enabled: true } },
    // The console stays inside the cluster: reach it with port-forward or through the identity layer.
    manager: { svc: { type: "ClusterIP" } },
  };
}
