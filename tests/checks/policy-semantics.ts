/**
 * What a NetworkPolicy and an Istio AuthorizationPolicy decide for one connection, by their
 * documented semantics, so a flow check can follow a request through the objects a stack really
 * registers instead of comparing them with a picture of them.
 *
 * NetworkPolicy (https://kubernetes.io/docs/concepts/services-networking/network-policies/): a pod
 * is isolated for a direction once a policy of that type selects it; it then admits exactly the
 * union of the selecting policies' rules. Rules match the pod's own port, after the Service's DNAT.
 *
 * AuthorizationPolicy (https://istio.io/latest/docs/reference/config/security/authorization-policy/):
 * policies in the root namespace apply to every workload, others to their namespace (narrowed by
 * `selector`). DENY first; then, if any ALLOW policy applies, one of its rules must match, and an
 * ALLOW policy without rules matches nothing. Fields in one rule are ANDed, values in one field
 * ORed. HTTP-only fields (hosts, paths, methods, requestPrincipals) never match a TCP connection.
 */
import { at, type CapturedResource } from "../harness/graph";
import { selectorMatches } from "./label-selector";

export type Labels = Readonly<Record<string, string>>;

type Expression = { key: string; operator: string; values?: string[] };
type Selector = { matchLabels?: Labels; matchExpressions?: Expression[] } | undefined;

/** A label selector; `{}` (or absent, where the API means "all") selects everything. */
export function selects(selector: Selector, labels: Labels): boolean {
  return selectorMatches(selector, labels);
}

/** The far end of a connection, as NetworkPolicy sees it. */
export type NetworkPeer =
  | { readonly kind: "external"; readonly ip: string }
  | {
      readonly kind: "pod";
      readonly namespace: string;
      readonly namespaceLabels: Labels;
      readonly labels: Labels;
    };

export interface PodEnd {
  readonly namespace: string;
  readonly labels: Labels;
}

type PolicyPort = { protocol?: string; port?: number | string; endPort?: number };
type PolicyPeer = {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: Selector;
  podSelector?: Selector;
};
type PolicyRule = { from?: PolicyPeer[]; to?: PolicyPeer[]; ports?: PolicyPort[] };

function ipv4(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = "", bits = "32"] = cidr.split("/");
  if (base.includes(":") || ip.includes(":")) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

function peerMatches(peer: PolicyPeer, other: NetworkPeer, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    return (
      other.kind === "external" &&
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c))
    );
  }
  if (other.kind !== "pod") return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? other.namespace === policyNamespace
      : selects(peer.namespaceSelector, other.namespaceLabels);
  return namespaceOk && (peer.podSelector === undefined || selects(peer.podSelector, other.labels));
}

function portMatches(ports: PolicyPort[] | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== "TCP") return false;
    if (p.port === undefined) return true;
    // Named ports would need the pod's container port names; none of our policies use them.
    if (typeof p.port === "string") return false;
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

export type NetworkVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Whether the pod's NetworkPolicies let a TCP connection in (from `other`) or out (to `other`). */
export function networkPolicyAllows(
  policies: readonly CapturedResource[],
  pod: PodEnd,
  direction: "Ingress" | "Egress",
  other: NetworkPeer,
  port: number,
): NetworkVerdict {
  const selecting = policies.filter((p) => {
    if (at(p.inputs, "metadata.namespace") !== pod.namespace) return false;
    if (!selects(at(p.inputs, "spec.podSelector") as Selector, pod.labels)) return false;
    const types = (at(p.inputs, "spec.policyTypes") as string[] | undefined) ?? [
      "Ingress",
      ...(at(p.inputs, "spec.egress") ? ["Egress"] : []),
    ];
    return types.includes(direction);
  });
  if (selecting.length === 0) return { allowed: true };
  const key = direction === "Ingress" ? "ingress" : "egress";
  for (const policy of selecting) {
    for (const rule of (at(policy.inputs, `spec.${key}`) ?? []) as PolicyRule[]) {
      const peers = direction === "Ingress" ? rule.from : rule.to;
      const peerOk =
        !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, other, pod.namespace));
      if (peerOk && portMatches(rule.ports, port)) return { allowed: true };
    }
  }
  const names = selecting.map((p) => `${pod.namespace}/${String(at(p.inputs, "metadata.name"))}`).join(", ");
  return { allowed: false, reason: `no ${direction} rule of NetworkPolicy ${names} admits TCP ${port}` };
}

/** A connection or request as the receiving proxy sees it. */
export interface MeshRequest {
  /** The caller's mTLS identity (cluster.local/ns/<ns>/sa/<sa>); absent without mTLS. */
  readonly principal?: string;
  readonly ip: string;
  /** The port the proxy received on. */
  readonly port: number;
  readonly sni?: string;
  /** Present for HTTP (after TLS termination at an HTTPS server); absent for TCP. */
  readonly http?: { readonly host: string; readonly path: string; readonly method: string };
}

