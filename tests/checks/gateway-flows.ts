/**
 * C-MESH-2 / C-MESH-3 / C-MESH-6: follows one connection through every object that decides it, as
 * the cluster would, and names the first one that stops it.
 *
 * Public ingress: client → Service port (load balancer or nodePort) → targetPort (kube-proxy DNAT)
 * → a proxy listener there (istiod binds a Gateway server's Service port on its targetPort,
 * istio/istio@release-1.31 pilot/pkg/model/gateway.go resolvePorts; a non-root proxy binds a port
 * below 1024 only with net.ipv4.ip_unprivileged_port_start lowered) → the gateway's ingress
 * NetworkPolicies (by pod port) → its AuthorizationPolicies (root allow-nothing and the gateway's
 * ALLOW, by the port the proxy received on).
 *
 * Egress: the caller's sidecar (a ServiceEntry for the host, a mesh route by SNI to the egress
 * gateway, the DestinationRule saying whether it wraps the connection in Istio mTLS) → the caller's
 * egress NetworkPolicies → the gateway Service → the gateway's ingress NetworkPolicies → the
 * Gateway server for the SNI (ISTIO_MUTUAL terminates and so learns the caller's identity;
 * PASSTHROUGH never does) → the gateway's AuthorizationPolicies → the gateway's route to the host
 * → the gateway's egress NetworkPolicies.
 */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";
import {
  authorizationDecides,
  networkPolicyAllows,
  selects,
  type Labels,
  type MeshRequest,
  type NetworkPeer,
  type PodEnd,
} from "./policy-semantics";

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
}

/** A gateway as the cluster would run it: its Service and its pods. */
export interface GatewayView {
  readonly serviceName: string;
  readonly serviceType: string;
  readonly ports: readonly ServicePort[];
  readonly pod: PodEnd;
  /** The pod's net.ipv4.ip_unprivileged_port_start (1024, Linux's default, when not set). */
  readonly unprivilegedPortStart: number;
  /** Where the view was read from: the chart's rendered objects, or the values passed to it. */
  readonly readFrom: string;
}

export type FlowResult =
  | { readonly reached: true; readonly trace: readonly string[] }
  | {
      readonly reached: false;
      readonly blockedAt: string;
      readonly reason: string;
      readonly status?: 403;
      readonly trace: readonly string[];
    };

const types = {
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  gateway: "kubernetes:networking.istio.io/v1:Gateway",
  virtualService: "kubernetes:networking.istio.io/v1:VirtualService",
  destinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
  serviceEntry: "kubernetes:networking.istio.io/v1:ServiceEntry",
  namespace: "kubernetes:core/v1:Namespace",
};
const rootNamespace = "istio-system";
const internetClient = "203.0.113.10";
const externalHost = "198.51.100.7";

/** A blocked flow, written the way a test failure should read. */
export function describeFlow(result: FlowResult): string {
  if (result.reached) return `reached (${result.trace.join(" → ")})`;
  return `${result.status ? `${result.status} ` : ""}blocked at ${result.blockedAt}: ${result.reason}`;
}

class Flow {
  readonly trace: string[] = [];
  pass(step: string): void {
    this.trace.push(step);
  }
  block(blockedAt: string, reason: string, status?: 403): FlowResult {
    return { reached: false, blockedAt, reason, ...(status ? { status } : {}), trace: this.trace };
  }
  done(): FlowResult {
    return { reached: true, trace: this.trace };
  }
}

type AuthorizationArgs = Parameters<typeof authorizationDecides>;

/** The gateway's AuthorizationPolicies on a request: records the pass, or returns the block. */
function gatewayAuthorization(
  flow: Flow,
  graph: ResourceGraph,
  pod: AuthorizationArgs[1],
  request: AuthorizationArgs[3],
): FlowResult | undefined {
  const authz = authorizationDecides(graph.ofType(types.authorizationPolicy), pod, rootNamespace, request);
  if (!authz.allowed) return flow.block("AuthorizationPolicy", authz.reason, authz.status);
  flow.pass(`AuthorizationPolicy ${authz.by}`);
  return undefined;
}

/** Namespace labels as the API server keeps them: ours plus kubernetes.io/metadata.name. */
function namespaceLabels(graph: ResourceGraph, name: string): Labels {
  const ns = graph.ofType(types.namespace).find((n) => at(n.inputs, "metadata.name") === name);
  return { ...((at(ns?.inputs, "metadata.labels") ?? {}) as Labels), "kubernetes.io/metadata.name": name };
}

