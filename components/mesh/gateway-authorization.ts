/**
 * ALLOW policies for the two gateways (C-MESH-2, C-MESH-3, C-MESH-6). The root namespace's
 * allow-nothing applies to every workload, the gateways included: a workload that some ALLOW policy
 * applies to admits only what one of them matches, and allow-nothing matches nothing
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/). Without these,
 * every public request and every egress connection would get a 403 (or a reset, for TCP).
 *
 * Ports are the gateway's targetPorts: at a gateway, `to.operation.ports` matches the port the
 * proxy receives on (gateway-services.ts).
 */
import { egressGatewayLabels, ingressGatewayLabels } from "./gateways";
import { egressGatewayPorts, ingressGatewayPorts } from "./gateway-services";

/** Who may send a host's traffic through the egress gateway: the namespaces that declared it. */
export interface EgressDeclaration {
  readonly host: string;
  readonly namespaces: readonly string[];
}

/**
 * The public entry point: every source, on the HTTPS port only. Authentication of end users is the
 * routes' business (each tenant's RequestAuthentication and ALLOW, components/tenant/mesh.ts). The
 * status port needs no rule: it is a static listener that authorization does not see.
 */
export function ingressGatewayAuthorization() {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name: "allow-public-https", namespace: "istio-ingress" },
    spec: {
      selector: { matchLabels: { ...ingressGatewayLabels } },
      action: "ALLOW",
      rules: [{ to: [{ operation: { ports: [String(ingressGatewayPorts.https.targetPort)] } }] }],
    },
  };
}

/**
 * Per external host: only mesh identities of the namespaces that declared it, on the mTLS port,
 * and only for that host. The host is matched as `connection.sni`, the SNI the sidecar sets
 * (gateways.ts, egressGatewayMtls): `to.operation.hosts` is an HTTP attribute, which a TCP
 * connection never matches, while connection.sni holds for TCP too
 * (istio/istio@release-1.31 pilot/pkg/security/authz/model/model.go). `source.namespaces` is taken
 * from the caller's mTLS certificate, which the gateway sees because it terminates the mTLS.
 */
export function egressGatewayAuthorization(declarations: readonly EgressDeclaration[]) {
  const byHost = new Map<string, Set<string>>();
  for (const { host, namespaces } of declarations) {
    const callers = byHost.get(host) ?? new Set<string>();
    for (const namespace of namespaces) callers.add(namespace);
    byHost.set(host, callers);
  }
  const port = String(egressGatewayPorts.tls.targetPort);
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name: "allow-declared-egress", namespace: "istio-egress" },
    spec: {
      selector: { matchLabels: { ...egressGatewayLabels } },
      action: "ALLOW",
      rules: [...byHost.entries()]
        .filter(([, callers]) => callers.size > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([host, callers]) => ({
          from: [{ source: { namespaces: [...callers].sort() } }],
          to: [{ operation: { ports: [port] } }],
          when: [{ key: "connection.sni", values: [host] }],
        })),
    },
  };
}
