/**
 * ResourceQuota and LimitRange for a tenant (C-TEN-4). The quota caps the namespace as a whole;
 * the LimitRange gives every container defaults, so a pod without requests still counts against
 * the quota instead of being rejected or running unbounded.
 */
import type * as k8s from "@pulumi/kubernetes";

export interface TenantQuota {
  /** CPU for the whole namespace, e.g. "4" or "2500m". */
  readonly cpu: string;
  /** Memory for the whole namespace, e.g. "8Gi". */
  readonly memory: string;
  readonly pods: number;
}

export function resourceQuotaSpec(quota: TenantQuota): k8s.types.input.core.v1.ResourceQuotaSpec {
  return {
    hard: {
      "requests.cpu": quota.cpu,
      "limits.cpu": quota.cpu,
      "requests.memory": quota.memory,
      "limits.memory": quota.memory,
      pods: String(quota.pods),
      persistentvolumeclaims: "10",
      // Tenants are reached through the ingress gateway only (C-ADM-7): no node ports, no LBs.
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    },
  };
}

export function limitRangeSpec(quota: TenantQuota): k8s.types.input.core.v1.LimitRangeSpec {
  return {
    limits: [
      {
        type: "Container",
        defaultRequest: { cpu: "100m", memory: "128Mi" },
        default: { cpu: "500m", memory: "512Mi" },
        max: { cpu: quota.cpu, memory: quota.memory },
      },
    ],
  };
}
