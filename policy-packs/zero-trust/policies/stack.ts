/**
 * Stack policies that join two cloud resources: the AKS cluster and its diagnostic setting, and
 * an IAM role policy and the workload-identity role it is attached to.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asRecord, at } from "./common";

const aksCluster = "azure:containerservice/kubernetesCluster:KubernetesCluster";
const diagnosticSetting = "azure:monitoring/diagnosticSetting:DiagnosticSetting";
const auditCategories = ["kube-audit-admin", "guard"];

const iamRole = "aws:iam/role:Role";
const iamRolePolicy = "aws:iam/rolePolicy:RolePolicy";
/** The tag components/eks-cluster's IRSA binder puts on every workload-identity role. */
const binderTag = "zt-blueprint.io/service-account";

/** The resources a property was computed from: these joins hold at preview, before IDs exist. */
const sources = (r: PolicyResource, property: string) => r.propertyDependencies[property] ?? r.dependencies;

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
}

/**
 * Exact ARNs, a name prefix ending in "/*" (Secrets Manager paths) or the streams of one log group
 * (":*") are scoped; "*" alone or a wildcard anywhere else is not.
 */
export function isScopedResource(resource: string): boolean {
  const star = resource.indexOf("*");
  if (star === -1) return true;
  const trailing = star === resource.length - 1 && (resource.endsWith("/*") || resource.endsWith(":*"));
  const named = resource
    .split(":")
    .slice(5)
    .join(":")
    .replace(/[/:]\*$/, "");
  return trailing && resource.startsWith("arn:") && named.length > 0;
}

const listOf = (value: unknown): string[] =>
  typeof value === "string" ? [value] : asArray(value).map(String);

export function statementProblems(document: string): string[] {
  const statements = asArray(asRecord(JSON.parse(document) as unknown)["Statement"]) as Statement[];
  return statements
    .filter((s) => s.Effect === "Allow")
    .flatMap((s) => [
      ...(s.NotAction !== undefined ? ["NotAction grants every other action"] : []),
      ...(s.NotResource !== undefined ? ["NotResource grants every other resource"] : []),
      ...listOf(s.Action)
        .filter((action) => action.includes("*"))
        .map((action) => `wildcard action ${action}`),
      ...listOf(s.Resource)
        .filter((resource) => !isScopedResource(resource))
        .map((resource) => `unscoped resource ${resource}`),
    ]);
}

export const stackPolicies: StackValidationPolicy[] = [
  {
    name: "aks-audit-diagnostics",
    description: `Every AKS cluster has a diagnostic setting that ships ${auditCategories.join(" and ")} logs to Log Analytics.`,
    tags: ["C-CL-3"],
    validateStack: (args, report) => {
      const clusters = args.resources.filter((r) => r.type === aksCluster);
      if (clusters.length === 0) return args.notApplicable("the stack has no AKS cluster");
      const settings = args.resources.filter((r) => r.type === diagnosticSetting);
      for (const cluster of clusters) {
        const own = settings.filter((s) => sources(s, "targetResourceId").some((d) => d.urn === cluster.urn));
        if (own.length === 0) {
          report("the cluster has no diagnostic setting", cluster.urn);
          continue;
        }
        const categories = own.flatMap((s) => asArray(s.props["enabledLogs"]).map((l) => at(l, "category")));
        for (const category of auditCategories.filter((c) => !categories.includes(c)))
          report(`diagnostic category ${category} is off`, cluster.urn);
        if (!own.some((s) => s.props["logAnalyticsWorkspaceId"]))
          report("the diagnostic setting sends logs to no Log Analytics workspace", cluster.urn);
      }
    },
  },
  {
    name: "binder-role-least-privilege",
    description:
      "Inline policies of workload-identity (binder) roles name no wildcard action and no unscoped resource: exact ARNs or a prefix ending in /*.",
    tags: ["C-CL-5", "C-SEC-2"],
    validateStack: (args, report) => {
      const binderPolicies = args.resources.filter(
        (r) =>
          r.type === iamRolePolicy &&
          sources(r, "role").some(
            (role) => role.type === iamRole && asRecord(role.props["tags"])[binderTag] !== undefined,
          ),
      );
      if (binderPolicies.length === 0)
        return args.notApplicable("the stack has no workload-identity role policies");
      for (const policy of binderPolicies) {
        for (const problem of statementProblems(String(policy.props["policy"]))) report(problem, policy.urn);
      }
    },
  },
];
