/**
 * RuntimeSecurity: Falco with the modern eBPF driver on every node, the platform's own rules
 * (rules/zt-platform.yaml) beside the defaults, and falcosidekick routing alerts to the configured
 * sinks (C-RT-1). Cloud sinks authenticate with workload identity from the ClusterHandle binder.
 *
 * Falco needs host visibility (host PID, kernel capabilities for eBPF, host mounts), so its
 * namespace runs Pod Security `privileged` and is exempt from the pod-security constraint, and it
 * stays out of the mesh: a node agent that watches syscalls has no service traffic to protect.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle, WorkloadPermission } from "../cluster";
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
import { falcoValues, type AlertPriority, type AlertSink } from "./values";
import type { ChartSource } from "../shared/charts";

export { parseEventHubId, type AlertPriority, type AlertSink } from "./values";

export const falcoNamespace = "falco";
export const sidekickServiceAccount = "falco-falcosidekick";

export interface RuntimeSecurityArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  readonly sinks: readonly AlertSink[];
  readonly minimumPriority: AlertPriority;
}

export class RuntimeSecurity extends pulumi.ComponentResource {
  constructor(name: string, args: RuntimeSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:runtime:RuntimeSecurity", name, {}, opts);
    if (args.sinks.length === 0) throw new Error("runtime security needs at least one alert sink");
    const child = { parent: this, provider: args.cluster.provider };
    const namespace = addonNamespace(
      name,
      {
        namespace: falcoNamespace,
        control: "C-RT-1",
        privilegedReason: "Falco's eBPF probe needs host access",
      },
      child,
    );

    const permissions: WorkloadPermission[] = args.sinks.flatMap((sink): WorkloadPermission[] =>
      sink.type === "cloudwatch-logs"
        ? [{ capability: "logs.write", resources: [`${sink.logGroupArn}:*`] }]
        : sink.type === "azure-event-hub"
          ? [{ capability: "events.send", resources: [sink.eventHubId] }]
          : [],
    );
    const binding =
      permissions.length > 0
        ? args.cluster.identity.bindWorkloadIdentity(
            { namespace: falcoNamespace, serviceAccount: sidekickServiceAccount, permissions },
            { parent: this },
          )
        : undefined;
    const sidekickIdentity = binding
      ? pulumi
          .output(binding.serviceAccountAnnotations)
          .apply((a) => a["eks.amazonaws.com/role-arn"] ?? a["azure.workload.identity/client-id"] ?? "")
      : undefined;

    const fromMonitoring = namespaceNamed(["monitoring"]);
    const policies: Record<string, k8s.types.input.networking.v1.NetworkPolicySpec> = {
      "default-deny": denyAll,
      // Falco posts events to falcosidekick inside the namespace; Prometheus scrapes both.
      "allow-falco-to-sidekick": {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "falcosidekick" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "falco" } } }, fromMonitoring],
            ports: tcpPorts(2801),
          },
        ],
      },
      "allow-metrics": {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "falco" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [fromMonitoring], ports: tcpPorts(8765) }],
      },
      // DNS, the API server (Kubernetes metadata) and HTTPS sinks.
      "allow-egress": {
        podSelector: allPods,
        policyTypes: ["Egress"],
        egress: [dnsEgress, apiServerAndHttpsEgress(2801)],
      },
    };
    namespacePolicies(name, namespace.metadata.name, "C-RT-1", policies, child);

    pinnedRelease(
      `${name}-falco`,
      {
        releaseName: "falco",
        upstream: upstream.falco,
        repo: chartRepositories.falco,
        charts: args.charts,
        namespace: namespace.metadata.name,
        values: falcoValues({
          sinks: args.sinks,
          minimumPriority: args.minimumPriority,
          ...(sidekickIdentity ? { sidekickIdentity } : {}),
        }),
      },
      child,
    );
    this.registerOutputs({ namespace: namespace.metadata.name });
  }
}
