/**
 * NetworkPolicies for Gatekeeper's namespace: nothing in or out except the admission webhook
 * (from the API server, whose source address the cluster does not fix), metrics scrapes from the
 * monitoring namespace, DNS, and Gatekeeper's own calls to the API server.
 */
import type * as k8s from "@pulumi/kubernetes";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export const gatekeeperPorts = { webhook: 8443, metrics: 8888, health: 9090 } as const;

export function gatekeeperNetworkPolicies(monitoringNamespace: string): Record<string, PolicySpec> {
  return {
    "default-deny": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    "allow-webhook": {
      podSelector: { matchLabels: { "control-plane": "controller-manager" } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: gatekeeperPorts.webhook }] }],
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
                  { key: "kubernetes.io/metadata.name", operator: "In", values: [monitoringNamespace] },
                ],
              },
            },
          ],
          ports: [{ protocol: "TCP", port: gatekeeperPorts.metrics }],
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
