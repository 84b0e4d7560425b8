/**
 * TenantNamespace: the Kubernetes-native isolation of one tenant. One namespace with Pod Security
 * `restricted` (C-TEN-1), default-deny networking with declared flows only (C-TEN-2), quota and
 * limits (C-TEN-4), RBAC for the tenant's IdP group only (C-TEN-5, C-ID-4), and a default
 * ServiceAccount that mounts no token (C-ID-6), mesh membership and authorization (C-TEN-3), and
 * its own SecretStore and cloud identity (C-TEN-6).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import { controlAnnotations, managedByLabel, podSecurityLabels } from "../shared/labels";
import { podSecurityStandardVersion } from "../versions";
import { tenantMeshObjects, type TenantIngress } from "./mesh";
import { tenantNetworkPolicies } from "./network-policies";
import { limitRangeSpec, resourceQuotaSpec, type TenantQuota } from "./quotas";
import { tenantRoleRules } from "./rbac";
import { tenantSecretStore } from "./secrets";

export type { TenantQuota } from "./quotas";

export interface TenantNamespaceArgs {
  readonly cluster: ClusterHandle;
  /** Namespace name; a DNS-1123 label. */
  readonly name: string;
  /** IdP group whose members work in this namespace. */
  readonly idpGroup: string;
  /** Prefix the API server adds to OIDC group claims (must match the cluster's OIDC config). */
  readonly groupsPrefix: string;
  /**
   * The group name the API server sees for this tenant, when it is not groupsPrefix + idpGroup:
   * AKS authenticates people with Entra ID, whose group claims are object IDs.
   */
  readonly rbacGroup?: string;
  readonly quota: TenantQuota;
  /** Namespaces allowed to call into this tenant. */
  readonly inboundPeers?: readonly string[];
  /** Namespaces this tenant may call (those that declared it as a peer). */
  readonly outboundPeers?: readonly string[];
  /** Prometheus's namespace, when monitoring is on: it may scrape the tenant's sidecars. */
  readonly scrapedBy?: string;
  /** Labels other platform components need on the namespace (signature verification, mesh). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Mesh membership, when the mesh add-on is on: the tenant's external hosts. */
  readonly mesh?: {
    readonly egressHosts: readonly string[];
    readonly ingress?: TenantIngress;
    readonly dependsOn?: pulumi.Resource;
  };
  /** The tenant's vault scope and SecretStore, when External Secrets is on (C-TEN-6). */
  readonly secrets?: {
    /** The tenant's declared secret prefix, e.g. "tenants/payments/". */
    readonly prefix: string;
    readonly dependsOn?: pulumi.Resource;
  };
}

export const tenantRoleName = "tenant-developer";

export class TenantNamespace extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:tenancy:TenantNamespace", name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, provider: args.cluster.provider };
    const labels = { ...managedByLabel, "zt-blueprint.io/tenant": args.name };

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.name,
          labels: {
            ...(args.namespaceLabels ?? {}),
            ...(args.mesh ? { "istio-injection": "enabled" } : {}),
            ...labels,
            ...podSecurityLabels("restricted", podSecurityStandardVersion),
          },
          annotations: controlAnnotations("C-TEN-1", "C-ADM-2"),
        },
      },
      child,
    );
    const namespace = ns.metadata.name;
    const meta = (objectName: string, ...controls: string[]) => ({
      name: objectName,
      namespace,
      labels,
      annotations: controlAnnotations(...controls),
    });

    const policies = tenantNetworkPolicies({
      inboundPeers: args.inboundPeers ?? [],
      outboundPeers: args.outboundPeers ?? [],
      mesh: args.mesh !== undefined,
      ingress: args.mesh?.ingress !== undefined,
      ...(args.scrapedBy ? { scrapedBy: args.scrapedBy } : {}),
    });
    for (const [policyName, spec] of Object.entries(policies)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policyName}`,
        { metadata: meta(policyName, "C-TEN-2"), spec },
        child,
      );
    }

    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      { metadata: meta("tenant-quota", "C-TEN-4"), spec: resourceQuotaSpec(args.quota) },
      child,
    );
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      { metadata: meta("tenant-limits", "C-TEN-4"), spec: limitRangeSpec(args.quota) },
      child,
    );

    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      { metadata: meta(tenantRoleName, "C-TEN-5", "C-ID-4"), rules: [...tenantRoleRules] },
      child,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-role-binding`,
      {
        metadata: meta(`${tenantRoleName}-${args.idpGroup}`.toLowerCase(), "C-TEN-5", "C-ID-4"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [
          {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "Group",
            name: args.rbacGroup ?? `${args.groupsPrefix}${args.idpGroup}`,
          },
        ],
      },
      child,
    );

    if (args.mesh) {
      const flows = {
        namespace: args.name,
        inboundPeers: args.inboundPeers ?? [],
        outboundPeers: args.outboundPeers ?? [],
        egressHosts: args.mesh.egressHosts,
        ...(args.mesh.ingress ? { ingress: args.mesh.ingress } : {}),
      };
      for (const object of tenantMeshObjects(flows)) {
        const controls =
          object.kind === "ServiceEntry"
            ? ["C-MESH-3"]
            : object.kind === "RequestAuthentication" || object.kind === "VirtualService"
              ? ["C-MESH-6"]
              : ["C-TEN-3", "C-MESH-2"];
        new k8s.apiextensions.CustomResource(
          `${name}-${object.kind.toLowerCase()}-${object.metadata.name}`,
          {
            ...object,
            metadata: { ...object.metadata, namespace, labels, annotations: controlAnnotations(...controls) },
          },
          { ...child, ...(args.mesh.dependsOn ? { dependsOn: [args.mesh.dependsOn] } : {}) },
        );
      }
    }

    if (args.secrets) {
      tenantSecretStore(
        name,
        {
          cluster: args.cluster,
          tenant: args.name,
          namespace,
          prefix: args.secrets.prefix,
          labels,
          ...(args.secrets.dependsOn ? { dependsOn: args.secrets.dependsOn } : {}),
        },
        child,
      );
    }

    // Kubernetes creates `default` in every namespace; patch it so pods that name no
    // ServiceAccount get no API token (C-ID-6).
    new k8s.core.v1.ServiceAccountPatch(
      `${name}-default-sa`,
      { metadata: meta("default", "C-ID-6"), automountServiceAccountToken: false },
      child,
    );

    this.namespace = namespace;
    this.registerOutputs({ namespace });
  }
}
