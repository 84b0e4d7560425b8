/**
 * A tenant's secrets (C-TEN-6): its own SecretStore in its namespace, reading only the tenant's
 * scope of the vault (its prefix on AWS, its own vault on Azure) through its own reader
 * ServiceAccount and cloud identity. No pod mounts that ServiceAccount; ESO requests its tokens.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import { externalSecretsApiVersion } from "../external-secrets";
import { controlAnnotations } from "../shared/labels";

export const tenantStoreName = "tenant-vault";
export const tenantReaderServiceAccount = "vault-reader";

export interface TenantSecretsArgs {
  readonly cluster: ClusterHandle;
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  /** The tenant's declared secret prefix (C-SEC-2), e.g. "tenants/payments/". */
  readonly prefix: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The External Secrets chart: its CRDs must exist before the store. */
  readonly dependsOn?: pulumi.Resource;
}

export function tenantSecretStore(
  name: string,
  args: TenantSecretsArgs,
  opts: pulumi.CustomResourceOptions,
): { boundary: pulumi.Output<string> } {
  const scope = args.cluster.secrets.tenant(args.tenant, args.prefix, { parent: opts.parent });
  const reader = { namespace: args.tenant, serviceAccount: tenantReaderServiceAccount, clusterStore: false };
  const binding = scope.grantRead(reader, { parent: opts.parent });
  const account = new k8s.core.v1.ServiceAccount(
    `${name}-vault-reader`,
    {
      metadata: {
        name: tenantReaderServiceAccount,
        namespace: args.namespace,
        labels: { ...args.labels, ...binding.podLabels },
        annotations: pulumi
          .output(binding.serviceAccountAnnotations)
          .apply((annotations) => ({ ...annotations, ...controlAnnotations("C-TEN-6", "C-ID-6") })),
      },
      automountServiceAccountToken: false,
    },
    opts,
  );
  new k8s.apiextensions.CustomResource(
    `${name}-secret-store`,
    {
      apiVersion: externalSecretsApiVersion,
      kind: "SecretStore",
      metadata: {
        name: tenantStoreName,
        namespace: args.namespace,
        labels: args.labels,
        annotations: controlAnnotations("C-TEN-6", "C-SEC-2"),
      },
      spec: { provider: scope.storeProvider(reader) },
    },
    { ...opts, dependsOn: [account, ...(args.dependsOn ? [args.dependsOn] : [])] },
  );
  return { boundary: scope.boundary };
}
