/**
 * Keycloak's cluster traffic (C-ID-1, C-MESH-3): replicas find each other through the database
 * (the jdbc-ping stack: each writes its address into a table), then talk JGroups over TCP directly
 * pod to pod. Ports, per Keycloak's caching guide (server_configuration_guide "Network ports" for
 * the jdbc-ping stack, 26.x): 7800 `jgroups.bind.port`, unicast data; 57800 FD_SOCK2 failure
 * detection, `jgroups.bind.port` + `jgroups.fd.port-offset` (50000).
 *
 * Under REGISTRY_ONLY a sidecar sends traffic to an address no Service or ServiceEntry names to
 * its BlackHole cluster, so a headless Service names the pods on those ports (headless: one
 * endpoint per pod, no virtual IP), including pods not ready yet, since a starting replica must
 * join the cluster before it reports ready. A NetworkPolicy and an AuthorizationPolicy declare the
 * flow between Keycloak pods only, on those ports only, from Keycloak's own mTLS identity.
 */
import { spiffePrincipal } from "../mesh/policies";

export const jgroupsPorts = [
  { name: "tcp-jgroups", port: 7800 },
  { name: "tcp-jgroups-fd", port: 57800 },
] as const;

export const clusterServiceName = "keycloak-cluster";

export function clusterServiceSpec(podLabels: Record<string, string>) {
  return {
    clusterIP: "None",
    publishNotReadyAddresses: true,
    selector: podLabels,
    ports: jgroupsPorts.map(({ name, port }) => ({ name, port, targetPort: port, protocol: "TCP" })),
  };
}

/** Keycloak pods to Keycloak pods, both directions, on the JGroups ports only. */
export function clusterNetworkPolicySpec(podLabels: Record<string, string>) {
  const peers = [{ podSelector: { matchLabels: podLabels } }];
  const ports = jgroupsPorts.map(({ port }) => ({ protocol: "TCP", port }));
  return {
    podSelector: { matchLabels: podLabels },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: peers, ports }],
    egress: [{ to: peers, ports }],
  };
}

export function clusterAuthorizationPolicy(
  namespace: string,
  serviceAccount: string,
  podLabels: Record<string, string>,
) {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name: "allow-keycloak-cluster", namespace },
    spec: {
      action: "ALLOW",
      selector: { matchLabels: podLabels },
      rules: [
        {
          from: [{ source: { principals: [spiffePrincipal(namespace, serviceAccount)] } }],
          to: [{ operation: { ports: jgroupsPorts.map(({ port }) => String(port)) } }],
        },
      ],
    },
  };
}
