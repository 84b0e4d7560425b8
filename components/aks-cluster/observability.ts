/**
 * Control-plane audit logs (C-CL-3, C-RT-4): every AKS log category that matters for audit,
 * including kube-audit-admin and guard (Entra ID authentication), to a Log Analytics workspace
 * with the tier's retention.
 */
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";

export const aksAuditLogCategories = [
  "kube-apiserver",
  "kube-audit-admin",
  "kube-controller-manager",
  "kube-scheduler",
  "cluster-autoscaler",
  "guard",
] as const;

export function createAuditLogs(
  args: {
    name: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    clusterId: pulumi.Input<string>;
    retentionDays: number;
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): azure.operationalinsights.AnalyticsWorkspace {
  const workspace = new azure.operationalinsights.AnalyticsWorkspace(
    `${args.name}-logs`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      sku: "PerGB2018",
      retentionInDays: args.retentionDays,
      localAuthenticationEnabled: false,
      tags: args.tags,
    },
    opts,
  );
  new azure.monitoring.DiagnosticSetting(
    `${args.name}-audit`,
    {
      name: "zt-blueprint-audit",
      targetResourceId: args.clusterId,
      logAnalyticsWorkspaceId: workspace.id,
      logAnalyticsDestinationType: "Dedicated",
      enabledLogs: aksAuditLogCategories.map((category) => ({ category })),
    },
    opts,
  );
  return workspace;
}
