/**
 * Does a TCP connection from one pod get through? Three enforcement points, each evaluated on the
 * captured objects with the semantics of the system that enforces it (kept to what our objects use;
 * anything else is refused rather than guessed):
 *
 * - NetworkPolicy (kubernetes.io/docs/concepts/services-networking/network-policies): a pod that no
 *   policy selects for a direction is open in it; a selected pod admits only what some rule of a
 *   selecting policy allows (peers ORed, ports ORed, rule fields ANDed). Pod to pod needs the
 *   source's egress and the destination's ingress.
 * - Istio AuthorizationPolicy (istio.io/latest/docs/reference/config/security/authorization-policy):
 *   policies of the root namespace and the workload's namespace whose selector matches apply; a
 *   matching DENY denies; with any ALLOW policy applying, only a matching ALLOW rule admits; an ALLOW
 *   policy without rules matches nothing. On TCP, an ALLOW rule with HTTP-only fields (paths,
 *   methods, hosts) never matches; a DENY rule is matched without them.
 * - The sidecar's registry under REGISTRY_ONLY (istio.io/latest/docs/reference/config/networking/
 *   sidecar, service-entry): the destination must be a Service whose selector picks the pod and
 *   whose port is that port (headless: the endpoint's own port), or a ServiceEntry visible to the
 *   source namespace (exportTo) for the host and port; and the namespace's Sidecar egress hosts must
 *   include that object's namespace. Anything else goes to the BlackHole cluster.
 */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";
import { selectorMatches } from "./label-selector";

export interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
}
/** A server outside the cluster, by DNS name and the address ranges it may have. */
export interface External {
  readonly host: string;
  readonly cidrs: readonly string[];
}

const types = {
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  service: "kubernetes:core/v1:Service",
  authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  sidecar: "kubernetes:networking.istio.io/v1:Sidecar",
  serviceEntry: "kubernetes:networking.istio.io/v1:ServiceEntry",
} as const;
const rootNamespace = "istio-system";

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Expression[] };
type Expression = { key: string; operator: string; values?: string[] };
type Peer = {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
};
type NpRule = {
  ports?: { port?: number; protocol?: string; endPort?: number }[];
  to?: Peer[];
  from?: Peer[];
};

const namespaceLabels = (ns: string) => ({ "kubernetes.io/metadata.name": ns });
const inNamespace = (graph: ResourceGraph, type: string, ns: string) =>
  graph.ofType(type).filter((r) => at(r.inputs, "metadata.namespace") === ns);

function ipv4(address: string): number {
  return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}
/** Whether CIDR `inner` lies inside CIDR `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa = "", ob = "32"] = outer.split("/");
  const [ia = "", ib = "32"] = inner.split("/");
  const bits = Number(ob);
  if (Number(ib) < bits) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ipv4(oa) & mask) >>> 0 === (ipv4(ia) & mask) >>> 0;
}

function portMatches(rule: NpRule, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some(
    (p) =>
      (p.protocol ?? "TCP") === "TCP" &&
      (p.port === undefined || (p.port <= port && port <= (p.endPort ?? p.port))),
  );
}

function podPeerMatches(peer: Peer, policyNamespace: string, other: Pod): boolean {
  if (peer.ipBlock) return false; // pod addresses are not modelled; ours never name pods by IP
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(other.namespace))
    : other.namespace === policyNamespace;
  return namespaceOk && selectorMatches(peer.podSelector, other.labels);
}

/** Every address the server may have lies in some ipBlock of the rule (peers are ORed). */
function externalPeersMatch(peers: Peer[], other: External): boolean {
  return (
    other.cidrs.length > 0 &&
    other.cidrs.every((c) =>
      peers.some(
        ({ ipBlock }) =>
          ipBlock !== undefined &&
          cidrContains(ipBlock.cidr, c) &&
          !(ipBlock.except ?? []).some((e) => cidrContains(c, e) || cidrContains(e, c)),
      ),
    )
  );
}

