/** C-MESH-3 / C-MESH-6: the gateway namespaces deny by default and open only what the gateways need. */
import { at, type ResourceGraph } from "../harness/graph";

type Port = { port?: number };
type Rule = { ports?: Port[]; to?: unknown[] };

const networkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export function checkGatewayNetwork(graph: ResourceGraph): string[] {
  const problems: string[] = [];
  for (const namespace of ["istio-ingress", "istio-egress"]) {
    const policies = graph
      .ofType(networkPolicy)
      .filter((p) => at(p.inputs, "metadata.namespace") === namespace);
    const denyAll = policies.some(
      (p) =>
        JSON.stringify(at(p.inputs, "spec.podSelector")) === "{}" &&
        JSON.stringify(at(p.inputs, "spec.policyTypes")) === '["Ingress","Egress"]' &&
        at(p.inputs, "spec.ingress") === undefined &&
        at(p.inputs, "spec.egress") === undefined,
    );
    if (!denyAll) problems.push(`${namespace}: no default-deny NetworkPolicy`);
    if (namespace === "istio-egress") {
      // Egress to arbitrary destinations (no `to`) is allowed on HTTPS and DNS ports only.
      for (const policy of policies) {
        for (const rule of (at(policy.inputs, "spec.egress") ?? []) as Rule[]) {
          if (rule.to !== undefined) continue;
          const ports = (rule.ports ?? []).map((p) => p.port);
          if (ports.length === 0 || ports.some((port) => port !== 443)) {
            problems.push(`${namespace}/${String(at(policy.inputs, "metadata.name"))}: egress beyond HTTPS`);
          }
        }
      }
    }
  }
  return problems;
}
