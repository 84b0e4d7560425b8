/**
 * Monitoring (C-RT-3, C-RT-4): kube-prometheus-stack (Prometheus operator, Prometheus,
 * Alertmanager, kube-state-metrics) pinned, scraping Falco, the Trivy operator, Gatekeeper and
 * Istio through our own ServiceMonitors/PodMonitors, with alert rules for critical findings and
 * the tier's metrics retention (Gatekeeper audit results live on as metrics for that period).
 *
 * Leaner than the chart's defaults: no node exporter (it needs host access, and the controls
 * here need no node metrics) and no Grafana until the platform's OIDC issuer exists to log into it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import { controlAnnotations, managedByLabel } from "../shared/labels";
import { allPods, apiServerAndHttpsEgress, denyAll, sameNamespace } from "../shared/network-fragments";
import { addonNamespace, namespacePolicies, pinnedRelease } from "../shared/platform-namespace";
import { chartRepositories, upstream } from "../versions";
import { securityAlertRules } from "./rules";
import type { ChartSource } from "../shared/charts";

export const monitoringNamespace = "monitoring";

export interface MonitoringArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  readonly tier: string;
  /** How long Prometheus keeps metrics, including Gatekeeper audit results (C-RT-4). */
  readonly retentionDays: number;
  /** Where Alertmanager sends the platform's security alerts (https). */
  readonly alertWebhookUrl?: string;
  /**
   * The nodes' network (the VPC/VNet range): Prometheus scrapes each kubelet's metrics on its node
   * IP, port 10250. Unset (existing clusters, whose node range the program cannot know), kubelets
   * are reachable on 10250 at any address, and on no other port.
   */
  readonly nodeCidr?: string;
}

/** The kubelet's authenticated metrics port (kube-prometheus-stack's kubelet ServiceMonitor). */
export const kubeletPort = 10250;

/** Prometheus's volume: the retention period at roughly 1 GiB a day, never under 20 GiB. */
export function prometheusVolumeGiB(retentionDays: number): number {
  return Math.max(20, retentionDays);
}

interface Target {
  readonly name: string;
  readonly kind: "ServiceMonitor" | "PodMonitor";
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly port: string;
  readonly control: string;
}

/** What Prometheus scrapes, and why. */
export const scrapeTargets: readonly Target[] = [
  {
    name: "falco",
    kind: "ServiceMonitor",
    namespace: "falco",
    selector: { "app.kubernetes.io/name": "falco" },
    port: "metrics",
    control: "C-RT-1",
  },
  {
    name: "falcosidekick",
    kind: "ServiceMonitor",
    namespace: "falco",
    selector: { "app.kubernetes.io/name": "falcosidekick" },
    port: "http",
    control: "C-RT-1",
  },
  {
    name: "trivy-operator",
    kind: "ServiceMonitor",
    namespace: "trivy-system",
    selector: { "app.kubernetes.io/name": "trivy-operator" },
    port: "metrics",
    control: "C-RT-2",
  },
  {
    name: "gatekeeper",
    kind: "PodMonitor",
    namespace: "gatekeeper-system",
    selector: { "gatekeeper.sh/system": "yes" },
    port: "metrics",
    control: "C-ADM-1",
  },
  {
    name: "istiod",
    kind: "ServiceMonitor",
    namespace: "istio-system",
    selector: { app: "istiod" },
    port: "http-monitoring",
    control: "C-MESH-1",
  },
  {
    name: "istio-proxies",
    kind: "PodMonitor",
    namespace: "",
    selector: { "security.istio.io/tlsMode": "istio" },
    port: "http-envoy-prom",
    control: "C-MESH-1",
  },
];

export class Monitoring extends pulumi.ComponentResource {
  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:runtime:Monitoring", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };
    const namespace = addonNamespace(name, { namespace: monitoringNamespace, control: "C-RT-3" }, child);
    const policies: Record<string, k8s.types.input.networking.v1.NetworkPolicySpec> = {
      "default-deny": denyAll,
      "allow-internal": sameNamespace,
      // Prometheus scrapes every namespace and each node's kubelet; Alertmanager posts to the
      // HTTPS webhook.
      "allow-scrapes-dns-api-and-webhook": {
        podSelector: allPods,
        policyTypes: ["Egress"],
        egress: [
          { to: [{ namespaceSelector: {} }] },
          {
            to: [{ ipBlock: { cidr: args.nodeCidr ?? "0.0.0.0/0" } }],
            ports: [{ protocol: "TCP", port: kubeletPort }],
          },
          apiServerAndHttpsEgress(),
        ],
      },
    };
    namespacePolicies(name, namespace.metadata.name, "C-RT-3", policies, child);

