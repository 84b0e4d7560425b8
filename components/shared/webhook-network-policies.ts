/**
 * NetworkPolicies for an admission controller's namespace (Gatekeeper, the signature verifier):
 * nothing in or out except the webhook port (from the API server, whose source address the
 * cluster does not fix), metrics scrapes from the monitoring namespace, DNS, and the controller's
 * own calls to the API server.
 */
import type * as k8s from "@pulumi/kubernetes";

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
    "default-deny": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    "allow-webhook": {
      podSelector: { matchLabels: args.webhookPods },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: args.webhookPort }] }],
    },
    "allow-metrics": {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchExpressions: [
                  { key: "kubernetes.io/metadata.name", operator: "In", values: [args.monitoringNamespace] },
                ],
              },
            },
          ],
          ports: [{ protocol: "TCP", port: args.metricsPort }],
        },
      ],
    },
    "allow-dns-and-api-server": {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: {
                matchExpressions: [
                  { key: "kubernetes.io/metadata.name", operator: "In", values: ["kube-system"] },
                ],
              },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        // The API server's address differs per cloud (and is outside the pod network): allow its ports only.
        {
          ports: [
            { protocol: "TCP", port: 443 },
            { protocol: "TCP", port: 6443 },
          ],
        },
      ],
    },
  };
}