/** One direction at one pod: why it is refused, or undefined when allowed. */
function networkDirection(
  graph: ResourceGraph,
  pod: Pod,
  direction: "Ingress" | "Egress",
  other: Pod | External,
  port: number,
): string | undefined {
  const policies = inNamespace(graph, types.networkPolicy, pod.namespace).filter(
    (p) =>
      selectorMatches(at(p.inputs, "spec.podSelector") as Selector, pod.labels) &&
      ((at(p.inputs, "spec.policyTypes") ?? ["Ingress"]) as string[]).includes(direction),
  );
  if (policies.length === 0) return undefined;
  const field = direction === "Ingress" ? "ingress" : "egress";
  const allowed = policies.some((p) =>
    ((at(p.inputs, `spec.${field}`) ?? []) as NpRule[]).some((rule) => {
      const peers = direction === "Ingress" ? rule.from : rule.to;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        ("cidrs" in other
          ? externalPeersMatch(peers, other)
          : peers.some((peer) => podPeerMatches(peer, pod.namespace, other)));
      return peerOk && portMatches(rule, port);
    }),
  );
  return allowed
    ? undefined
    : `NetworkPolicy ${direction.toLowerCase()} at ${pod.namespace}/${JSON.stringify(pod.labels)} refuses port ${port}`;
}

export function networkPolicyRefusal(
  graph: ResourceGraph,
  from: Pod,
  to: Pod | External,
  port: number,
): string[] {
  const egress = networkDirection(graph, from, "Egress", to, port);
  const ingress = "cidrs" in to ? undefined : networkDirection(graph, to, "Ingress", from, port);
  return [egress, ingress].filter((p): p is string => p !== undefined);
}

type AuthzRule = {
  from?: { source?: { principals?: string[]; namespaces?: string[] } }[];
  to?: {
    operation?: {
      ports?: string[];
      notPorts?: string[];
      paths?: string[];
      methods?: string[];
      hosts?: string[];
    };
  }[];
  when?: unknown[];
};
const wildcard = (pattern: string, value: string) =>
  pattern === "*" ||
  pattern === value ||
  (pattern.endsWith("*") && value.startsWith(pattern.slice(0, -1))) ||
  (pattern.startsWith("*") && value.endsWith(pattern.slice(1)));

function tcpRuleMatches(rule: AuthzRule, from: Pod, port: number, action: string): boolean {
  if (rule.when && rule.when.length > 0) throw new Error("AuthorizationPolicy `when` is not modelled");
  const principal = `cluster.local/ns/${from.namespace}/sa/${from.serviceAccount}`;
  const sourceOk =
    !rule.from ||
    rule.from.some(({ source = {} }) => {
      const principals = !source.principals || source.principals.some((p) => wildcard(p, principal));
      const namespaces = !source.namespaces || source.namespaces.some((n) => wildcard(n, from.namespace));
      return principals && namespaces;
    });
  const operationOk =
    !rule.to ||
    rule.to.some(({ operation = {} }) => {
      // HTTP-only fields on TCP: an ALLOW rule never matches, a DENY rule matches without them.
      if ((operation.paths || operation.methods || operation.hosts) && action === "ALLOW") return false;
      // ports and notPorts are ANDed: listed (when set) and not excluded (Istio Operation).
      const listed = !operation.ports || operation.ports.includes(String(port));
      return listed && !(operation.notPorts ?? []).includes(String(port));
    });
  return sourceOk && operationOk;
}

export function authorizationRefusal(graph: ResourceGraph, from: Pod, to: Pod, port: number): string[] {
  const applying = [rootNamespace, to.namespace]
    .flatMap((ns) => inNamespace(graph, types.authorizationPolicy, ns))
    .filter((p) => {
      const selector = at(p.inputs, "spec.selector") as Selector | undefined;
      return !selector || selectorMatches(selector, to.labels);
    });
  const rulesOf = (p: CapturedResource) => (at(p.inputs, "spec.rules") ?? []) as AuthzRule[];
  const action = (p: CapturedResource) => (at(p.inputs, "spec.action") as string | undefined) ?? "ALLOW";
  const denied = applying.filter(
    (p) => action(p) === "DENY" && rulesOf(p).some((r) => tcpRuleMatches(r, from, port, "DENY")),
  );
  if (denied.length > 0) return denied.map((p) => `AuthorizationPolicy ${p.name} denies port ${port}`);
  const allows = applying.filter((p) => action(p) === "ALLOW");
  if (
    allows.length === 0 ||
    allows.some((p) => rulesOf(p).some((r) => tcpRuleMatches(r, from, port, "ALLOW")))
  )
    return [];
  return [`no ALLOW AuthorizationPolicy admits ${from.namespace}/${from.serviceAccount} on port ${port}`];
}

