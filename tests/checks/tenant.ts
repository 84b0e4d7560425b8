/**
 * Security checks on a captured graph for tenant namespaces. Each returns the problems it finds
 * (empty = the control is on). Tests run them on the real graph, and again on a graph where a
 * stack transformation switched the control off, to prove the check can fail.
 */
import { monitoringNamespace } from "../../components/monitoring";
import { envoyMetricsPort } from "../../components/shared/network-fragments";
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

export const types = {
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  resourceQuota: "kubernetes:core/v1:ResourceQuota",
  limitRange: "kubernetes:core/v1:LimitRange",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  serviceAccountPatch: "kubernetes:core/v1:ServiceAccountPatch",
  tenant: "zt-blueprint:tenancy:TenantNamespace",
} as const;

type NetworkPolicyPeer = { namespaceSelector?: unknown; podSelector?: unknown; ipBlock?: unknown };
type NetworkPolicyRule = {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: { port?: unknown }[];
};

export function tenantNamespaces(graph: ResourceGraph): string[] {
  return graph
    .ofType(types.namespace)
    .filter((ns) => labelsOf(ns)["zt-blueprint.io/tenant"] !== undefined)
    .map((ns) => String(at(ns.inputs, "metadata.name")));
}

function labelsOf(resource: CapturedResource): Record<string, string> {
  return (at(resource.inputs, "metadata.labels") ?? {}) as Record<string, string>;
}

function inNamespace(graph: ResourceGraph, type: string, namespace: string): CapturedResource[] {
  return graph.ofType(type).filter((r) => at(r.inputs, "metadata.namespace") === namespace);
}

/** C-TEN-1: PSA restricted is enforced (and audited/warned) at a pinned version. */
export function checkPodSecurity(graph: ResourceGraph): string[] {
  return graph.ofType(types.namespace).flatMap((ns) => {
    const labels = labelsOf(ns);
    const name = String(at(ns.inputs, "metadata.name"));
    return ["enforce", "audit", "warn"].flatMap((mode) => {
      const problems: string[] = [];
      if (labels[`pod-security.kubernetes.io/${mode}`] !== "restricted") {
        problems.push(`namespace ${name}: pod-security.kubernetes.io/${mode} is not "restricted"`);
      }
      const version = labels[`pod-security.kubernetes.io/${mode}-version`];
      if (!version || version === "latest") {
        problems.push(`namespace ${name}: pod-security ${mode}-version is not pinned`);
      }
      return problems;
    });
  });
}

/** Namespaces every tenant may reach: DNS, and the mesh control plane and egress gateway. */
const platformInfrastructure = ["kube-system", "istio-system", "istio-egress"];

/** C-TEN-2: a policy selecting every pod denies both directions, and no allowance is wider than declared. */
export function checkDefaultDenyNetwork(graph: ResourceGraph, declared: Map<string, string[]>): string[] {
  return tenantNamespaces(graph).flatMap((namespace) => {
    const policies = inNamespace(graph, types.networkPolicy, namespace);
    const problems: string[] = [];
    const denyAll = policies.find((p) => {
      const spec = p.inputs["spec"] as {
        podSelector?: object;
        policyTypes?: string[];
        ingress?: unknown;
        egress?: unknown;
      };
      return (
        spec &&
        Object.keys(spec.podSelector ?? { any: 1 }).length === 0 &&
        ["Ingress", "Egress"].every((t) => spec.policyTypes?.includes(t)) &&
        spec.ingress === undefined &&
        spec.egress === undefined
      );
    });
    if (!denyAll)
      problems.push(`namespace ${namespace}: no default-deny NetworkPolicy for Ingress and Egress`);
    for (const policy of policies) {
      const spec = policy.inputs["spec"] as { ingress?: NetworkPolicyRule[]; egress?: NetworkPolicyRule[] };
      const rules = [
        ...(spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports, inbound: true })),
        ...(spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports, inbound: false })),
      ];
      for (const { peers, ports, inbound } of rules) {
        // Prometheus may read the sidecars' metrics port, and nothing else of the tenant.
        const scrapeOnly =
          inbound &&
          ports !== undefined &&
          ports.length > 0 &&
          ports.every((p) => p.port === envoyMetricsPort);
        if (!peers || peers.length === 0) {
          problems.push(`namespace ${namespace}: ${policy.name} has a rule open to every source/destination`);
          continue;
        }
        for (const peer of peers) {
          if (peer.ipBlock) problems.push(`namespace ${namespace}: ${policy.name} allows an ipBlock`);
          const names = selectedNamespaces(peer.namespaceSelector);
          if (peer.namespaceSelector !== undefined && names === undefined) {
            problems.push(
              `namespace ${namespace}: ${policy.name} selects namespaces by something other than name`,
            );
          }
          for (const name of names ?? []) {
            const allowed = declared.get(namespace) ?? [];
            const scraper = name === monitoringNamespace && scrapeOnly;
            if (!platformInfrastructure.includes(name) && !allowed.includes(name) && !scraper) {
              problems.push(
                `namespace ${namespace}: ${policy.name} allows undeclared peer namespace ${name}`,
              );
            }
          }
        }
      }
    }
    const dns = policies.some((p) => JSON.stringify(p.inputs["spec"]).includes('"k8s-app":"kube-dns"'));
    if (!dns) problems.push(`namespace ${namespace}: no DNS egress allowance (pods could not resolve names)`);
    return problems;
  });
}

