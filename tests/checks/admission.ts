/** Admission checks (C-ADM-1, C-ADM-6 and the constraint set) on a captured graph. */
import { systemNamespaces } from "../../components/admission";
import { templateSpecs } from "../../components/admission/templates";
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

export const admission = {
  release: "kubernetes:helm.sh/v3:Release",
  custom: (kind: string) =>
    `kubernetes:${kind === "ConstraintTemplate" ? "templates.gatekeeper.sh/v1" : "constraints.gatekeeper.sh/v1beta1"}:${kind}`,
} as const;

export function gatekeeperRelease(graph: ResourceGraph): CapturedResource {
  const release = graph.ofType(admission.release).find((r) => r.inputs["chart"] === "gatekeeper");
  if (!release) throw new Error("no Gatekeeper release");
  return release;
}

export function constraints(graph: ResourceGraph): CapturedResource[] {
  return templateSpecs.flatMap((spec) => graph.ofType(admission.custom(spec.kind)));
}

/**
 * C-ADM-1: fail closed (unless dev opted out), audit on, only system namespaces exempt; the
 * pod-security constraint may also skip Falco's node-agent namespace.
 */
export function checkGatekeeper(graph: ResourceGraph, tier: string): string[] {
  const values = gatekeeperRelease(graph).inputs["values"] as Record<string, unknown>;
  const problems: string[] = [];
  if (tier !== "dev" && values["validatingWebhookFailurePolicy"] !== "Fail")
    problems.push("the webhook fails open");
  if (values["disableAudit"] !== false || !((values["auditInterval"] as number) > 0))
    problems.push("audit is off");
  const exempt = (at(values, "controllerManager.exemptNamespaces") ?? []) as string[];
  const allowed = new Set<string>(systemNamespaces);
  for (const ns of exempt) if (!allowed.has(ns)) problems.push(`non-system namespace ${ns} is exempt`);
  for (const constraint of constraints(graph)) {
    const nodeAgents =
      at(constraint.inputs, "metadata.name") === "pod-security" ? ["falco", "neuvector"] : [];
    for (const ns of (at(constraint.inputs, "spec.match.excludedNamespaces") ?? []) as string[]) {
      if (!allowed.has(ns) && !nodeAgents.includes(ns))
        problems.push(`${constraint.name} excludes non-system namespace ${ns}`);
    }
  }
  if (constraints(graph).length !== templateSpecs.length) {
    problems.push(`${constraints(graph).length} constraints for ${templateSpecs.length} templates`);
  }
  return problems;
}

export function enforcementActions(graph: ResourceGraph): Record<string, string> {
  return Object.fromEntries(
    constraints(graph).map((c) => [
      String(at(c.inputs, "metadata.name")),
      String(at(c.inputs, "spec.enforcementAction")),
    ]),
  );
}

/** C-ADM-5: every tenant namespace is verified, in enforce mode outside dev, against configured authorities. */
export function checkSignatureVerification(graph: ResourceGraph, tier: string): string[] {
  const policy = graph.ofType("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy")[0];
  if (!policy) return ["no ClusterImagePolicy"];
  const problems: string[] = [];
  const mode = at(policy.inputs, "spec.mode");
  if (tier !== "dev" && mode !== "enforce")
    problems.push(`signature verification is in ${String(mode)} mode`);
  if (((at(policy.inputs, "spec.authorities") ?? []) as unknown[]).length === 0)
    problems.push("no signature authorities");
  if (((at(policy.inputs, "spec.images") ?? []) as unknown[]).length === 0)
    problems.push("no images are covered");
  for (const ns of graph.ofType("kubernetes:core/v1:Namespace")) {
    const labels = (at(ns.inputs, "metadata.labels") ?? {}) as Record<string, string>;
    if (labels["zt-blueprint.io/tenant"] && labels["policy.sigstore.dev/include"] !== "true") {
      problems.push(`tenant namespace ${String(at(ns.inputs, "metadata.name"))} is not verified`);
    }
  }
  const release = graph.ofType(admission.release).find((r) => r.inputs["chart"] === "policy-controller");
  if (at(release?.inputs, "values.webhook.failurePolicy") !== "Fail" && tier !== "dev")
    problems.push("the verifier fails open");
  return problems;
}