const hostMatches = (pattern: string, host: string) =>
  pattern === host || pattern === "*" || (pattern.startsWith("*.") && host.endsWith(pattern.slice(1)));
const serverHost = (entry: string) => entry.split("/").pop() ?? entry;

type Server = { port: { number: number; protocol: string }; hosts: string[]; tls?: { mode?: string } };

/** The Gateway servers bound to a port of the pod: istiod's resolvePorts, Service port → targetPort. */
function serversOn(
  graph: ResourceGraph,
  gateway: GatewayView,
  podPort: number,
): { server: Server; owner: CapturedResource }[] {
  return graph
    .ofType(types.gateway)
    .filter((g) => selects({ matchLabels: at(g.inputs, "spec.selector") as Labels }, gateway.pod.labels))
    .flatMap((owner) =>
      ((at(owner.inputs, "spec.servers") ?? []) as Server[]).map((server) => ({ server, owner })),
    )
    .filter(({ server }) => {
      const servicePort = gateway.ports.find((p) => p.port === server.port.number);
      return (servicePort ? (servicePort.targetPort ?? servicePort.port) : server.port.number) === podPort;
    });
}

function listenerProblem(gateway: GatewayView, podPort: number): string | undefined {
  return podPort < gateway.unprivilegedPortStart
    ? `the non-root proxy cannot bind port ${podPort} (net.ipv4.ip_unprivileged_port_start is ${gateway.unprivilegedPortStart})`
    : undefined;
}

function targetPortOf(flow: Flow, gateway: GatewayView, port: ServicePort): number | FlowResult {
  const target = port.targetPort ?? port.port;
  if (typeof target !== "number")
    return flow.block("Service", `${gateway.serviceName} port ${port.port} targets the named port ${target}`);
  flow.pass(`Service ${gateway.serviceName} ${port.port}→${target}`);
  return target;
}

export type PublicEntry = { readonly loadBalancerPort: number } | { readonly nodePort: number };

/** An HTTPS request from the internet for `host` to the public ingress gateway. */
export function followPublicRequest(
  graph: ResourceGraph,
  gateway: GatewayView,
  entry: PublicEntry,
  host: string,
): FlowResult {
  const flow = new Flow();
  flow.pass(`(${gateway.readFrom})`);
  const port =
    "loadBalancerPort" in entry
      ? gateway.serviceType === "LoadBalancer"
        ? gateway.ports.find((p) => p.port === entry.loadBalancerPort)
        : undefined
      : ["NodePort", "LoadBalancer"].includes(gateway.serviceType)
        ? gateway.ports.find((p) => p.nodePort === entry.nodePort)
        : undefined;
  if (!port) {
    const what =
      "loadBalancerPort" in entry
        ? `load balancer port ${entry.loadBalancerPort}`
        : `nodePort ${entry.nodePort}`;
    return flow.block("Service", `${gateway.serviceType} Service ${gateway.serviceName} has no ${what}`);
  }
  const podPort = targetPortOf(flow, gateway, port);
  if (typeof podPort !== "number") return podPort;
  const listening = serversOn(graph, gateway, podPort).filter(({ server }) =>
    server.hosts.some((h) => hostMatches(serverHost(h), host)),
  );
  if (listening.length === 0)
    return flow.block("Gateway listener", `no Gateway server for ${host} listens on pod port ${podPort}`);
  const bind = listenerProblem(gateway, podPort);
  if (bind) return flow.block("Gateway listener", bind);
  flow.pass(
    `listener ${podPort} (${listening.map((l) => String(at(l.owner.inputs, "metadata.name"))).join(", ")})`,
  );
  const network = networkPolicyAllows(
    graph.ofType(types.networkPolicy),
    gateway.pod,
    "Ingress",
    { kind: "external", ip: internetClient },
    podPort,
  );
  if (!network.allowed) return flow.block("NetworkPolicy", network.reason);
  flow.pass("NetworkPolicy");
  const https = listening.some(({ server }) => server.port.protocol === "HTTPS");
  const request: MeshRequest = {
    ip: internetClient,
    port: podPort,
    sni: host,
    ...(https ? { http: { host, path: "/", method: "GET" } } : {}),
  };
  const refused = gatewayAuthorization(flow, graph, gateway.pod, request);
  if (refused) return refused;
  return flow.done();
}

const visibleTo = (resource: CapturedResource, namespace: string): boolean => {
  const own = at(resource.inputs, "metadata.namespace");
  const exportTo = (at(resource.inputs, "spec.exportTo") as string[] | undefined) ?? ["*"];
  return exportTo.some((e) => e === "*" || e === namespace || (e === "." && own === namespace));
};

