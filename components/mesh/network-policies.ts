/**
 * NetworkPolicies for the gateway namespaces (C-MESH-2, C-MESH-3, C-MESH-6): default deny, then
 * only the traffic each gateway exists for. The ingress gateway takes public HTTPS and load
 * balancer health checks and calls into mesh namespaces; the egress gateway takes calls from mesh
 * namespaces and leaves on HTTPS. Both reach istiod (xDS, certificates) and DNS, and are scraped
 * from the monitoring namespace. Ports are the gateways' targetPorts (gateway-services.ts): a
 * NetworkPolicy sees the pod port after the Service's DNAT, whether the traffic came in through a
 * load balancer, a nodePort or the ClusterIP. (The gateway chart's own NetworkPolicy stays off; see
 * verify/skips.yaml.)
 */
import type * as k8s from "@pulumi/kubernetes";
import { allPods, denyAll, dnsEgress, namespaceNamed, tcpPorts } from "../shared/network-fragments";
import { egressListenerPorts, ingressListenerPorts } from "./gateway-services";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Namespaces whose pods run a sidecar: tenants, Keycloak. */
const meshNamespaces = { namespaceSelector: { matchLabels: { "istio-injection": "enabled" } } };
const istiod = { to: [namespaceNamed(["istio-system"])], ports: tcpPorts(15012) };
const metrics = { from: [namespaceNamed(["monitoring"])], ports: tcpPorts(15090) };

export function ingressGatewayPolicies(): Record<string, PolicySpec> {
  return {
    "default-deny": denyAll,
    // Public traffic on the ports the proxy listens on, and the load balancer's health checks.
    "allow-public-and-health": {
      podSelector: allPods,
      policyTypes: ["Ingress"],
      ingress: [{ ports: tcpPorts(...ingressListenerPorts()) }, metrics],
    },
    "allow-to-mesh-and-control-plane": {
      podSelector: allPods,
      policyTypes: ["Egress"],
      egress: [dnsEgress, istiod, { to: [meshNamespaces] }],
    },
  };
}

export function egressGatewayPolicies(): Record<string, PolicySpec> {
  return {
    "default-deny": denyAll,
    "allow-from-mesh": {
      podSelector: allPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [meshNamespaces], ports: tcpPorts(...egressListenerPorts()) }, metrics],
    },
    // External hosts are reached on HTTPS only; which hosts is decided by the ServiceEntries.
    "allow-https-out-and-control-plane": {
      podSelector: allPods,
      policyTypes: ["Egress"],
      egress: [dnsEgress, istiod, { ports: tcpPorts(443) }],
    },
  };
}