function selectedNamespaces(selector: unknown): string[] | undefined {
  if (selector === undefined) return [];
  const expressions = at(selector, "matchExpressions") as {
    key: string;
    operator: string;
    values: string[];
  }[];
  const matchLabels = at(selector, "matchLabels") as Record<string, string> | undefined;
  if (matchLabels && Object.keys(matchLabels).length > 0) return undefined;
  if (!expressions || expressions.length !== 1) return undefined;
  const [expr] = expressions;
  return expr?.key === "kubernetes.io/metadata.name" && expr.operator === "In" ? expr.values : undefined;
}

/** C-TEN-4: each tenant namespace has a ResourceQuota capping cpu, memory and pods, and a LimitRange. */
export function checkQuotas(graph: ResourceGraph): string[] {
  return tenantNamespaces(graph).flatMap((namespace) => {
    const problems: string[] = [];
    const quota = inNamespace(graph, types.resourceQuota, namespace)[0];
    const hard = (quota ? at(quota.inputs, "spec.hard") : undefined) as Record<string, string> | undefined;
    for (const key of ["requests.cpu", "limits.cpu", "requests.memory", "limits.memory", "pods"]) {
      if (!hard?.[key]) problems.push(`namespace ${namespace}: ResourceQuota does not cap ${key}`);
    }
    const limits = inNamespace(graph, types.limitRange, namespace)[0];
    const container = ((limits ? at(limits.inputs, "spec.limits") : []) as { type: string }[]).find(
      (l) => l.type === "Container",
    ) as { default?: object; defaultRequest?: object; max?: object } | undefined;
    if (!container?.default || !container.defaultRequest || !container.max) {
      problems.push(`namespace ${namespace}: LimitRange lacks container defaults and maximums`);
    }
    return problems;
  });
}

/** C-TEN-5 / C-ID-4: bindings name only the tenant's group; roles use no wildcards. */
export function checkTenantRbac(graph: ResourceGraph, groupByNamespace: Map<string, string>): string[] {
  return tenantNamespaces(graph).flatMap((namespace) => {
    const problems: string[] = [];
    const bindings = inNamespace(graph, types.roleBinding, namespace);
    if (bindings.length === 0) problems.push(`namespace ${namespace}: no RoleBinding for the tenant group`);
    for (const binding of bindings) {
      const subjects = (binding.inputs["subjects"] ?? []) as { kind: string; name: string }[];
      for (const subject of subjects) {
        if (subject.kind !== "Group" || subject.name !== groupByNamespace.get(namespace)) {
          problems.push(`namespace ${namespace}: ${binding.name} binds ${subject.kind} ${subject.name}`);
        }
      }
      const roleRef = binding.inputs["roleRef"] as { kind: string; name: string };
      if (roleRef.kind !== "Role")
        problems.push(`namespace ${namespace}: ${binding.name} binds a ${roleRef.kind}`);
    }
    for (const role of inNamespace(graph, types.role, namespace)) {
      for (const rule of (role.inputs["rules"] ?? []) as Record<string, string[]>[]) {
        for (const field of ["verbs", "resources", "apiGroups"]) {
          if ((rule[field] ?? []).includes("*"))
            problems.push(`namespace ${namespace}: ${role.name} has "*" in ${field}`);
        }
        if ((rule["resources"] ?? []).some((r) => r === "secrets" || r === "pods/exec")) {
          problems.push(`namespace ${namespace}: ${role.name} grants ${rule["resources"]?.join(",")}`);
        }
      }
    }
    return problems;
  });
}

/** C-ID-6: the default ServiceAccount of each tenant namespace mounts no token. */
export function checkDefaultServiceAccount(graph: ResourceGraph): string[] {
  return tenantNamespaces(graph).flatMap((namespace) => {
    const patch = inNamespace(graph, types.serviceAccountPatch, namespace).find(
      (sa) => at(sa.inputs, "metadata.name") === "default",
    );
    return patch?.inputs["automountServiceAccountToken"] === false
      ? []
      : [`namespace ${namespace}: default ServiceAccount still automounts its token`];
  });
}
