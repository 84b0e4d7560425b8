/**
 * Gateway objects: the public ingress gateway serves HTTPS only, TLS 1.2 at least, with its
 * certificate from a Secret (C-MESH-6); every external host is reached through the egress gateway
 * (C-MESH-3), so one place sees, authorizes (gateway-authorization.ts) and can restrict all traffic
 * leaving the mesh. Port numbers come from gateway-services.ts.
 */
import { createHash } from "node:crypto";
import { egressGatewayPorts, ingressGatewayPorts } from "./gateway-services";

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: unknown;
};

export const ingressGatewayLabels = { istio: "ingressgateway" } as const;
export const egressGatewayLabels = { istio: "egressgateway" } as const;
export const egressGatewayService = "istio-egressgateway.istio-egress.svc.cluster.local";

export function publicGateway(hosts: readonly string[], tlsSecret: string): Manifest {
  const https = ingressGatewayPorts.https;
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: "public-gateway", namespace: "istio-ingress" },
    spec: {
      selector: ingressGatewayLabels,
      // HTTPS only: there is no plaintext server to redirect from.
      servers: [
        {
          // The Service port: istiod binds the listener on its targetPort (gateway-services.ts).
          port: { number: https.port, name: https.name, protocol: "HTTPS" },
          hosts: [...hosts].sort(),
          tls: { mode: "SIMPLE", credentialName: tlsSecret, minProtocolVersion: "TLSV1_2" },
        },
      ],
    },
  };
}

export const egressGatewayName = "egress";

/**
 * A DNS-1123 label naming one external host in subset, server and object names (a DestinationRule
 * subset name must be one). Long hosts keep a readable prefix and a hash, so names stay unique.
 */
export function hostLabel(host: string): string {
  const label = host.replace(/^\*\./, "wildcard.").replaceAll(".", "-");
  if (label.length <= 63) return label;
  const hash = createHash("sha256").update(host).digest("hex").slice(0, 8);
  return `${label.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/**
 * The egress Gateway terminates Istio mTLS from the sidecars (ISTIO_MUTUAL), so it knows each
 * caller's identity and its AuthorizationPolicy can admit only the namespaces that declared the
 * host. Under TLS PASSTHROUGH it would not: a passthrough server never terminates TLS, and the
 * sidecars send the app's own TLS unwrapped, since automatic mTLS applies only to endpoints labelled
 * security.istio.io/tlsMode=istio, which the gateway injection template does not set
 * (istio/istio@release-1.31 manifests/charts/istio-control/istio-discovery/files/
 * gateway-injection-template.yaml). The app's TLS to the host travels inside the mTLS tunnel, end to
 * end. One server per host: after terminating TLS, a gateway forwards a server's connections by the
 * first matching VirtualService tcp route, and only VirtualServices for the server's hosts are
 * considered (istio/istio@release-1.31 pilot/pkg/networking/core/gateway.go,
 * buildGatewayNetworkFiltersFromTCPRoutes); the filter chain of each server is chosen by the SNI
 * that the sidecar sets to the host (egressGatewayMtls).
 */
export function egressGateway(hosts: readonly string[]): Manifest {
  const tls = egressGatewayPorts.tls;
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: egressGatewayName, namespace: "istio-egress" },
    spec: {
      selector: egressGatewayLabels,
      servers: [...hosts].sort().map((host) => ({
        port: { number: tls.port, name: `${tls.name}-${hostLabel(host)}`, protocol: "TLS" },
        hosts: [host],
        tls: { mode: "ISTIO_MUTUAL" },
      })),
    },
  };
}

/**
 * Sidecars wrap each host's traffic to the egress gateway in Istio mTLS, with the host as SNI:
 * the pattern of Istio's egress-gateway TLS origination task
 * (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/:
 * DestinationRule for the gateway with ISTIO_MUTUAL and sni, Gateway server with ISTIO_MUTUAL),
 * here carrying the app's TLS rather than plain HTTP. One subset per host, since the SNI differs.
 */
export function egressGatewayMtls(hosts: readonly string[]): Manifest {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: { name: "egress-gateway-mtls", namespace: "istio-egress" },
    spec: {
      host: egressGatewayService,
      exportTo: ["*"],
      subsets: [...hosts].sort().map((host) => ({
        name: hostLabel(host),
        trafficPolicy: {
          portLevelSettings: [
            { port: { number: egressGatewayPorts.tls.port }, tls: { mode: "ISTIO_MUTUAL", sni: host } },
          ],
        },
      })),
    },
  };
}

/**
 * Per host: sidecars send it (matched by SNI) to the egress gateway's subset for the host; the
 * gateway, having terminated the mTLS, forwards the connection to the host. One VirtualService per
 * host, because the gateway's tcp routing picks a route by port, not by SNI (egressGateway).
 */
export function egressRoutes(hosts: readonly string[]): Manifest[] {
  const gateway = `istio-egress/${egressGatewayName}`;
  const port = egressGatewayPorts.tls.port;
  return [...hosts].sort().map((host) => ({
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name: `egress-${hostLabel(host)}`, namespace: "istio-egress" },
    spec: {
      hosts: [host],
      gateways: ["mesh", gateway],
      exportTo: ["*"],
      tls: [
        {
          match: [{ gateways: ["mesh"], port: 443, sniHosts: [host] }],
          route: [
            { destination: { host: egressGatewayService, subset: hostLabel(host), port: { number: port } } },
          ],
        },
      ],
      tcp: [
        {
          match: [{ gateways: [gateway], port }],
          route: [{ destination: { host, port: { number: 443 } } }],
        },
      ],
    },
  }));
}
