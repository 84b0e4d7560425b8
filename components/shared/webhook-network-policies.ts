/**
 * NetworkPolicies for an admission controller's namespace (Gatekeeper, the signature verifier):
 * nothing in or out except the webhook port (from the API server, whose source address the
 * cluster does not fix), metrics scrapes from the monitoring namespace, DNS, and the controller's
 * own calls to the API server.
 */
import type * as k8s from "@pulumi/kubernetes";
import {
  allPods,
  apiServerAndHttpsEgress,
  denyAll,
  dnsEgress,
  namespaceNamed,
  tcpPorts,
} from "./network-fragments";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export interface WebhookPolicyArgs {
  readonly webhookPort: number;
  readonly metricsPort: number;
  /** Labels of the webhook pods. */
  readonly webhookPods: Record<string, string>;
  readonly monitoringNamespace: string;
}

export function webhookNetworkPolicies(args: WebhookPolicyArgs): Record<string, PolicySpec> {
  return {
    "default-deny": denyAll,
    "allow-webhook": {
      podSelector: { matchLabels: args.webhookPods },
      policyTypes: ["Ingress"],
      ingress: [{ ports: tcpPorts(args.webhookPort) }],
    },
    "allow-metrics": {
      podSelector: allPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [namespaceNamed([args.monitoringNamespace])], ports: tcpPorts(args.metricsPort) }],
    },
    "allow-dns-and-api-server": {
      podSelector: allPods,
      policyTypes: ["Egress"],
      egress: [dnsEgress, apiServerAndHttpsEgress()],
    },
  };
}
