/**
 * Stack policies for the mesh and tenant network baseline: objects that must exist somewhere in
 * the stack, which no single-resource check can see.
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asRecord, at, isIstioKind, labelsOf, tenantLabel, text } from "./common";

const helmRelease = "kubernetes:helm.sh/v3:Release";
const isPeerAuthentication = isIstioKind("security.istio.io", "PeerAuthentication");
const isAuthorizationPolicy = isIstioKind("security.istio.io", "AuthorizationPolicy");

/** Mesh and tenant rules apply to stacks that deploy Kubernetes objects (not to a cluster-only stack). */
function kubernetesObjects(args: StackValidationArgs): PolicyResource[] {
  const objects = args.resources.filter((r) => r.type.startsWith("kubernetes:"));
  if (objects.length === 0) return args.notApplicable("the stack registers no Kubernetes objects");
  return objects;
}

const istiod = (resources: PolicyResource[]) =>
  resources.find((r) => r.type === helmRelease && r.props["chart"] === "istiod");

/** Istio's root namespace: mesh-wide policies live here. */
const rootNamespace = (resources: PolicyResource[]) =>
  text(at(istiod(resources)?.props, "values.meshConfig.rootNamespace") ?? "istio-system");

const namespaceOf = (r: PolicyResource) => at(r.props, "metadata.namespace");
const meshWide = (r: PolicyResource, root: string) =>
  namespaceOf(r) === root && Object.keys(asRecord(at(r.props, "spec.selector"))).length === 0;

export const meshPolicies: StackValidationPolicy[] = [
  {
    name: "mesh-strict-mtls-baseline",
    description: "A mesh-wide PeerAuthentication in Istio's root namespace sets mTLS mode STRICT.",
    tags: ["C-MESH-1"],
    validateStack: (args, report) => {
      const objects = kubernetesObjects(args);
      const root = rootNamespace(objects);
      const strict = objects.filter(
        (r) =>
          isPeerAuthentication(r.type) && meshWide(r, root) && at(r.props, "spec.mtls.mode") === "STRICT",
      );
      if (strict.length === 0) report(`no mesh-wide STRICT PeerAuthentication in ${root}`);
    },
  },
  {
    name: "mesh-default-deny-authorization",
    description:
      "A mesh-wide allow-nothing AuthorizationPolicy (ALLOW with no rules) exists in Istio's root namespace.",
    tags: ["C-MESH-2"],
    validateStack: (args, report) => {
      const objects = kubernetesObjects(args);
      const root = rootNamespace(objects);
      const allowNothing = objects.filter(
        (r) =>
          isAuthorizationPolicy(r.type) &&
          meshWide(r, root) &&
          (at(r.props, "spec.action") ?? "ALLOW") === "ALLOW" &&
          asArray(at(r.props, "spec.rules")).length === 0,
      );
      if (allowNothing.length === 0) report(`no mesh-wide allow-nothing AuthorizationPolicy in ${root}`);
    },
  },
  {
    name: "mesh-registry-only-egress",
    description:
      "istiod's mesh config sets outboundTrafficPolicy REGISTRY_ONLY: only declared ServiceEntries are reachable.",
    tags: ["C-MESH-3"],
    validateStack: (args, report) => {
      const release = istiod(kubernetesObjects(args));
      if (!release) return report("no istiod release in the stack");
      const mode = at(release.props, "values.meshConfig.outboundTrafficPolicy.mode");
      if (mode !== "REGISTRY_ONLY")
        report(`outboundTrafficPolicy is ${text(mode ?? "ALLOW_ANY (default)")}`, release.urn);
    },
  },
  {
    name: "tenant-default-deny-network",
    description: `Every tenant namespace (label ${tenantLabel}) has a NetworkPolicy denying all ingress and egress for all pods.`,
    tags: ["C-TEN-2"],
    validateStack: (args, report) => {
      const objects = kubernetesObjects(args);
      const denyAll = new Set(
        objects
          .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && isDenyAll(r))
          .map((r) => text(namespaceOf(r))),
      );
      for (const ns of objects.filter(
        (r) => r.type === "kubernetes:core/v1:Namespace" && labelsOf(r.props)[tenantLabel],
      )) {
        const name = text(at(ns.props, "metadata.name"));
        if (!denyAll.has(name)) report(`tenant namespace ${name} has no default-deny NetworkPolicy`, ns.urn);
      }
    },
  },
];

/** All pods selected, both directions governed, nothing allowed. */
function isDenyAll(policy: PolicyResource): boolean {
  const spec = asRecord(policy.props["spec"]);
  const selector = asRecord(spec["podSelector"]);
  const types = asArray(spec["policyTypes"]);
  return (
    Object.keys(asRecord(selector["matchLabels"])).length === 0 &&
    asArray(selector["matchExpressions"]).length === 0 &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    asArray(spec["ingress"]).length === 0 &&
    asArray(spec["egress"]).length === 0
  );
}
