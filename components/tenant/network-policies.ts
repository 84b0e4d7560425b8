/**
 * NetworkPolicy specs for a tenant namespace (C-TEN-2): deny everything in both directions,
 * then allow only DNS, traffic inside the namespace, and the peers the tenant declared.
 * Policies are additive in Kubernetes, so each allowance is its own small, named object.
 */
import type * as k8s from "@pulumi/kubernetes";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

import {
  allPods,
  denyAll,
  dnsEgress,
  namespaceNamed,
  sameNamespace,
  sidecarScrapes,
  tcpPorts,
} from "../shared/network-fragments";
import { egressListenerPorts } from "../mesh/gateway-services";

export interface TenantNetworkFlows {
  /** Namespaces allowed to open connections into the tenant. */
  readonly inboundPeers: readonly string[];
  /** Namespaces the tenant may open connections to (they declared the tenant as a peer). */
  readonly outboundPeers: readonly string[];
  /** In the mesh: sidecars reach istiod (xDS, certificates) and the egress gateway. */
  readonly mesh?: boolean;
  /** The tenant declared an ingress route: the ingress gateway may call in. */
  readonly ingress?: boolean;
  /** Prometheus's namespace, when monitoring is on: it scrapes the sidecars (mesh only). */
  readonly scrapedBy?: string;
}

export function tenantNetworkPolicies(flows: TenantNetworkFlows): Record<string, PolicySpec> {
  const policies: Record<string, PolicySpec> = {
    "default-deny": denyAll,
    // Outside the mesh only DNS; in the mesh DNS, istiod and the egress gateway (one object: every
    // tenant has them, and at 1,000 tenants each object costs render time).
    ...(flows.mesh
      ? {
          "allow-dns-and-mesh": {
            podSelector: allPods,
            policyTypes: ["Egress"],
            egress: [
              dnsEgress,
              { to: [namespaceNamed(["istio-system"])], ports: tcpPorts(15012) },
              // The egress gateway's pod port (after the Service's DNAT), from its one port declaration.
              { to: [namespaceNamed(["istio-egress"])], ports: tcpPorts(...egressListenerPorts()) },
            ],
          },
        }
      : { "allow-dns": { podSelector: allPods, policyTypes: ["Egress"], egress: [dnsEgress] } }),
    "allow-same-namespace": sameNamespace,
  };
  if (flows.inboundPeers.length > 0) {
    policies["allow-from-peers"] = {
      podSelector: allPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [namespaceNamed(flows.inboundPeers)] }],
    };
  }
  if (flows.outboundPeers.length > 0) {
    policies["allow-to-peers"] = {
      podSelector: allPods,
      policyTypes: ["Egress"],
      egress: [{ to: [namespaceNamed(flows.outboundPeers)] }],
    };
  }
  if (flows.mesh && flows.scrapedBy) policies["allow-metrics-scrapes"] = sidecarScrapes(flows.scrapedBy);
  if (flows.ingress) {
    policies["allow-from-ingress-gateway"] = {
      podSelector: allPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [namespaceNamed(["istio-ingress"])] }],
    };
  }
  return policies;
}
