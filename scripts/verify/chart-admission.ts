/**
 * Would our own admission let the platform's pods in? `gator test` runs the stack's
 * ConstraintTemplates and Constraints, exactly as its render emits them, over the objects every
 * templated chart creates, in the namespace the component installs the chart into, and over the
 * workloads our components register themselves (Keycloak, its database and realm job). Workloads are
 * expanded into the Pods their controllers will create, so the pod constraints judge them; the
 * constraints' own match (kinds, namespaces, excludedNamespaces) decides what is judged.
 *
 * Every violation fails, whatever the constraint's enforcementAction: dev runs constraints in
 * dryrun, but the same chart values ship to prod, where the same pod would be denied.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { TemplatedChart } from "./helm";
import { goToolPath } from "./tools";
import { offline, type ValidatorResult } from "./validators";

export const chartAdmissionLabel = "gator test (platform pods vs our constraints)";

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"]);

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
}

interface MatchKind {
  apiGroups?: string[];
  kinds?: string[];
}

/**
 * What the workload controllers do: each creates Pods from its pod template. Used only when the
 * render brings no ExpansionTemplate of its own; it changes no enforcementAction.
 */
export const workloadExpansions: KubeObject[] = [
  expansion("expand-workloads", "spec.template", [
    { groups: ["apps"], kinds: ["DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"] },
    { groups: ["batch"], kinds: ["Job"] },
    { groups: [""], kinds: ["ReplicationController"] },
  ]),
  expansion("expand-cronjobs", "spec.jobTemplate.spec.template", [{ groups: ["batch"], kinds: ["CronJob"] }]),
];

function expansion(name: string, templateSource: string, applyTo: { groups: string[]; kinds: string[] }[]) {
  return {
    apiVersion: "expansion.gatekeeper.sh/v1alpha1",
    kind: "ExpansionTemplate",
    metadata: { name },
    spec: {
      applyTo: applyTo.map((a) => ({ ...a, versions: ["v1"] })),
      templateSource,
      generatedGVK: { group: "", version: "v1", kind: "Pod" },
    },
  };
}

export function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(file, "utf8"), { uniqueKeys: false })
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === "object" && typeof o.kind === "string");
}

const group = (apiVersion = "") => (apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "");
const isConstraint = (o: KubeObject) => group(o.apiVersion) === "constraints.gatekeeper.sh";
const isExpansion = (o: KubeObject) => o.kind === "ExpansionTemplate";

/** True when a constraint's match.kinds or an expansion's applyTo names the object's kind. */
function judged(object: KubeObject, policies: readonly KubeObject[]): boolean {
  const kindMatches = (groups: string[] = [], kinds: string[] = []) =>
    (groups.includes("*") || groups.includes(group(object.apiVersion))) &&
    (kinds.includes("*") || kinds.includes(object.kind ?? ""));
  return policies.some((p) => {
    if (isExpansion(p))
      return ((p.spec?.["applyTo"] ?? []) as { groups?: string[]; kinds?: string[] }[]).some((a) =>
        kindMatches(a.groups, a.kinds),
      );
    const match = (p.spec?.["match"] ?? {}) as { kinds?: MatchKind[] };
    return (match.kinds ?? [{ apiGroups: ["*"], kinds: ["*"] }]).some((k) =>
      kindMatches(k.apiGroups, k.kinds),
    );
  });
}

interface GatorViolation {
  msg: string;
  enforcementAction: string;
  constraint: { kind: string; metadata: { name: string } };
  violatingObject: KubeObject;
}

export function gatorTestCharts(
  renderFiles: readonly string[],
  charts: readonly TemplatedChart[],
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-chart-admission-")),
): ValidatorResult {
  const rendered = renderFiles.flatMap(readObjects);
  const templates = rendered.filter((o) => o.kind === "ConstraintTemplate");
  const constraints = rendered.filter(isConstraint);
  const ownWorkloads = rendered.filter((o) => workloadKinds.has(o.kind ?? ""));
  if (constraints.length === 0 || (charts.length === 0 && ownWorkloads.length === 0))
    return {
      validator: chartAdmissionLabel,
      objects: 0,
      failures: [],
      notes: ["no constraints, or no chart or workload to judge"],
    };
  const renderedExpansions = rendered.filter(isExpansion);
  const expansions = renderedExpansions.length > 0 ? renderedExpansions : workloadExpansions;
  const namespaces = rendered.filter((o) => o.kind === "Namespace");

  // Which chart each object came from, to name it in a failure.
  const origin = new Map<string, string>();
  const reviewed: KubeObject[] = [];
  for (const { release, file } of charts) {
    for (const object of readObjects(file)) {
      if (!judged(object, [...constraints, ...expansions])) continue;
      // helm install puts namespaced objects without a namespace into the release's namespace.
      object.metadata = { ...object.metadata, namespace: object.metadata?.namespace ?? release.namespace };
      origin.set(objectId(object), `${release.chart} chart (Release ${release.namespace}/${release.name})`);
      reviewed.push(object);
    }
  }
  for (const object of ownWorkloads) {
    if (!judged(object, [...constraints, ...expansions])) continue;
    origin.set(objectId(object), "our manifests");
    reviewed.push(object);
  }
  const input = path.join(workDir, "gator-input.yaml");
  fs.mkdirSync(workDir, { recursive: true });
  fs.writeFileSync(
    input,
    [...templates, ...constraints, ...expansions, ...namespaces, ...reviewed]
      .map((o) => stringify(o))
      .join("---\n"),
  );
  const result = offline(goToolPath("gator"), ["test", "--filename", input, "--output", "json"]);
  let violations: GatorViolation[];
  try {
    violations = (JSON.parse(result.stdout || "null") as GatorViolation[] | null) ?? [];
  } catch {
    return {
      validator: chartAdmissionLabel,
      objects: reviewed.length,
      failures: [
        `gator test did not print JSON (exit ${result.status}): ${result.stderr.trim().slice(0, 2000)}`,
      ],
    };
  }
  const failures = violations.map((v) => {
    const id = objectId(v.violatingObject);
    const constraint = `${v.constraint.kind}/${v.constraint.metadata.name} (${v.enforcementAction})`;
    return `${origin.get(id) ?? "chart"}: ${id}: ${constraint}: ${v.msg}`;
  });
  return {
    validator: chartAdmissionLabel,
    objects: reviewed.length,
    failures: [...new Set(failures)].sort(),
  };
}

function objectId(object: KubeObject): string {
  return `${object.kind}/${object.metadata?.namespace ?? "-"}/${object.metadata?.name ?? ""}`;
}