    const release = pinnedRelease(
      `${name}-kube-prometheus-stack`,
      {
        releaseName: "kube-prometheus-stack",
        upstream: upstream.kubePrometheusStack,
        repo: chartRepositories.kubePrometheusStack,
        charts: args.charts,
        namespace: namespace.metadata.name,
        values: monitoringValues(args),
      },
      child,
    );

    for (const target of scrapeTargets) {
      new k8s.apiextensions.CustomResource(
        `${name}-${target.name}`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: target.kind,
          metadata: {
            name: target.name,
            namespace: namespace.metadata.name,
            labels: managedByLabel,
            annotations: controlAnnotations("C-RT-3", target.control),
          },
          spec: {
            selector: { matchLabels: target.selector },
            namespaceSelector: target.namespace ? { matchNames: [target.namespace] } : { any: true },
            [target.kind === "ServiceMonitor" ? "endpoints" : "podMetricsEndpoints"]: [
              { port: target.port, interval: "30s" },
            ],
          },
        },
        { ...child, dependsOn: [release] },
      );
    }
    new k8s.apiextensions.CustomResource(
      `${name}-security-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name: "zt-security-alerts",
          namespace: namespace.metadata.name,
          labels: managedByLabel,
          annotations: controlAnnotations("C-RT-3"),
        },
        spec: {
          groups: [
            {
              name: "zt-blueprint.security",
              rules: securityAlertRules(args.tier).map((rule) => ({
                alert: rule.alert,
                expr: rule.expr,
                for: rule.for,
                labels: { severity: rule.severity, control: rule.control },
                annotations: { summary: rule.summary },
              })),
            },
          ],
        },
      },
      { ...child, dependsOn: [release] },
    );
    this.registerOutputs({ namespace: namespace.metadata.name, retentionDays: args.retentionDays });
  }
}

/** Chart values; exported so the render records exactly what is passed. */
export function monitoringValues(
  args: Pick<MonitoringArgs, "retentionDays" | "alertWebhookUrl">,
): Record<string, unknown> {
  const volumeGiB = prometheusVolumeGiB(args.retentionDays);
  return {
    nodeExporter: { enabled: false },
    grafana: { enabled: false },
    kubeStateMetrics: { enabled: true },
    prometheus: {
      prometheusSpec: {
        retention: `${args.retentionDays}d`,
        // What is retained must survive a restart: a volume of the cluster's default StorageClass
        // (on EKS the CMK-encrypted gp3-encrypted class), and a size cap below it so a full disk
        // drops the oldest data, not the newest.
        retentionSize: `${Math.floor(volumeGiB * 0.85)}GB`,
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${volumeGiB}Gi` } } },
          },
        },
        // Select our ServiceMonitors, PodMonitors and rules regardless of Helm release labels.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65534,
          runAsGroup: 65534,
          fsGroup: 65534,
          seccompProfile: { type: "RuntimeDefault" },
        },
      },
    },
    alertmanager: {
      config: {
        // Only the platform's security alerts (rules.ts labels each with its control) reach the
        // security sink; the chart's many operational rules (KubePodCrashLooping, Watchdog, …)
        // go to the null receiver rather than paging the security team. Helm replaces lists, so
        // this `routes` replaces the chart's default one (whose only entry sent Watchdog to null).
        route: {
          receiver: "null",
          group_by: ["alertname", "namespace"],
          routes: args.alertWebhookUrl
            ? [{ receiver: "security-webhook", matchers: ['control=~"C-.+"'], continue: false }]
            : [],
        },
        receivers: [
          { name: "null" },
          ...(args.alertWebhookUrl
            ? [
                {
                  name: "security-webhook",
                  webhook_configs: [{ url: args.alertWebhookUrl, send_resolved: true }],
                },
              ]
            : []),
        ],
      },
    },
  };
}
