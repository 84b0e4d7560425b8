/**
 * A tenant's mesh membership (C-MESH-4, C-TEN-3, C-MESH-3): injection label, authorization that
 * admits only the tenant itself and its declared peers, a Sidecar that scopes egress to its own
 * namespace, the control plane, the egress gateway, its peers and its declared external hosts, and
 * a ServiceEntry per declared host. One declaration (allowedPeers, egressHosts) drives these and
 * the NetworkPolicies.
 */
import { allowSameNamespace } from "../mesh/policies";

export const meshNamespaces = { control: "istio-system", egress: "istio-egress" } as const;

export const ingressGatewayPrincipal = "cluster.local/ns/istio-ingress/sa/istio-ingressgateway";
export const publicGateway = "istio-ingress/public-gateway";

export interface TenantIngress {
  readonly host: string;
  readonly service: string;
  readonly port: number;
  /** Require an end-user JWT from this issuer (C-MESH-6). */
  readonly jwt?: { readonly issuer: string; readonly jwksUri: string };
}

export interface TenantMeshFlows {
  readonly ingress?: TenantIngress;
  readonly namespace: string;
  /** Namespaces allowed to call into the tenant. */
  readonly inboundPeers: readonly string[];
  /** Namespaces the tenant calls. */
  readonly outboundPeers: readonly string[];
  readonly egressHosts: readonly string[];
}

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: unknown;
};

export function tenantMeshObjects(flows: TenantMeshFlows): Manifest[] {
  const { namespace } = flows;
  const objects: Manifest[] = [
    allowSameNamespace(namespace),
    {
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: { name: "default", namespace },
      spec: {
        egress: [
          {
            hosts: [
              "./*",
              `${meshNamespaces.control}/*`,
              `${meshNamespaces.egress}/*`,
              ...[...flows.outboundPeers].sort().map((peer) => `${peer}/*`),
            ],
          },
        ],
        outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
      },
    },
  ];
  if (flows.inboundPeers.length > 0) {
    objects.push({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "allow-declared-peers", namespace },
      spec: {
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: [...flows.inboundPeers].sort() } }] }],
      },
    });
  }
  if (flows.ingress) objects.push(...ingressObjects(namespace, flows.ingress));
  flows.egressHosts.forEach((host, i) =>
    objects.push({
      apiVersion: "networking.istio.io/v1",
      kind: "ServiceEntry",
      metadata: { name: `egress-${i}`, namespace },
      spec: {
        hosts: [host],
        location: "MESH_EXTERNAL",
        resolution: "DNS",
        ports: [{ number: 443, name: "tls", protocol: "TLS" }],
        // Visible to this tenant, and to the egress gateway that carries it in prod.
        exportTo: [".", meshNamespaces.egress],
      },
    }),
  );
  return objects;
}

/** The route from the ingress gateway, admitted only from the gateway's identity (and a valid JWT). */
function ingressObjects(namespace: string, ingress: TenantIngress): Manifest[] {
  const source: Record<string, string[]> = { principals: [ingressGatewayPrincipal] };
  if (ingress.jwt) source["requestPrincipals"] = [`${ingress.jwt.issuer}/*`];
  const objects: Manifest[] = [
    {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "ingress", namespace },
      spec: {
        hosts: [ingress.host],
        gateways: [publicGateway],
        http: [
          {
            route: [
              {
                destination: {
                  host: `${ingress.service}.${namespace}.svc.cluster.local`,
                  port: { number: ingress.port },
                },
              },
            ],
          },
        ],
      },
    },
    {
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "allow-ingress-gateway", namespace },
      spec: {
        action: "ALLOW",
        rules: [{ from: [{ source }], to: [{ operation: { hosts: [ingress.host] } }] }],
      },
    },
  ];
  if (ingress.jwt) {
    objects.push({
      apiVersion: "security.istio.io/v1",
      kind: "RequestAuthentication",
      metadata: { name: "end-user-jwt", namespace },
      spec: {
        jwtRules: [{ issuer: ingress.jwt.issuer, jwksUri: ingress.jwt.jwksUri, forwardOriginalToken: true }],
      },
    });
  }
  return objects;
}
