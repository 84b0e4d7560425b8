/**
 * An existing cluster reached through a kubeconfig: local kind/k3d clusters, and any cluster whose
 * cloud layer is managed elsewhere. It creates only the Kubernetes provider; the identity binder
 * binds nothing, because a local cluster has no cloud identity to federate with.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle, IdentityBinder, WorkloadIdentityBinding } from "../cluster";
import { KubernetesSecretBackend } from "./secrets";

export interface ExistingClusterArgs {
  /** A display name for the cluster (outputs and summaries). */
  readonly clusterName: string;
  /** kubeconfig context to select; defaults to the kubeconfig's current context. */
  readonly context?: string;
  /**
   * A kubeconfig document. Always wrapped as a Pulumi secret. When absent, the provider reads
   * $KUBECONFIG or ~/.kube/config on the machine that runs `pulumi up`.
   */
  readonly kubeconfig?: pulumi.Input<string>;
}

/** The binder of a cluster without cloud identity: no annotations, no labels, no cloud resources. */
export const noCloudIdentity: IdentityBinder = {
  bindWorkloadIdentity: (): WorkloadIdentityBinding => ({ serviceAccountAnnotations: {}, podLabels: {} }),
};

export class ExistingCluster extends pulumi.ComponentResource {
  readonly handle: ClusterHandle;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:cluster:ExistingCluster", name, {}, opts);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      {
        ...(args.context ? { context: args.context } : {}),
        ...(args.kubeconfig ? { kubeconfig: pulumi.secret(args.kubeconfig) } : {}),
        // Server-side apply lets tenants patch objects Kubernetes creates (the default ServiceAccount).
        enableServerSideApply: true,
      },
      { parent: this },
    );
    this.handle = {
      kind: "existing",
      name: args.clusterName,
      provider,
      identity: noCloudIdentity,
      secrets: new KubernetesSecretBackend(provider, { parent: this }),
    };
    this.registerOutputs({ clusterName: args.clusterName });
  }
}