type Source = Record<string, string[] | undefined>;
type Operation = Record<string, string[] | undefined>;
type Condition = { key: string; values?: string[]; notValues?: string[] };
type AuthzRule = { from?: { source?: Source }[]; to?: { operation?: Operation }[]; when?: Condition[] };

/** Istio's string match: exact, `*`, `prefix*` or `*suffix`. */
function istioMatch(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function field(values: string[] | undefined, value: string | undefined, not = false): boolean {
  if (values === undefined) return true;
  const hit = values.some((v) => istioMatch(v, value));
  return not ? !hit : hit;
}

const namespaceOf = (principal?: string) => /^[^/]+\/ns\/([^/]+)\/sa\//.exec(principal ?? "")?.[1];

function sourceMatches(source: Source, request: MeshRequest): boolean {
  const ns = namespaceOf(request.principal);
  return (
    field(source["principals"], request.principal) &&
    field(source["notPrincipals"], request.principal, true) &&
    field(source["namespaces"], ns) &&
    field(source["notNamespaces"], ns, true) &&
    // A request principal comes from a validated JWT, which these flows do not carry.
    field(source["requestPrincipals"], undefined) &&
    (source["ipBlocks"] === undefined || source["ipBlocks"].some((c) => inCidr(request.ip, c)))
  );
}

function operationMatches(op: Operation, request: MeshRequest): boolean {
  const httpOnly = ["hosts", "notHosts", "paths", "notPaths", "methods", "notMethods"];
  if (!request.http && httpOnly.some((k) => op[k] !== undefined)) return false;
  const port = String(request.port);
  return (
    field(op["ports"], port) &&
    field(op["notPorts"], port, true) &&
    field(
      op["hosts"]?.map((h) => h.toLowerCase()),
      request.http?.host.toLowerCase(),
    ) &&
    field(
      op["notHosts"]?.map((h) => h.toLowerCase()),
      request.http?.host.toLowerCase(),
      true,
    ) &&
    field(op["paths"], request.http?.path) &&
    field(op["notPaths"], request.http?.path, true) &&
    field(op["methods"], request.http?.method) &&
    field(op["notMethods"], request.http?.method, true)
  );
}

function conditionValue(key: string, request: MeshRequest): string | undefined {
  if (key === "connection.sni") return request.sni;
  if (key === "destination.port") return String(request.port);
  if (key === "source.principal") return request.principal;
  if (key === "source.namespace") return namespaceOf(request.principal);
  return undefined;
}

function ruleMatches(rule: AuthzRule, request: MeshRequest): boolean {
  const from = !rule.from || rule.from.some((f) => sourceMatches(f.source ?? {}, request));
  const to = !rule.to || rule.to.some((t) => operationMatches(t.operation ?? {}, request));
  const when = (rule.when ?? []).every((c) => {
    const value = conditionValue(c.key, request);
    return field(c.values, value) && field(c.notValues, value, true);
  });
  return from && to && when;
}

export type AuthzVerdict =
  | { readonly allowed: true; readonly by: string }
  | { readonly allowed: false; readonly status: 403; readonly reason: string };

/** Istio's decision for one request at one workload. */
export function authorizationDecides(
  policies: readonly CapturedResource[],
  workload: PodEnd,
  rootNamespace: string,
  request: MeshRequest,
): AuthzVerdict {
  const applicable = policies.filter((p) => {
    const ns = at(p.inputs, "metadata.namespace");
    if (ns !== rootNamespace && ns !== workload.namespace) return false;
    const selector = at(p.inputs, "spec.selector") as Selector;
    return selector === undefined || selects(selector, workload.labels);
  });
  const nameOf = (p: CapturedResource) =>
    `${String(at(p.inputs, "metadata.namespace"))}/${String(at(p.inputs, "metadata.name"))}`;
  const action = (p: CapturedResource) => (at(p.inputs, "spec.action") as string | undefined) ?? "ALLOW";
  const rules = (p: CapturedResource) => (at(p.inputs, "spec.rules") ?? []) as AuthzRule[];
  const denied = applicable.find(
    (p) => action(p) === "DENY" && rules(p).some((r) => ruleMatches(r, request)),
  );
  if (denied) return { allowed: false, status: 403, reason: `denied by DENY ${nameOf(denied)}` };
  const allows = applicable.filter((p) => action(p) === "ALLOW");
  if (allows.length === 0) return { allowed: true, by: "no ALLOW policy applies" };
  const allowing = allows.find((p) => rules(p).some((r) => ruleMatches(r, request)));
  if (allowing) return { allowed: true, by: nameOf(allowing) };
  return {
    allowed: false,
    status: 403,
    reason: `no ALLOW policy matches (applicable: ${allows.map(nameOf).sort().join(", ")})`,
  };
}
