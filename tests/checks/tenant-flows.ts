/**
 * C-TEN-2 / C-TEN-3: one declaration, three enforcement points. A tenant declares who may call it
 * (allowedPeers, ingress) and which external hosts it calls (egressHosts). From the captured graph
 * this check reads back what each enforcement point actually allows — the callee's ingress
 * NetworkPolicies, the callee's mesh AuthorizationPolicies, the caller's egress NetworkPolicies and
 * the caller's Sidecar scope, and the tenant's ServiceEntries — and reports every point that does
 * not allow exactly what the stack config declared. Each point is compared with the declaration on
 * its own, so a single drifted object is named, not just "something differs".
 */
import type { PlatformConfig, TenantConfig } from "../../infra/config";
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";
import { types as k8sTypes } from "./tenant";

export const istioTypes = {
  authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  sidecar: "kubernetes:networking.istio.io/v1:Sidecar",
  serviceEntry: "kubernetes:networking.istio.io/v1:ServiceEntry",
} as const;

/** What the check needs from the resolved stack config: the declarations and whether the mesh is on. */
export type FlowDeclarations = {
  readonly tenants: readonly Pick<TenantConfig, "name" | "allowedPeers" | "egressHosts" | "ingress">[];
  readonly meshEnabled: boolean;
  /** Prometheus's namespace when monitoring is on: a declared platform caller of every sidecar. */
  readonly scrapedBy?: string;
};

export function flowDeclarations(config: PlatformConfig): FlowDeclarations {
  return {
    tenants: config.tenants,
    meshEnabled: config.addons.mesh.enabled,
    ...(config.addons.monitoring.enabled ? { scrapedBy: "monitoring" } : {}),
  };
}

const ingressNamespace = "istio-ingress";
const dnsNamespace = "kube-system";
/** Every mesh member talks to istiod (xDS, certificates) and may reach the egress gateway. */
const meshInfrastructure = ["istio-system", "istio-egress"];
/** Marks an allowance that names no namespace (every source, an IP block, a label selector). */
const anything = "<any>";

type Peer = { namespaceSelector?: unknown; podSelector?: unknown; ipBlock?: unknown };
type PolicyRule = { from?: Peer[]; to?: Peer[] };
type AuthzRule = { from?: { source?: { namespaces?: string[]; principals?: string[] } }[] };

export function checkTenantFlows(graph: ResourceGraph, declared: FlowDeclarations): string[] {
  const callersOf = new Map(declared.tenants.map((t) => [t.name, new Set<string>()]));
  for (const callee of declared.tenants) {
    for (const caller of callee.allowedPeers) callersOf.get(caller)?.add(callee.name);
  }
  const byNamespace = indexByNamespace(graph);
  const problems = tenantSetProblems(graph, declared);
  for (const tenant of declared.tenants) {
    const objects = byNamespace(tenant.name);
    const viaGateway = tenant.ingress !== undefined && declared.meshEnabled ? [ingressNamespace] : [];
    const callers = [tenant.name, ...tenant.allowedPeers, ...viaGateway];
    // The scrape opens only the sidecar's metrics port, which the sidecar does not capture, so it is
    // a NetworkPolicy caller and never a mesh one.
    const scrapers = declared.meshEnabled && declared.scrapedBy ? [declared.scrapedBy] : [];
    const callees = [...(callersOf.get(tenant.name) ?? [])];
    const mesh = declared.meshEnabled ? meshInfrastructure : [];
    problems.push(
      ...compare(
        `${tenant.name}: ingress NetworkPolicies admit`,
        networkPolicyNamespaces(objects(k8sTypes.networkPolicy), "ingress", tenant.name),
        [...callers, ...scrapers],
      ),
      ...compare(
        `${tenant.name}: egress NetworkPolicies reach`,
        networkPolicyNamespaces(objects(k8sTypes.networkPolicy), "egress", tenant.name),
        [tenant.name, dnsNamespace, ...mesh, ...callees],
      ),
    );
    if (!declared.meshEnabled) continue;
    problems.push(
      ...compare(
        `${tenant.name}: mesh AuthorizationPolicies admit`,
        authorizedNamespaces(objects(istioTypes.authorizationPolicy)),
        callers,
      ),
      ...compare(
        `${tenant.name}: Sidecar egress scope reaches`,
        sidecarNamespaces(objects(istioTypes.sidecar), tenant.name),
        [tenant.name, ...mesh, ...callees],
      ),
      ...compare(
        `${tenant.name}: ServiceEntries open`,
        serviceEntryHosts(objects(istioTypes.serviceEntry)),
        tenant.egressHosts,
      ),
    );
  }
  return problems;
}

