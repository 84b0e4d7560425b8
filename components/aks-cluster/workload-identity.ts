/**
 * The AKS identity binder (C-CL-5): a user-assigned managed identity per ServiceAccount, a
 * federated credential naming exactly that namespace and ServiceAccount, and role assignments
 * scoped to the exact resources passed in (never a subscription or resource group).
 */
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import type {
  IdentityBinder,
  WorkloadCapability,
  WorkloadIdentityBinding,
  WorkloadIdentityRequest,
} from "../cluster";

/** The Azure built-in role each cloud-neutral capability maps to. */
export const capabilityRoles: Readonly<Record<WorkloadCapability, string>> = {
  "secrets.read": "Key Vault Secrets User",
  "keys.decrypt": "Key Vault Crypto User",
  "registry.pull": "AcrPull",
  "logs.write": "Monitoring Metrics Publisher",
  "events.send": "Azure Event Hubs Data Sender",
};

/** A scope is exact when it names a resource (…/providers/<ns>/<type>/<name>…), not a container of them. */
export function assertResourceScope(scope: string): void {
  if (
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/*]+/i.test(scope) ||
    scope.includes("*")
  ) {
    throw new Error(
      `workload identity scope "${scope}" is not a single resource: name the exact resource ID`,
    );
  }
}

export class AzureWorkloadIdentityBinder implements IdentityBinder {
  constructor(
    private readonly clusterName: string,
    private readonly resourceGroupName: pulumi.Input<string>,
    private readonly location: string,
    private readonly oidcIssuerUrl: pulumi.Input<string>,
    private readonly opts: pulumi.CustomResourceOptions,
    private readonly tags: Record<string, string>,
  ) {}

  bindWorkloadIdentity(
    request: WorkloadIdentityRequest,
    opts?: pulumi.ComponentResourceOptions,
  ): WorkloadIdentityBinding {
    const name = `${this.clusterName}-${request.namespace}-${request.serviceAccount}`;
    const childOpts = { ...this.opts, ...(opts?.parent ? { parent: opts.parent } : {}) };
    const identity = new azure.authorization.UserAssignedIdentity(
      name,
      { resourceGroupName: this.resourceGroupName, location: this.location, tags: this.tags },
      childOpts,
    );
    new azure.armmsi.FederatedIdentityCredential(
      name,
      {
        resourceGroupName: this.resourceGroupName,
        parentId: identity.id,
        issuer: this.oidcIssuerUrl,
        subject: `system:serviceaccount:${request.namespace}:${request.serviceAccount}`,
        audience: "api://AzureADTokenExchange",
      },
      childOpts,
    );
    request.permissions.forEach((permission, p) =>
      permission.resources.forEach((resource, r) => {
        if (typeof resource === "string") assertResourceScope(resource);
        new azure.authorization.Assignment(
          `${name}-${p}-${r}`,
          {
            scope: pulumi.output(resource).apply((scope) => {
              assertResourceScope(scope);
              return scope;
            }),
            roleDefinitionName: capabilityRoles[permission.capability],
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
          },
          childOpts,
        );
      }),
    );
    return {
      serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
      podLabels: { "azure.workload.identity/use": "true" },
    };
  }
}
