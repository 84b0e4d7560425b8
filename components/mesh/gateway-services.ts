/**
 * The one declaration of each gateway's Service ports. Everything that names a gateway port derives
 * from it: the chart's `service.ports` value (values.ts), the gateway NetworkPolicies
 * (network-policies.ts), the tenants' egress NetworkPolicy to the egress gateway, the Gateway
 * servers and the egress route (gateways.ts), and the gateway AuthorizationPolicies
 * (gateway-authorization.ts).
 *
 * Two port numbers matter, and they are used in different places:
 * - `port` is the Service port. A Gateway server's `port.number` names it: istiod resolves it to the
 *   Service's targetPort and binds the listener there (istio/istio@release-1.31
 *   pilot/pkg/model/gateway.go, resolvePorts). Routes to the gateway Service name it too.
 * - `targetPort` is the port the proxy listens on. NetworkPolicy matches it (the pod port, after
 *   kube-proxy's DNAT), and so does AuthorizationPolicy `to.operation.ports` at a gateway
 *   (https://istio.io/latest/news/security/istio-security-2021-002/: gateway policies name the
 *   container port, not the Service port).
 *
 * targetPort equals port (443, not 8443): the gateway chart sets the pod sysctl
 * net.ipv4.ip_unprivileged_port_start=0 so its non-root proxy binds 80/443, and its default Service
 * maps 80→80 and 443→443 (istio/istio@release-1.31 manifests/charts/gateway/values.yaml and
 * templates/deployment.yaml; values.ts repeats the sysctl because it replaces the pod
 * securityContext).
 */

export type GatewayServiceType = "LoadBalancer" | "NodePort" | "ClusterIP";

export interface GatewayServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: "TCP";
  /** Only on a NodePort Service: fixed, so kind's extraPortMappings can name it (docs/operations.md). */
  readonly nodePort?: number;
}

/**
 * The status port: Envoy's readiness endpoint (/healthz/ready), a static bootstrap listener, so no
 * AuthorizationPolicy applies to it (istio/istio@release-1.31 pkg/bootstrap/testdata/all_golden.json,
 * listener 0.0.0.0_15021). A cloud load balancer's health checks reach it through the Service.
 */
const status = { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP" } as const;

/** The ingress gateway: HTTPS only (there is no plaintext server, so no port 80), and status. */
export const ingressGatewayPorts = {
  https: { name: "https", port: 443, targetPort: 443, protocol: "TCP" },
  status,
} as const satisfies Record<string, GatewayServicePort>;

/** The egress gateway: mTLS from sidecars carrying each tenant's TLS (gateways.ts), and status. */
export const egressGatewayPorts = {
  tls: { name: "tls", port: 443, targetPort: 443, protocol: "TCP" },
  status,
} as const satisfies Record<string, GatewayServicePort>;

/**
 * Fixed nodePorts of a NodePort ingress gateway (the local stack on kind). Both lie in Kubernetes'
 * default NodePort range 30000-32767.
 */
export const ingressNodePorts: Readonly<Record<keyof typeof ingressGatewayPorts, number>> = {
  https: 30443,
  status: 30021,
};

/** The ingress gateway Service's ports for its Service type: fixed nodePorts on NodePort. */
export function ingressServicePorts(serviceType: GatewayServiceType): GatewayServicePort[] {
  return (Object.keys(ingressGatewayPorts) as (keyof typeof ingressGatewayPorts)[]).map((key) => ({
    ...ingressGatewayPorts[key],
    ...(serviceType === "NodePort" ? { nodePort: ingressNodePorts[key] } : {}),
  }));
}

export function egressServicePorts(): GatewayServicePort[] {
  return Object.values(egressGatewayPorts).map((p) => ({ ...p }));
}

/** Ports the proxy listens on for public traffic and health checks (NetworkPolicy, by targetPort). */
export const ingressListenerPorts = (): number[] =>
  Object.values(ingressGatewayPorts).map((p) => p.targetPort);

/**
 * Ports the egress gateway takes mesh traffic on. The status port is left out: the egress gateway
 * is a ClusterIP Service with no load balancer to health-check it, and the kubelet's probes come from
 * the pod's own node, which NetworkPolicy always allows
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
export const egressListenerPorts = (): number[] => [egressGatewayPorts.tls.targetPort];
