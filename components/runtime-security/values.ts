/**
 * Falco chart values (C-RT-1): the modern eBPF driver with least privilege (no kernel module, no
 * privileged container), JSON output to falcosidekick, the platform rules beside the defaults,
 * metrics on, and falcosidekick sending to the configured sinks with workload identity.
 */
import * as pulumi from "@pulumi/pulumi";
import { falcoRules } from "./rules";

export type AlertPriority = "critical" | "error" | "warning" | "notice";

export type AlertSink =
  | { readonly type: "webhook"; readonly url: string }
  | { readonly type: "cloudwatch-logs"; readonly logGroupArn: string; readonly region: string }
  | { readonly type: "azure-event-hub"; readonly eventHubId: string };

export interface FalcoValuesArgs {
  readonly sinks: readonly AlertSink[];
  readonly minimumPriority: AlertPriority;
  /** The sidekick's cloud identity: the IRSA role ARN or the Azure client ID, when a cloud sink is used. */
  readonly sidekickIdentity?: pulumi.Input<string>;
}

/** /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.EventHub/namespaces/<ns>/eventhubs/<name> */
export function parseEventHubId(
  id: string,
): { subscription: string; group: string; namespace: string; name: string } | undefined {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.EventHub\/namespaces\/([^/]+)\/eventhubs\/([^/]+)$/i.exec(
      id,
    );
  return m
    ? { subscription: m[1] as string, group: m[2] as string, namespace: m[3] as string, name: m[4] as string }
    : undefined;
}

function sidekickConfig(args: FalcoValuesArgs): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const sink of args.sinks) {
    if (sink.type === "webhook") {
      config["webhook"] = { address: sink.url, minimumpriority: args.minimumPriority, checkcert: true };
    } else if (sink.type === "cloudwatch-logs") {
      config["aws"] = {
        useirsa: true,
        rolearn: args.sidekickIdentity ?? "",
        region: sink.region,
        cloudwatchlogs: {
          loggroup: sink.logGroupArn.split(":log-group:")[1] ?? "",
          minimumpriority: args.minimumPriority,
        },
      };
    } else {
      const hub = parseEventHubId(sink.eventHubId);
      config["azure"] = {
        subscriptionID: hub?.subscription ?? "",
        resourceGroupName: hub?.group ?? "",
        workloadIdentityClientID: args.sidekickIdentity ?? "",
        eventHub: {
          namespace: hub?.namespace ?? "",
          name: hub?.name ?? "",
          minimumpriority: args.minimumPriority,
        },
      };
    }
  }
  return config;
}

export function falcoValues(args: FalcoValuesArgs): Record<string, unknown> {
  return {
    driver: { enabled: true, kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } },
    image: { pullPolicy: "Always" },
    falco: { json_output: true, priority: "notice" },
    customRules: { "zt-platform.yaml": falcoRules() },
    metrics: { enabled: true },
    resources: {
      requests: { cpu: "100m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    },
    falcosidekick: {
      enabled: true,
      replicaCount: 2,
      webui: { enabled: false },
      image: { pullPolicy: "Always" },
      podLabels: args.sinks.some((s) => s.type === "azure-event-hub")
        ? { "azure.workload.identity/use": "true" }
        : {},
      podSecurityContext: {
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        fsGroup: 65532,
        seccompProfile: { type: "RuntimeDefault" },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      config: sidekickConfig(args),
    },
  };
}
