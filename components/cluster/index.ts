/**
 * The contract between the cluster layer and everything above it (shared/design.md, layer 2).
 * An EKS, AKS or existing cluster each produce one `ClusterHandle`; platform components take it
 * and never ask which cloud they are on.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ManagedDatabases } from "./database";
import type { SecretBackend } from "./secrets";

export type { ManagedDatabases, PostgresDatabase, PostgresRequest } from "./database";
export {
  readerRef,
  type RemoteRef,
  type SecretBackend,
  type SecretReader,
  type SecretScope,
} from "./secrets";

/** A cloud-neutral capability a workload identity may be granted, on exact resources. */
export type WorkloadCapability =
  "secrets.read" | "keys.decrypt" | "registry.pull" | "logs.write" | "events.send";

export interface WorkloadPermission {
  readonly capability: WorkloadCapability;
  /** Exact resource identifiers (ARNs, Azure resource IDs, name prefixes); never wildcards. */
  readonly resources: readonly pulumi.Input<string>[];
}

export interface WorkloadIdentityRequest {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly permissions: readonly WorkloadPermission[];
}

export interface WorkloadIdentityBinding {
  /** Annotations to put on the Kubernetes ServiceAccount (IRSA role ARN, Azure client ID, ...). */
  readonly serviceAccountAnnotations: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Labels the pods of that ServiceAccount need (Azure workload identity's `use` label). */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Binds one Kubernetes ServiceAccount to one cloud identity (C-CL-5: one identity per add-on). */
export interface IdentityBinder {
  bindWorkloadIdentity(
    request: WorkloadIdentityRequest,
    opts?: pulumi.ComponentResourceOptions,
  ): WorkloadIdentityBinding;
}

export interface ClusterHandle {
  readonly kind: "aws" | "azure" | "existing";
  readonly name: pulumi.Input<string>;
  /** Provider for every Kubernetes object of the platform; no component uses a default provider. */
  readonly provider: k8s.Provider;
  /** The cluster's OIDC issuer for workload identity, where the cluster has one. */
  readonly oidcIssuerUrl?: pulumi.Output<string>;
  readonly identity: IdentityBinder;
  /** The private registry admission should allow images from (C-CL-10), where the cluster has one. */
  readonly registry?: pulumi.Output<string>;
  /** The vault External Secrets reads (C-SEC-1); the local one is for dev clusters only. */
  readonly secrets: SecretBackend;
  /** Managed databases, where the cloud offers them (not on an existing cluster). */
  readonly databases?: ManagedDatabases;
}
