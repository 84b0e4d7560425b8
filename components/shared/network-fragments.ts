/** Pieces of NetworkPolicy specs the platform's namespaces share. */
import type * as k8s from "@pulumi/kubernetes";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Rule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;

/** Selects every pod of the namespace. */
export const allPods = {};

/** Deny all ingress and egress; every allowance is a further, named policy. */
export const denyAll: PolicySpec = { podSelector: allPods, policyTypes: ["Ingress", "Egress"] };

/** Traffic between the namespace's own pods, both ways. */
export const sameNamespace: PolicySpec = {
  podSelector: allPods,
  policyTypes: ["Ingress", "Egress"],
  ingress: [{ from: [{ podSelector: allPods }] }],
  egress: [{ to: [{ podSelector: allPods }] }],
};

/** Namespaces by their immutable name label. */
export function namespaceNamed(names: readonly string[]) {
  return {
    namespaceSelector: {
      matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names].sort() }],
    },
  };
}

export const kubeDns = {
  ...namespaceNamed(["kube-system"]),
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

export const dnsPorts: Port[] = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

export function tcpPorts(...ports: number[]): Port[] {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

/** DNS to the cluster's resolver only. */
export const dnsEgress: Rule = { to: [kubeDns], ports: dnsPorts };

/**
 * The API server's address differs per cloud and sits outside the pod network, so only its ports
 * (and HTTPS, plus any extra ports) can be allowed.
 */
export function apiServerAndHttpsEgress(...extraPorts: number[]): Rule {
  return { ports: tcpPorts(443, 6443, ...extraPorts) };
}

/** The sidecar's Envoy metrics port, scraped by the PodMonitor `istio-proxies` (port http-envoy-prom). */
export const envoyMetricsPort = 15090;

/**
 * Prometheus in `monitoringNamespace` scrapes the sidecars' Envoy metrics. Only the port, only from
 * Prometheus's pods in that namespace. The sidecar does not capture inbound 15090 (istio-iptables excludes 15090, 15021
 * and 15020 from inbound redirection), so no AuthorizationPolicy is involved: NetworkPolicy is the
 * one enforcement point for this flow.
 */
export const prometheusPodLabels = { "app.kubernetes.io/name": "prometheus" } as const;

export function sidecarScrapes(monitoringNamespace: string): PolicySpec {
  return {
    podSelector: allPods,
    policyTypes: ["Ingress"],
    ingress: [
      {
        // The Prometheus operator labels every Prometheus pod it runs app.kubernetes.io/name=prometheus.
        from: [
          { ...namespaceNamed([monitoringNamespace]), podSelector: { matchLabels: prometheusPodLabels } },
        ],
        ports: tcpPorts(envoyMetricsPort),
      },
    ],
  };
}
