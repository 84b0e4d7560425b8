/**
 * The local-only secret backend (C-SEC-1 on a laptop): External Secrets' Kubernetes provider
 * reading Secrets from a vault namespace per scope (`zt-vault` for the platform,
 * `zt-vault-<tenant>` per tenant). Each vault namespace runs no pods, denies all traffic and is
 * readable only by its one reader ServiceAccount. Config refuses this backend outside dev: a
 * Kubernetes Secret is not a vault (no rotation, no HSM, readable by cluster admins).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  readerRef,
  type RemoteRef,
  type SecretBackend,
  type SecretReader,
  type SecretScope,
} from "../cluster";
import { controlAnnotations, managedByLabel } from "../shared/labels";
import { addonNamespace, namespacePolicies } from "../shared/platform-namespace";
import { denyAll } from "../shared/network-fragments";

export const platformVaultNamespace = "zt-vault";
export const tenantVaultNamespace = (tenant: string) => `zt-vault-${tenant}`;

export class KubernetesSecretBackend implements SecretBackend {
  readonly kind = "kubernetes";
  private platformScope?: SecretScope;

  constructor(
    private readonly provider: k8s.Provider,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {}

  /** Created on first use: a cluster without External Secrets gets no vault namespace. */
  get platform(): SecretScope {
    this.platformScope ??= this.scope(platformVaultNamespace, {});
    return this.platformScope;
  }

  tenant(tenant: string, _prefix: string, opts: pulumi.CustomResourceOptions): SecretScope {
    return this.scope(tenantVaultNamespace(tenant), opts);
  }

  private scope(vaultNamespace: string, opts: pulumi.CustomResourceOptions): SecretScope {
    const child = { ...this.opts, ...opts, provider: this.provider };
    const namespace = addonNamespace(
      vaultNamespace,
      { namespace: vaultNamespace, control: "C-SEC-1" },
      child,
    );
    namespacePolicies(vaultNamespace, namespace.metadata.name, "C-SEC-1", { "default-deny": denyAll }, child);
    const meta = (name: string) => ({
      name,
      namespace: namespace.metadata.name,
      labels: managedByLabel,
      annotations: controlAnnotations("C-SEC-1", "C-SEC-2"),
    });
    const remoteRef = (name: string): RemoteRef => ({ key: name, property: "value" });
    return {
      boundary: namespace.metadata.name,
      grantRead: (reader: SecretReader, grantOpts) => {
        const readerChild = { ...child, ...grantOpts };
        const role = new k8s.rbac.v1.Role(
          `${vaultNamespace}-reader`,
          {
            metadata: meta("vault-reader"),
            // What ESO's Kubernetes provider needs: read Secrets of this namespace, nothing else.
            rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
          },
          readerChild,
        );
        new k8s.rbac.v1.RoleBinding(
          `${vaultNamespace}-reader`,
          {
            metadata: meta("vault-reader"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: reader.serviceAccount, namespace: reader.namespace }],
          },
          readerChild,
        );
        return { serviceAccountAnnotations: {}, podLabels: {} };
      },
      storeProvider: (reader: SecretReader) => ({
        kubernetes: {
          remoteNamespace: vaultNamespace,
          server: {
            caProvider: {
              type: "ConfigMap",
              name: "kube-root-ca.crt",
              key: "ca.crt",
              ...(reader.clusterStore ? { namespace: reader.namespace } : {}),
            },
          },
          auth: { serviceAccount: readerRef(reader) },
        },
      }),
      // A Kubernetes Secret has no write-only input: the value is a Pulumi secret, encrypted in state.
      storeSecret: (name, { value }, storeOpts) => {
        new k8s.core.v1.Secret(
          `${vaultNamespace}-${name}`,
          { metadata: meta(name), type: "Opaque", stringData: { value: pulumi.secret(value) } },
          { ...child, ...storeOpts },
        );
        return remoteRef(name);
      },
      remoteRef,
    };
  }
}