export interface EgressCaller {
  readonly namespace: string;
  readonly serviceAccount: string;
}

type TlsRoute = {
  match?: { gateways?: string[]; port?: number; sniHosts?: string[] }[];
  route?: { destination: Destination }[];
};
type TcpRoute = { match?: { gateways?: string[]; port?: number }[]; route?: { destination: Destination }[] };
type Destination = { host: string; subset?: string; port?: { number: number } };

const gatewayRef = (ref: string, vsNamespace: string) => (ref.includes("/") ? ref : `${vsNamespace}/${ref}`);

/** The caller's sidecar: ServiceEntry, mesh route by SNI, and the DestinationRule for the hop. */
function sidecarHop(
  graph: ResourceGraph,
  flow: Flow,
  caller: EgressCaller,
  host: string,
  gatewayHost: string,
) {
  const registered = graph
    .ofType(types.serviceEntry)
    .some(
      (e) =>
        visibleTo(e, caller.namespace) &&
        ((at(e.inputs, "spec.hosts") ?? []) as string[]).some((h) => hostMatches(h, host)),
    );
  if (!registered)
    return flow.block(
      "sidecar (REGISTRY_ONLY)",
      `no ServiceEntry for ${host} is visible to ${caller.namespace}`,
    );
  flow.pass(`ServiceEntry ${host}`);
  const route = graph
    .ofType(types.virtualService)
    .filter((v) => visibleTo(v, caller.namespace))
    .flatMap((v) => (at(v.inputs, "spec.tls") ?? []) as TlsRoute[])
    .find((r) =>
      (r.match ?? []).some(
        (m) =>
          (m.gateways ?? ["mesh"]).includes("mesh") &&
          m.port === 443 &&
          (m.sniHosts ?? []).some((h) => hostMatches(h, host)),
      ),
    );
  const destination = route?.route?.[0]?.destination;
  if (!destination || destination.host !== gatewayHost)
    return flow.block("sidecar route", `no mesh route sends ${host} to ${gatewayHost}`);
  const rule = graph
    .ofType(types.destinationRule)
    .find((d) => at(d.inputs, "spec.host") === destination.host && visibleTo(d, caller.namespace));
  const subset = (
    (at(rule?.inputs, "spec.subsets") ?? []) as { name: string; trafficPolicy?: unknown }[]
  ).find((s) => s.name === destination.subset);
  const settings = (
    (at(subset?.trafficPolicy, "portLevelSettings") ?? []) as {
      port: { number: number };
      tls?: { mode?: string; sni?: string };
    }[]
  ).find((s) => s.port.number === destination.port?.number);
  // Without ISTIO_MUTUAL the sidecar sends the app's TLS as it is: automatic mTLS covers only
  // endpoints labelled security.istio.io/tlsMode=istio, and gateway pods are not (gateways.ts).
  const mtls = settings?.tls?.mode === "ISTIO_MUTUAL";
  flow.pass(`route to ${gatewayHost}${mtls ? " in Istio mTLS" : " without mTLS"}`);
  return {
    servicePort: destination.port?.number ?? 443,
    mtls,
    sni: mtls ? (settings?.tls?.sni ?? host) : host,
  };
}

/**
 * How the caller's connection reaches the gateway: through its sidecar's routes (the normal path);
 * straight to the gateway Service, as a pod without a sidecar or one bypassing its routes would,
 * without a mesh certificate; or straight to it with the caller's mesh identity, as if the caller
 * had a route of its own (the gateway's authorization must still refuse an undeclared caller).
 */
export type EgressPath = "sidecar" | "direct" | "direct-with-mesh-identity";

