/**
 * The tenant's Role (C-TEN-5, C-ID-4): what members of the tenant's IdP group may do inside their
 * own namespace. Verbs and resources are listed explicitly; no wildcards anywhere.
 *
 * Deliberately absent:
 * - `secrets`: tenants get secrets through External Secrets from their vault prefix, not by hand;
 * - `pods/exec`, `pods/attach`, `pods/portforward`: interactive access bypasses the mesh and audit
 *   trail; break-glass goes through the platform admins;
 * - write access to `networkpolicies`, `resourcequotas`, `limitranges`, `roles`, `rolebindings`:
 *   those are the isolation itself.
 */
import type * as k8s from "@pulumi/kubernetes";

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

const read = ["get", "list", "watch"];
const manage = [...read, "create", "update", "patch", "delete"];

export const tenantRoleRules: readonly PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["pods", "services", "configmaps", "persistentvolumeclaims", "serviceaccounts"],
    verbs: manage,
  },
  { apiGroups: [""], resources: ["pods/log", "events", "endpoints"], verbs: read },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: manage },
  { apiGroups: ["apps"], resources: ["replicasets"], verbs: read },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: manage },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: manage },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: manage },
  {
    apiGroups: ["", "networking.k8s.io", "rbac.authorization.k8s.io"],
    resources: ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"],
    verbs: read,
  },
];
