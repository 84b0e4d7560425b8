/**
 * Keycloak's place in the mesh (C-ID-1, C-MESH-2): the public ingress gateway may reach only the
 * login and token endpoints (`/realms/`, `/resources/`); the admin console and admin API are
 * neither routed nor authorized from it. Inside the namespace, Keycloak replicas, the realm job
 * and the dev database talk to each other over mTLS. Outbound, a Sidecar scopes the namespace to
 * its own services and the control plane (C-MESH-3), and a managed database is declared as the one
 * external host: under REGISTRY_ONLY nothing else leaves.
 */
import type * as pulumi from "@pulumi/pulumi";
import { allowSameNamespace, istioRootNamespace } from "../mesh/policies";
import { jgroupsPorts } from "./clustering";
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
    // JGroups ports only from Keycloak's own identity (clustering.ts), not from the realm job or Postgres.
    allowSameNamespace(
      namespace,
      jgroupsPorts.map(({ port }) => port),
    ),
    {
      apiVersion: "networking.istio.io/v1",
      kind: "Sidecar",
      metadata: { name: "default", namespace },
      spec: {
        egress: [{ hosts: ["./*", `${istioRootNamespace}/*`] }],
        outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
      },
    },
  ];
}

/**
 * The managed database (RDS endpoint / flexible server FQDN) as a mesh-external TCP service, seen
 * by this namespace only. Postgres negotiates TLS inside its own protocol (sslmode=require), so to
 * the sidecar it is opaque TCP, resolved by DNS to the server's private address.
 */
export function managedDatabaseEntry(namespace: string, host: pulumi.Input<string>, port: number) {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "ServiceEntry",
    metadata: { name: "managed-database", namespace },
    spec: {
      hosts: [host],
      location: "MESH_EXTERNAL",
      resolution: "DNS",
      ports: [{ number: port, name: "tcp-postgres", protocol: "TCP" }],
      exportTo: ["."],
    },
  };
}
