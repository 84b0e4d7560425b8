/**
 * Platform admins (C-ID-4): the IdP group is bound to a narrow ClusterRole, never to
 * `cluster-admin`. Admins operate the platform — read everything except Secret values, restart
 * and scale workloads, read logs, cordon and drain nodes, manage the platform's policy objects —
 * but cannot read Secrets, impersonate, escalate or bind roles, or change admission webhooks;
 * those stay with the pipeline identity that runs `pulumi up` (C-CL-4 break-glass path).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { templateSpecs } from "../admission/templates";
import { controlAnnotations, managedByLabel } from "../shared/labels";

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

const read = ["get", "list", "watch"];
const operate = [...read, "update", "patch"];

export const platformAdminRoleName = "zt-platform-admin";

export const platformAdminRules: readonly PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "pods",
      "pods/log",
      "services",
      "endpoints",
      "configmaps",
      "events",
      "namespaces",
      "nodes",
      "persistentvolumes",
      "persistentvolumeclaims",
      "resourcequotas",
      "limitranges",
      "serviceaccounts",
    ],
    verbs: read,
  },
  { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
  { apiGroups: [""], resources: ["nodes"], verbs: ["patch"] },
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "statefulsets", "daemonsets", "deployments/scale", "statefulsets/scale"],
    verbs: operate,
  },
  { apiGroups: ["apps"], resources: ["replicasets", "controllerrevisions"], verbs: read },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: [...operate, "create", "delete"] },
  {
    apiGroups: ["networking.k8s.io", "policy", "rbac.authorization.k8s.io", "autoscaling"],
    resources: [
      "networkpolicies",
      "poddisruptionbudgets",
      "roles",
      "rolebindings",
      "clusterroles",
      "clusterrolebindings",
      "horizontalpodautoscalers",
    ],
    verbs: read,
  },
  {
    apiGroups: ["security.istio.io", "networking.istio.io"],
    resources: [
      "authorizationpolicies",
      "peerauthentications",
      "requestauthentications",
      "sidecars",
      "serviceentries",
      "virtualservices",
      "gateways",
      "destinationrules",
    ],
    verbs: read,
  },
  { apiGroups: ["templates.gatekeeper.sh"], resources: ["constrainttemplates"], verbs: read },
  // Constraints' plural resource names are their lowercased kinds.
  {
    apiGroups: ["constraints.gatekeeper.sh"],
    resources: templateSpecs.map((spec) => spec.kind.toLowerCase()),
    verbs: read,
  },
  {
    apiGroups: ["external-secrets.io"],
    resources: ["externalsecrets", "secretstores", "clustersecretstores"],
    verbs: read,
  },
  {
    apiGroups: ["aquasecurity.github.io"],
    resources: [
      "vulnerabilityreports",
      "configauditreports",
      "exposedsecretreports",
      "rbacassessmentreports",
      "clusterrbacassessmentreports",
      "infraassessmentreports",
    ],
    verbs: read,
  },
];

export interface PlatformAdminsArgs {
  readonly provider: k8s.Provider;
  /** The group as the API server sees it: "oidc:platform-admins", or an Entra object ID on AKS. */
  readonly subject: string;
}

/** The platform-admin ClusterRole and its one group binding. */
export class PlatformAdmins extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformAdminsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:identity:PlatformAdmins", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const metadata = (objectName: string) => ({
      name: objectName,
      labels: managedByLabel,
      annotations: controlAnnotations("C-ID-4"),
    });
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-role`,
      { metadata: metadata(platformAdminRoleName), rules: [...platformAdminRules] },
      child,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-binding`,
      {
        metadata: metadata(platformAdminRoleName),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: args.subject }],
      },
      child,
    );
    this.registerOutputs({ role: platformAdminRoleName });
  }
}
