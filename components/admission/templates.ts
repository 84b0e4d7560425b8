/**
 * The constraint library: one ConstraintTemplate per folder of policies/, whose Rego lives in
 * `template.rego` so `opa` and `gator` test exactly the file that ships. This module turns a
 * folder into the ConstraintTemplate object, for the component and for verify's gator step.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const policiesDir = path.join(__dirname, "policies");

export interface TemplateSpec {
  /** Folder under policies/ (kebab-case). */
  readonly folder: string;
  /** The constraint kind Gatekeeper generates, e.g. ZtPodSecurity. */
  readonly kind: string;
  readonly controls: readonly string[];
  readonly description: string;
  /** Kinds the constraint matches. */
  readonly matchKinds: readonly {
    readonly apiGroups: readonly string[];
    readonly kinds: readonly string[];
  }[];
  /** openAPIV3Schema of the constraint's parameters. */
  readonly parameters?: Record<string, unknown>;
  /**
   * "all": every namespace but the system ones. "tenants": tenant namespaces only, for rules about
   * what tenants build and run (images, ownership, mesh membership); platform add-ons run pinned
   * upstream images configured in code (components/versions.ts).
   */
  readonly scope: "all" | "tenants";
}

const pods = [{ apiGroups: [""], kinds: ["Pod"] }] as const;

export const templateSpecs: readonly TemplateSpec[] = [
  {
    folder: "pod-security",
    scope: "all",
    kind: "ZtPodSecurity",
    controls: ["C-ADM-2"],
    description:
      "Pods run under the restricted profile: non-root, no capabilities, read-only root, seccomp, no host access.",
    matchKinds: pods,
  },
  {
    folder: "allowed-images",
    scope: "tenants",
    kind: "ZtAllowedImages",
    controls: ["C-ADM-3"],
    description: "Images only from allowed registries, never :latest or untagged, by digest where required.",
    matchKinds: pods,
    parameters: {
      type: "object",
      properties: {
        registries: { type: "array", items: { type: "string" } },
        requireDigest: { type: "boolean" },
      },
    },
  },
  {
    folder: "resource-hygiene",
    scope: "tenants",
    kind: "ZtResourceHygiene",
    controls: ["C-ADM-4"],
    description: "Requests and limits on every container, ownership labels on every pod, nothing in default.",
    matchKinds: pods,
    parameters: {
      type: "object",
      properties: { requiredLabels: { type: "array", items: { type: "string" } } },
    },
  },
  {
    folder: "service-exposure",
    scope: "all",
    kind: "ZtServiceExposure",
    controls: ["C-ADM-7"],
    description: "LoadBalancer and NodePort services only in the ingress namespaces.",
    matchKinds: [{ apiGroups: [""], kinds: ["Service"] }],
    parameters: {
      type: "object",
      properties: { allowedNamespaces: { type: "array", items: { type: "string" } } },
    },
  },
  {
    folder: "mesh-injection",
    scope: "tenants",
    kind: "ZtMeshInjection",
    controls: ["C-MESH-4"],
    description: "Pods in mesh namespaces may not opt out of sidecar injection.",
    matchKinds: pods,
  },
];

export function templateName(spec: TemplateSpec): string {
  return spec.kind.toLowerCase();
}

export function readRego(spec: TemplateSpec): string {
  return fs.readFileSync(path.join(policiesDir, spec.folder, "template.rego"), "utf8");
}

/** The ConstraintTemplate object for a spec, exactly as the component deploys it. */
export function constraintTemplate(spec: TemplateSpec, annotations: Record<string, string> = {}) {
  return {
    apiVersion: "templates.gatekeeper.sh/v1",
    kind: "ConstraintTemplate",
    metadata: { name: templateName(spec), annotations: { description: spec.description, ...annotations } },
    spec: {
      crd: {
        spec: {
          names: { kind: spec.kind },
          ...(spec.parameters ? { validation: { openAPIV3Schema: spec.parameters } } : {}),
        },
      },
      targets: [{ target: "admission.k8s.gatekeeper.sh", rego: readRego(spec) }],
    },
  };
}
