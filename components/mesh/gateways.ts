/**
 * Gateway objects: the public ingress gateway serves HTTPS only, TLS 1.2 at least, with its
 * certificate from a Secret (C-MESH-6); in prod every external host is reached through the egress
 * gateway (C-MESH-3), so one place sees and can restrict all traffic leaving the mesh.
 */
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: unknown;
};

export const ingressGatewayLabels = { istio: "ingressgateway" } as const;
export const egressGatewayLabels = { istio: "egressgateway" } as const;

export function publicGateway(hosts: readonly string[], tlsSecret: string): Manifest {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: "public-gateway", namespace: "istio-ingress" },
    spec: {
      selector: ingressGatewayLabels,
      // HTTPS only: there is no plaintext server to redirect from.
      servers: [
        {
          port: { number: 443, name: "https", protocol: "HTTPS" },
          hosts: [...hosts].sort(),
          tls: { mode: "SIMPLE", credentialName: tlsSecret, minProtocolVersion: "TLSV1_2" },
        },
      ],
    },
  };
}

export const egressGatewayName = "egress";

/**
 * One egress Gateway for every external host (TLS passthrough on 443): a Gateway per host would
 * add nothing but objects, since each host's VirtualService decides where its traffic goes.
 */
export function egressGateway(hosts: readonly string[]): Manifest {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: egressGatewayName, namespace: "istio-egress" },
    spec: {
      selector: egressGatewayLabels,
      servers: [
        {
          port: { number: 443, name: "tls", protocol: "TLS" },
          hosts: [...hosts].sort(),
          tls: { mode: "PASSTHROUGH" },
        },
      ],
    },
  };
}

/**
 * TLS passthrough via the egress gateway: sidecars → egress gateway → each external host. One
 * VirtualService carries every host (two TLS routes per host, matched by SNI), rather than one
 * object per host.
 */
export function egressRoutes(hosts: readonly string[]): Manifest {
  const gateway = `istio-egress/${egressGatewayName}`;
  const sorted = [...hosts].sort();
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name: "egress", namespace: "istio-egress" },
    spec: {
      hosts: sorted,
      gateways: ["mesh", gateway],
      exportTo: ["*"],
      tls: sorted.flatMap((host) => [
        {
          match: [{ gateways: ["mesh"], port: 443, sniHosts: [host] }],
          route: [
            {
              destination: {
                host: "istio-egressgateway.istio-egress.svc.cluster.local",
                port: { number: 443 },
              },
            },
          ],
        },
        {
          match: [{ gateways: [gateway], port: 443, sniHosts: [host] }],
          route: [{ destination: { host, port: { number: 443 } } }],
        },
      ]),
    },
  };
}