function sidecarReaches(graph: ResourceGraph, from: Pod, objectNamespace: string): boolean {
  const sidecars = inNamespace(graph, types.sidecar, from.namespace).filter(
    (s) => !at(s.inputs, "spec.workloadSelector"),
  );
  if (sidecars.length === 0) return true;
  return sidecars.some((s) =>
    ((at(s.inputs, "spec.egress") ?? []) as { hosts?: string[] }[]).some((listener) =>
      (listener.hosts ?? []).some((h) => {
        const ns = h.split("/")[0] ?? "";
        return ns === "*" || ns === objectNamespace || (ns === "." && objectNamespace === from.namespace);
      }),
    ),
  );
}

/** Whether the source sidecar knows the destination; otherwise REGISTRY_ONLY black-holes it. */
export function meshRegistryRefusal(
  graph: ResourceGraph,
  from: Pod,
  to: Pod | External,
  port: number,
): string[] {
  if ("cidrs" in to) {
    const entries = graph.ofType(types.serviceEntry).filter((e) => {
      const ns = String(at(e.inputs, "metadata.namespace"));
      const exportTo = (at(e.inputs, "spec.exportTo") ?? ["*"]) as string[];
      const visible =
        exportTo.includes("*") ||
        exportTo.includes(from.namespace) ||
        (exportTo.includes(".") && ns === from.namespace);
      const ports = (at(e.inputs, "spec.ports") ?? []) as { number: number; protocol?: string }[];
      return (
        visible &&
        ((at(e.inputs, "spec.hosts") ?? []) as string[]).includes(to.host) &&
        ports.some((p) => p.number === port && p.protocol === "TCP") &&
        at(e.inputs, "spec.location") === "MESH_EXTERNAL" &&
        at(e.inputs, "spec.resolution") === "DNS" &&
        sidecarReaches(graph, from, ns)
      );
    });
    return entries.length > 0
      ? []
      : [`no ServiceEntry visible to ${from.namespace} declares ${to.host}:${port} (TCP, DNS)`];
  }
  const services = inNamespace(graph, types.service, to.namespace).filter((s) => {
    const selector = at(s.inputs, "spec.selector") as Record<string, string> | undefined;
    const ports = (at(s.inputs, "spec.ports") ?? []) as { port: number; targetPort?: number }[];
    return (
      selector !== undefined &&
      Object.keys(selector).length > 0 &&
      selectorMatches({ matchLabels: selector }, to.labels) &&
      ports.some((p) => p.port === port && (p.targetPort ?? p.port) === port) &&
      sidecarReaches(graph, from, to.namespace)
    );
  });
  return services.length > 0
    ? []
    : [`no Service in ${to.namespace} names ${JSON.stringify(to.labels)} on port ${port}`];
}

/** Every reason the connection is refused; empty when all three points let it through. */
export function connectionRefusals(
  graph: ResourceGraph,
  from: Pod,
  to: Pod | External,
  port: number,
): string[] {
  return [
    ...networkPolicyRefusal(graph, from, to, port),
    ...("cidrs" in to ? [] : authorizationRefusal(graph, from, to, port)),
    ...meshRegistryRefusal(graph, from, to, port),
  ];
}

/** The pod a Deployment or StatefulSet runs, as these checks see it. */
export function podOf(graph: ResourceGraph, namespace: string, name: string): Pod {
  const workload = graph
    .kubernetesObjects()
    .find(
      (r) =>
        ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type) &&
        at(r.inputs, "metadata.namespace") === namespace &&
        at(r.inputs, "metadata.name") === name,
    );
  if (!workload) throw new Error(`no workload ${namespace}/${name}`);
  return {
    namespace,
    labels: (at(workload.inputs, "spec.template.metadata.labels") ?? {}) as Record<string, string>,
    serviceAccount:
      (at(workload.inputs, "spec.template.spec.serviceAccountName") as string | undefined) ?? "default",
  };
}