/** Every declared tenant has a namespace, and every tenant namespace was declared. */
function tenantSetProblems(graph: ResourceGraph, declared: FlowDeclarations): string[] {
  const inGraph = graph
    .ofType(k8sTypes.namespace)
    .filter((ns) => {
      const labels = (at(ns.inputs, "metadata.labels") ?? {}) as Record<string, string>;
      return labels["zt-blueprint.io/tenant"] !== undefined;
    })
    .map((ns) => String(at(ns.inputs, "metadata.name")));
  const names = declared.tenants.map((t) => t.name);
  return [
    ...names.filter((n) => !inGraph.includes(n)).map((n) => `${n}: declared but has no namespace`),
    ...inGraph.filter((n) => !names.includes(n)).map((n) => `${n}: tenant namespace nobody declared`),
  ];
}

/** One pass over the graph, so the check stays linear in the number of tenants. */
function indexByNamespace(graph: ResourceGraph): (ns: string) => (type: string) => CapturedResource[] {
  const index = new Map<string, CapturedResource[]>();
  for (const resource of graph.kubernetesObjects()) {
    const key = `${String(at(resource.inputs, "metadata.namespace"))}|${resource.type}`;
    const bucket = index.get(key) ?? [];
    bucket.push(resource);
    index.set(key, bucket);
  }
  return (ns) => (type) => index.get(`${ns}|${type}`) ?? [];
}

function compare(what: string, actual: ReadonlySet<string>, expected: readonly string[]): string[] {
  const want = new Set(expected);
  const extra = [...actual].filter((v) => !want.has(v)).sort();
  const missing = [...want].filter((v) => !actual.has(v)).sort();
  return [
    ...(extra.length > 0 ? [`${what} undeclared ${extra.join(", ")}`] : []),
    ...(missing.length > 0 ? [`${what} not ${missing.join(", ")}, though declared`] : []),
  ];
}

/** Namespaces a direction of the namespace's NetworkPolicies allows; a bare podSelector is `own`. */
function networkPolicyNamespaces(
  policies: readonly CapturedResource[],
  direction: "ingress" | "egress",
  own: string,
): Set<string> {
  const found = new Set<string>();
  for (const policy of policies) {
    for (const rule of (at(policy.inputs, `spec.${direction}`) ?? []) as PolicyRule[]) {
      const peers = direction === "ingress" ? rule.from : rule.to;
      if (!peers || peers.length === 0) found.add(anything);
      for (const peer of peers ?? []) {
        if (peer.ipBlock !== undefined) found.add(anything);
        else if (peer.namespaceSelector === undefined) found.add(own);
        else for (const name of namespacesNamedBy(peer.namespaceSelector)) found.add(name);
      }
    }
  }
  return found;
}

/** Names of a `kubernetes.io/metadata.name In [...]` selector; any other selector allows `<any>`. */
function namespacesNamedBy(selector: unknown): string[] {
  const labels = at(selector, "matchLabels") as Record<string, string> | undefined;
  const expressions = (at(selector, "matchExpressions") ?? []) as {
    key: string;
    operator: string;
    values?: string[];
  }[];
  const [only] = expressions;
  const byName =
    (!labels || Object.keys(labels).length === 0) &&
    expressions.length === 1 &&
    only?.key === "kubernetes.io/metadata.name" &&
    only.operator === "In";
  return byName ? [...(only.values ?? [])] : [anything];
}

/** Source namespaces of ALLOW policies; a SPIFFE principal counts as its namespace. */
function authorizedNamespaces(policies: readonly CapturedResource[]): Set<string> {
  const found = new Set<string>();
  for (const policy of policies) {
    if ((at(policy.inputs, "spec.action") ?? "ALLOW") !== "ALLOW") continue;
    for (const rule of (at(policy.inputs, "spec.rules") ?? []) as AuthzRule[]) {
      if (!rule.from || rule.from.length === 0) found.add(anything);
      for (const { source } of rule.from ?? []) {
        if (!source?.namespaces && !source?.principals) found.add(anything);
        for (const ns of source?.namespaces ?? []) found.add(ns === "*" ? anything : ns);
        for (const principal of source?.principals ?? []) {
          found.add(/^cluster\.local\/ns\/([a-z0-9-]+)\/sa\/[^*]+$/.exec(principal)?.[1] ?? anything);
        }
      }
    }
  }
  return found;
}

/** Namespaces the Sidecar's egress hosts (`<namespace>/<host>`) make visible; `.` is the tenant's own. */
function sidecarNamespaces(sidecars: readonly CapturedResource[], own: string): Set<string> {
  const found = new Set<string>();
  for (const sidecar of sidecars) {
    for (const listener of (at(sidecar.inputs, "spec.egress") ?? []) as { hosts?: string[] }[]) {
      for (const host of listener.hosts ?? []) {
        const namespace = host.split("/")[0] ?? "";
        found.add(namespace === "." ? own : namespace === "*" || namespace === "~" ? anything : namespace);
      }
    }
  }
  return found;
}

function serviceEntryHosts(entries: readonly CapturedResource[]): Set<string> {
  return new Set(entries.flatMap((entry) => (at(entry.inputs, "spec.hosts") ?? []) as string[]));
}
