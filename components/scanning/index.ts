/**
 * Scanning: the Trivy operator from its pinned chart (C-RT-2): vulnerability, config-audit,
 * exposed-secret, RBAC and infra assessments of every workload, reports as Kubernetes objects,
 * metrics for Prometheus. Its namespace is restricted and default-deny; scan jobs may reach the
 * API server, DNS and registries (HTTPS) only.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import {
  allPods,
  apiServerAndHttpsEgress,
  denyAll,
  dnsEgress,
  namespaceNamed,
  tcpPorts,
} from "../shared/network-fragments";
import { addonNamespace, namespacePolicies, pinnedRelease } from "../shared/platform-namespace";
import { chartRepositories, upstream } from "../versions";
import { trivyOperatorValues, type Severity } from "./values";
import type { ChartSource } from "../shared/charts";

export { severitiesFrom, type Severity } from "./values";

export const scanningNamespace = "trivy-system";

export interface ScanningArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  /** Lowest severity reported (prod: HIGH). */
  readonly severity: Severity;
  readonly dbRepository?: string;
  readonly javaDbRepository?: string;
  /** Create the chart's ServiceMonitor (when the monitoring add-on is on). */
  readonly serviceMonitor: boolean;
}

export class Scanning extends pulumi.ComponentResource {
  constructor(name: string, args: ScanningArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:runtime:Scanning", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };
    const namespace = addonNamespace(name, { namespace: scanningNamespace, control: "C-RT-2" }, child);
    const policies: Record<string, k8s.types.input.networking.v1.NetworkPolicySpec> = {
      "default-deny": denyAll,
      "allow-metrics": {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "trivy-operator" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespaceNamed(["monitoring"])], ports: tcpPorts(8080) }],
      },
      // Scan jobs pull images and the vulnerability DB over HTTPS and report to the API server.
      "allow-dns-api-and-registries": {
        podSelector: allPods,
        policyTypes: ["Egress"],
        egress: [dnsEgress, apiServerAndHttpsEgress()],
      },
    };
    namespacePolicies(name, namespace.metadata.name, "C-RT-2", policies, child);
    pinnedRelease(
      `${name}-trivy-operator`,
      {
        releaseName: "trivy-operator",
        upstream: upstream.trivyOperator,
        repo: chartRepositories.trivyOperator,
        charts: args.charts,
        namespace: namespace.metadata.name,
        values: trivyOperatorValues({
          severity: args.severity,
          serviceMonitor: args.serviceMonitor,
          ...(args.dbRepository ? { dbRepository: args.dbRepository } : {}),
          ...(args.javaDbRepository ? { javaDbRepository: args.javaDbRepository } : {}),
        }),
      },
      child,
    );
    this.registerOutputs({ namespace: namespace.metadata.name, severity: args.severity });
  }
}
