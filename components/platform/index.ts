/**
 * ZeroTrustPlatform: composes the cloud-agnostic platform on a ClusterHandle. This is the only
 * place that knows the order of the layers (shared/design.md): mesh, admission and signature
 * verification, runtime detection, scanning and monitoring, then the tenants. Add-ons depend only
 * on what they need, so `pulumi up` deploys independent ones in parallel.
 */
import * as pulumi from "@pulumi/pulumi";
import { Admission, type AdmissionArgs } from "../admission";
import { ExternalSecrets } from "../external-secrets";
import { Keycloak, keycloakNamespace, type KeycloakArgs } from "../identity";
import { PlatformAdmins } from "../identity/rbac";
import type { ClusterHandle } from "../cluster";
import type { ChartSource } from "../shared/charts";
import { ImageSignatures, includeLabel, type ImageSignaturesArgs } from "../image-signatures";
import { ingressNamespace, Mesh, type MeshArgs } from "../mesh";
import { Monitoring, monitoringNamespace, type MonitoringArgs } from "../monitoring";
import { NeuVector, neuvectorNamespace, type NeuVectorArgs } from "../neuvector";
import { RuntimeSecurity, falcoNamespace, type RuntimeSecurityArgs } from "../runtime-security";
import { Scanning, type ScanningArgs } from "../scanning";
import { TenantNamespace, type TenantQuota } from "../tenant";
import type { TenantIngress } from "../tenant/mesh";

export interface TenantSpec {
  readonly name: string;
  readonly idpGroup: string;
  /** The group the API server sees, when not groupsPrefix + idpGroup (Entra object IDs on AKS). */
  readonly rbacGroup?: string;
  readonly quota: TenantQuota;
  /** Tenants allowed to call into this one. */
  readonly allowedPeers: readonly string[];
  /** External hosts the tenant may reach (through the mesh). */
  readonly egressHosts?: readonly string[];
  /** A route from the ingress gateway to one of the tenant's services. */
  readonly ingress?: TenantIngress;
  /** The tenant's vault prefix (C-TEN-6); defaults to "tenants/<name>/". */
  readonly secretPrefix?: string;
}

export interface ZeroTrustPlatformArgs {
  readonly cluster: ClusterHandle;
  /** Where every Helm release takes its chart from: public repositories unless set. */
  readonly charts?: ChartSource;
  readonly tenants: readonly TenantSpec[];
  /** Prefix the API server adds to OIDC group claims; tenant RoleBindings use it. */
  readonly groupsPrefix: string;
  /** The IdP group of platform admins, bound to the narrow platform-admin ClusterRole (C-ID-4). */
  readonly platformAdminsGroup: string;
  /** The platform admins' group as the API server sees it, when not groupsPrefix + the name. */
  readonly platformAdminsRbacGroup?: string;
  /** External Secrets and the platform's vault store; omitted only when a dev stack switches it off. */
  readonly externalSecrets?: { readonly refreshInterval: string; readonly replicas: number };
  /** Keycloak, the people's issuer; needs the mesh and External Secrets. */
  readonly identityProvider?: Omit<KeycloakArgs, "cluster" | "secrets" | "meshReady">;
  /** Gatekeeper and the constraint library; omitted only when a dev stack switches admission off. */
  readonly admission?: Omit<AdmissionArgs, "cluster" | "meshNamespaces">;
  /** Image signature verification for tenant namespaces; omitted only when config switches it off. */
  readonly signatures?: Omit<ImageSignaturesArgs, "cluster">;
  /** In-cluster scanning (Trivy operator); omitted only when a dev stack switches it off. */
  readonly scanning?: Omit<ScanningArgs, "cluster">;
  /** Runtime threat detection (Falco); omitted only when a dev stack switches it off. */
  readonly runtimeSecurity?: Omit<RuntimeSecurityArgs, "cluster">;
  /** Prometheus, alert rules and scrape targets; omitted only when a dev stack switches it off. */
  readonly monitoring?: Omit<MonitoringArgs, "cluster">;
  /** The Istio mesh; omitted only when a dev stack switches it off. */
  readonly mesh?: Omit<MeshArgs, "cluster">;
  /** NeuVector, instead of or beside Falco (C-RT-5, optional). */
  readonly neuvector?: Omit<NeuVectorArgs, "cluster">;
}

export class ZeroTrustPlatform extends pulumi.ComponentResource {
  readonly tenantNamespaces: pulumi.Output<string[]>;

