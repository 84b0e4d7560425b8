/**
 * Keycloak's place in the mesh (C-ID-1, C-MESH-2): the public ingress gateway may reach only the
 * login and token endpoints (`/realms/`, `/resources/`); the admin console and admin API are
 * neither routed nor authorized from it. Inside the namespace, Keycloak replicas, the realm job
 * and the dev database talk to each other over mTLS.
 */
import { allowSameNamespace } from "../mesh/policies";
import { ingressGatewayPrincipal, publicGateway } from "../tenant/mesh";

export const publicPathPrefixes = ["/realms/", "/resources/"] as const;

export function keycloakMeshObjects(namespace: string, hostname: string, service: string) {
  return [
    {
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name: "keycloak-public", namespace },
      spec: {
        hosts: [hostname],
        gateways: [publicGateway],
        http: [
          {
            match: publicPathPrefixes.map((prefix) => ({ uri: { prefix } })),
            route: [
              { destination: { host: `${service}.${namespace}.svc.cluster.local`, port: { number: 8080 } } },
            ],
          },
        ],
      },
    },
    {
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name: "allow-ingress-gateway-login", namespace },
      spec: {
        action: "ALLOW",
        selector: { matchLabels: { "app.kubernetes.io/name": "keycloak" } },
        rules: [
          {
            from: [{ source: { principals: [ingressGatewayPrincipal] } }],
            to: [{ operation: { ports: ["8080"], paths: publicPathPrefixes.map((prefix) => `${prefix}*`) } }],
          },
        ],
      },
    },
    allowSameNamespace(namespace),
  ];
}