/** A TLS connection from a pod of `caller` to `host`, which the mesh routes through the egress gateway. */
export function followEgressConnection(
  graph: ResourceGraph,
  gateway: GatewayView,
  caller: EgressCaller,
  host: string,
  path: EgressPath = "sidecar",
): FlowResult {
  const flow = new Flow();
  flow.pass(`(${gateway.readFrom})`);
  const gatewayHost = `${gateway.serviceName}.${gateway.pod.namespace}.svc.cluster.local`;
  const hop =
    path === "sidecar"
      ? sidecarHop(graph, flow, caller, host, gatewayHost)
      : { servicePort: 443, mtls: path === "direct-with-mesh-identity", sni: host };
  if ("reached" in hop) return hop;
  const port = gateway.ports.find((p) => p.port === hop.servicePort);
  if (!port) return flow.block("Service", `${gateway.serviceName} has no port ${hop.servicePort}`);
  const podPort = targetPortOf(flow, gateway, port);
  if (typeof podPort !== "number") return podPort;
  const policies = graph.ofType(types.networkPolicy);
  const callerPod: NetworkPeer = {
    kind: "pod",
    namespace: caller.namespace,
    namespaceLabels: namespaceLabels(graph, caller.namespace),
    labels: {},
  };
  const gatewayPeer: NetworkPeer = {
    kind: "pod",
    namespace: gateway.pod.namespace,
    namespaceLabels: namespaceLabels(graph, gateway.pod.namespace),
    labels: gateway.pod.labels,
  };
  const out = networkPolicyAllows(
    policies,
    { namespace: caller.namespace, labels: {} },
    "Egress",
    gatewayPeer,
    podPort,
  );
  if (!out.allowed) return flow.block("NetworkPolicy", out.reason);
  const into = networkPolicyAllows(policies, gateway.pod, "Ingress", callerPod, podPort);
  if (!into.allowed) return flow.block("NetworkPolicy", into.reason);
  flow.pass("NetworkPolicies");
  const servers = serversOn(graph, gateway, podPort).filter(({ server }) =>
    server.hosts.some((h) => hostMatches(serverHost(h), hop.sni)),
  );
  const bound = servers[0];
  if (!bound)
    return flow.block("Gateway listener", `no Gateway server for SNI ${hop.sni} on pod port ${podPort}`);
  const bind = listenerProblem(gateway, podPort);
  if (bind) return flow.block("Gateway listener", bind);
  const mode = bound.server.tls?.mode ?? "none";
  if (mode === "ISTIO_MUTUAL" && !hop.mtls)
    return flow.block(
      "Gateway listener",
      `the ISTIO_MUTUAL server refuses a handshake without a mesh certificate`,
    );
  const terminated = mode === "ISTIO_MUTUAL" && hop.mtls;
  flow.pass(
    `Gateway server ${mode}${terminated ? " (caller identity known)" : " (caller identity unknown)"}`,
  );
  const request: MeshRequest = {
    ...(terminated ? { principal: `cluster.local/ns/${caller.namespace}/sa/${caller.serviceAccount}` } : {}),
    ip: "10.244.0.10",
    port: podPort,
    sni: hop.sni,
  };
  const refused = gatewayAuthorization(flow, graph, gateway.pod, request);
  if (refused) return refused;
  const gatewayName = gatewayRef(
    String(at(bound.owner.inputs, "metadata.name")),
    String(at(bound.owner.inputs, "metadata.namespace")),
  );
  const routes = graph
    .ofType(types.virtualService)
    .filter((v) => ((at(v.inputs, "spec.hosts") ?? []) as string[]).some((h) => hostMatches(h, host)))
    .filter((v) =>
      ((at(v.inputs, "spec.gateways") ?? []) as string[]).some(
        (g) => gatewayRef(g, String(at(v.inputs, "metadata.namespace"))) === gatewayName,
      ),
    );
  const atThisGateway = (m: { gateways?: string[]; port?: number }) =>
    (m.port === undefined || m.port === bound.server.port.number) &&
    (m.gateways ?? []).some((g) => gatewayRef(g, gateway.pod.namespace) === gatewayName);
  // After terminating TLS the gateway forwards by tcp routes; a passthrough server by tls routes and SNI.
  const onward = terminated
    ? routes
        .flatMap((v) => (at(v.inputs, "spec.tcp") ?? []) as TcpRoute[])
        .find((r) => (r.match ?? []).some(atThisGateway))
    : routes
        .flatMap((v) => (at(v.inputs, "spec.tls") ?? []) as TlsRoute[])
        .find((r) =>
          (r.match ?? []).some(
            (m) => atThisGateway(m) && (m.sniHosts ?? []).some((h) => hostMatches(h, hop.sni)),
          ),
        );
  const destination = onward?.route?.[0]?.destination;
  if (destination?.host !== host)
    return flow.block("gateway route", `no route at ${gatewayName} forwards to ${host}`);
  flow.pass(`route to ${host}:${destination.port?.number ?? 443}`);
  const leave = networkPolicyAllows(
    policies,
    gateway.pod,
    "Egress",
    { kind: "external", ip: externalHost },
    destination.port?.number ?? 443,
  );
  if (!leave.allowed) return flow.block("NetworkPolicy", leave.reason);
  flow.pass("NetworkPolicy to the internet");
  return flow.done();
}