  constructor(name: string, args: ZeroTrustPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:platform:ZeroTrustPlatform", name, {}, opts);
    if (args.admission) {
      // Independent of the tenants: neither waits for the other, so `pulumi up` runs them in parallel.
      new Admission(
        "admission",
        {
          ...args.admission,
          cluster: args.cluster,
          charts: args.charts,
          meshNamespaces: args.tenants.map((t) => t.name),
          // Node agents (Falco, NeuVector's enforcer) need host access; the pod-security rule skips only them.
          podSecurityExemptNamespaces: [
            ...(args.runtimeSecurity ? [falcoNamespace] : []),
            ...(args.neuvector ? [neuvectorNamespace] : []),
          ],
        },
        { parent: this },
      );
    }
    if (args.signatures) {
      new ImageSignatures(
        "image-signatures",
        { ...args.signatures, cluster: args.cluster, charts: args.charts },
        { parent: this },
      );
    }
    const mesh = args.mesh
      ? new Mesh("mesh", { ...args.mesh, cluster: args.cluster, charts: args.charts }, { parent: this })
      : undefined;
    new PlatformAdmins(
      "platform-admins",
      {
        provider: args.cluster.provider,
        subject: args.platformAdminsRbacGroup ?? `${args.groupsPrefix}${args.platformAdminsGroup}`,
      },
      { parent: this },
    );
    const secrets = args.externalSecrets
      ? new ExternalSecrets(
          "external-secrets",
          {
            ...args.externalSecrets,
            cluster: args.cluster,
            charts: args.charts,
            // Only the namespaces that hold platform secrets may use the platform store.
            platformNamespaces: [keycloakNamespace, ingressNamespace],
          },
          { parent: this },
        )
      : undefined;
    if (secrets && mesh && args.mesh?.ingressHosts.length) {
      // C-MESH-6: the ingress certificate comes from the vault. Put the PEM chain and key for
      // every ingress host under these names in the platform scope (docs/mesh.md).
      secrets.platformSecret(
        "ingress-tls",
        {
          namespace: ingressNamespace,
          secretName: args.mesh.ingressTlsSecret,
          type: "kubernetes.io/tls",
          dependsOn: [mesh.ready],
          data: [
            { secretKey: "tls.crt", remoteRef: secrets.platformScope.remoteRef("ingress-tls-crt") },
            { secretKey: "tls.key", remoteRef: secrets.platformScope.remoteRef("ingress-tls-key") },
          ],
        },
        { parent: secrets, provider: args.cluster.provider },
      );
    }
    if (args.identityProvider) {
      if (!secrets || !mesh) {
        throw new Error("Keycloak needs External Secrets and the mesh (the stack config enforces this)");
      }
      new Keycloak(
        "keycloak",
        {
          ...args.identityProvider,
          cluster: args.cluster,
          secrets,
          meshReady: mesh.ready,
          ...(args.monitoring ? { scrapedBy: monitoringNamespace } : {}),
        },
        { parent: this },
      );
    }
    if (args.neuvector) {
      new NeuVector(
        "neuvector",
        { ...args.neuvector, cluster: args.cluster, charts: args.charts },
        { parent: this },
      );
    }
    if (args.monitoring) {
      new Monitoring(
        "monitoring",
        { ...args.monitoring, cluster: args.cluster, charts: args.charts },
        { parent: this },
      );
    }
    if (args.runtimeSecurity) {
      new RuntimeSecurity(
        "runtime-security",
        { ...args.runtimeSecurity, cluster: args.cluster, charts: args.charts },
        { parent: this },
      );
    }
    if (args.scanning) {
      new Scanning(
        "scanning",
        { ...args.scanning, cluster: args.cluster, charts: args.charts },
        { parent: this },
      );
    }
    const outbound = outboundPeers(args.tenants);
    const tenants = args.tenants.map(
      (tenant) =>
        new TenantNamespace(
          `tenant-${tenant.name}`,
          {
            cluster: args.cluster,
            name: tenant.name,
            idpGroup: tenant.idpGroup,
            groupsPrefix: args.groupsPrefix,
            ...(tenant.rbacGroup ? { rbacGroup: tenant.rbacGroup } : {}),
            quota: tenant.quota,
            inboundPeers: tenant.allowedPeers,
            outboundPeers: outbound.get(tenant.name) ?? [],
            ...(args.monitoring ? { scrapedBy: monitoringNamespace } : {}),
            namespaceLabels: args.signatures ? includeLabel : {},
            ...(secrets
              ? {
                  secrets: {
                    prefix: tenant.secretPrefix ?? `tenants/${tenant.name}/`,
                    dependsOn: secrets.ready,
                  },
                }
              : {}),
            ...(mesh
              ? {
                  mesh: {
                    egressHosts: tenant.egressHosts ?? [],
                    ...(tenant.ingress ? { ingress: tenant.ingress } : {}),
                    dependsOn: mesh.ready,
                  },
                }
              : {}),
          },
          { parent: this },
        ),
    );
    this.tenantNamespaces = pulumi.all(tenants.map((t) => t.namespace));
    this.registerOutputs({ tenantNamespaces: this.tenantNamespaces });
  }
}

/** A flow is declared once, by the callee; the caller's egress allowance is derived from it. */
export function outboundPeers(tenants: readonly TenantSpec[]): Map<string, string[]> {
  const outbound = new Map<string, string[]>();
  for (const callee of tenants) {
    for (const caller of callee.allowedPeers) {
      outbound.set(caller, [...(outbound.get(caller) ?? []), callee.name].sort());
    }
  }
  return outbound;
}
