/**
 * The contract between the cluster layer and External Secrets (C-SEC-1, C-SEC-2, C-TEN-6). Each
 * cluster kind brings the vault it can offer: AWS Secrets Manager under a per-environment prefix,
 * Azure Key Vault (one vault per scope, because Key Vault has no prefixes to grant on), or, for
 * local clusters only, Kubernetes Secrets in a locked-down namespace. Platform components only
 * ever see a `SecretScope`: who may read it, how a store reads it, and where generated values go.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadIdentityBinding } from "./index";

/** The one ServiceAccount that reads a scope on behalf of External Secrets. */
export interface SecretReader {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The store is a ClusterSecretStore, whose references must name their namespace. */
  readonly clusterStore: boolean;
}

/** A store's reference to its reader; ESO refuses a namespace on references of namespaced stores. */
export function readerRef(reader: SecretReader): { name: string; namespace?: string } {
  return reader.clusterStore
    ? { name: reader.serviceAccount, namespace: reader.namespace }
    : { name: reader.serviceAccount };
}

/** Where External Secrets finds one stored value (`remoteRef` of an ExternalSecret). */
export interface RemoteRef {
  readonly key: string;
  readonly property?: string;
}

export interface SecretScope {
  /** What the scope covers, for outputs and docs: a name prefix, a vault, a namespace. */
  readonly boundary: pulumi.Output<string>;
  /** Grants one ServiceAccount read access to this scope and nothing else (C-SEC-2). */
  grantRead(reader: SecretReader, opts: pulumi.CustomResourceOptions): WorkloadIdentityBinding;
  /** The `spec.provider` of a SecretStore that reads this scope as `reader`; no static credentials. */
  storeProvider(reader: SecretReader): pulumi.Input<Record<string, unknown>>;
  /** How External Secrets reads a value stored in this scope under `name` (by us or by an operator). */
  remoteRef(name: string): RemoteRef;
  /**
   * Writes a generated value into the vault and says how to read it back. Cloud vaults receive it
   * through a write-only input, so it is never stored in Pulumi state; `version` must change
   * whenever the value does (rotation), because write-only inputs are not diffed.
   */
  storeSecret(
    name: string,
    secret: { readonly value: pulumi.Output<string>; readonly version: number },
    opts: pulumi.CustomResourceOptions,
  ): RemoteRef;
}

export type SecretBackendKind = "aws-secrets-manager" | "azure-key-vault" | "kubernetes";

export interface SecretBackend {
  readonly kind: SecretBackendKind;
  /** The platform's own secrets (Keycloak credentials, ingress certificates). */
  readonly platform: SecretScope;
  /** A tenant's scope: its own prefix or vault; `prefix` is the tenant's declared secret prefix. */
  tenant(tenant: string, prefix: string, opts: pulumi.CustomResourceOptions): SecretScope;
}
