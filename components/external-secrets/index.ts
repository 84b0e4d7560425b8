/**
 * ExternalSecrets: the External Secrets Operator from its pinned chart, and the platform's
 * ClusterSecretStore (C-SEC-1, C-SEC-2, C-SEC-4). The store authenticates as one dedicated
 * ServiceAccount whose cloud identity (from the cluster's binder) reads only the platform scope of
 * the vault; the operator itself holds no cloud credentials. Only the platform namespaces named
 * here may use the store: a tenant can never read platform secrets through it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle, RemoteRef, SecretScope } from "../cluster";
import { controlAnnotations, managedByLabel } from "../shared/labels";
import { pinnedRelease, webhookNamespace } from "../shared/platform-namespace";
import { chartRepositories, upstream } from "../versions";
import { externalSecretsValues } from "./values";
import type { ChartSource } from "../shared/charts";

export const externalSecretsNamespace = "external-secrets";
export const platformStoreName = "platform-vault";
export const platformReaderServiceAccount = "platform-vault-reader";
export const externalSecretsApiVersion = "external-secrets.io/v1";

export interface ExternalSecretsArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  /** How often each ExternalSecret re-reads the vault, e.g. "15m" (C-SEC-4). */
  readonly refreshInterval: string;
  readonly replicas: number;
  /** Platform namespaces allowed to use the platform store (Keycloak, the ingress gateway, ...). */
  readonly platformNamespaces: readonly string[];
}

/** One value to sync from the vault into a Kubernetes Secret key. */
export interface SecretKeyRef {
  readonly secretKey: string;
  readonly remoteRef: RemoteRef;
}

export class ExternalSecrets extends pulumi.ComponentResource {
  /** The chart (with its CRDs); stores and ExternalSecrets wait for it. */
  readonly ready: pulumi.Resource;
  readonly refreshInterval: string;
  readonly platformScope: SecretScope;

  constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:secrets:ExternalSecrets", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };
    this.refreshInterval = args.refreshInterval;
    const namespace = webhookNamespace(
      name,
      {
        namespace: externalSecretsNamespace,
        control: "C-SEC-1",
        webhook: {
          webhookPort: 10250,
          metricsPort: 8080,
          webhookPods: { "app.kubernetes.io/name": "external-secrets-webhook" },
        },
      },
      child,
    );
    const release = pinnedRelease(
      `${name}-operator`,
      {
        releaseName: "external-secrets",
        upstream: upstream.externalSecrets,
        repo: chartRepositories.externalSecrets,
        charts: args.charts,
        namespace: namespace.metadata.name,
        values: externalSecretsValues({ replicas: args.replicas }),
      },
      child,
    );
    this.ready = release;

    // The store's reader: its own ServiceAccount, never mounted by any pod (ESO requests its tokens).
    this.platformScope = args.cluster.secrets.platform;
    const reader = {
      namespace: externalSecretsNamespace,
      serviceAccount: platformReaderServiceAccount,
      clusterStore: true,
    };
    const binding = this.platformScope.grantRead(reader, { parent: this });
    const readerAccount = new k8s.core.v1.ServiceAccount(
      `${name}-platform-reader`,
      {
        metadata: {
          name: platformReaderServiceAccount,
          namespace: namespace.metadata.name,
          labels: { ...managedByLabel, ...binding.podLabels },
          annotations: pulumi.output(binding.serviceAccountAnnotations).apply((annotations) => ({
            ...annotations,
            ...controlAnnotations("C-SEC-1", "C-SEC-2", "C-ID-6"),
          })),
        },
        automountServiceAccountToken: false,
      },
      child,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-platform-store`,
      {
        apiVersion: externalSecretsApiVersion,
        kind: "ClusterSecretStore",
        metadata: {
          name: platformStoreName,
          labels: managedByLabel,
          annotations: controlAnnotations("C-SEC-1", "C-SEC-2"),
        },
        spec: {
          provider: this.platformScope.storeProvider(reader),
          // Least privilege inside the cluster too: only these namespaces may reference the store.
          conditions: [{ namespaces: [...args.platformNamespaces].sort() }],
        },
      },
      { ...child, dependsOn: [release, readerAccount] },
    );
    this.registerOutputs({ namespace: namespace.metadata.name, platformStore: platformStoreName });
  }

  /** Syncs vault values into a Secret of a platform namespace, re-read every refresh interval. */
  platformSecret(
    name: string,
    args: {
      namespace: pulumi.Input<string>;
      secretName: string;
      data: readonly SecretKeyRef[];
      /** The Secret's type, e.g. kubernetes.io/tls; Opaque when absent. */
      type?: string;
      /** Besides the operator's chart, what must exist first (e.g. the mesh for istio-ingress). */
      dependsOn?: readonly pulumi.Resource[];
    },
    opts: pulumi.CustomResourceOptions,
  ): k8s.apiextensions.CustomResource {
    return externalSecret(
      name,
      {
        ...args,
        store: { kind: "ClusterSecretStore", name: platformStoreName },
        refreshInterval: this.refreshInterval,
        ...(args.type ? { type: args.type } : {}),
      },
      { ...opts, dependsOn: [this.ready, ...(args.dependsOn ?? [])] },
    );
  }

  /**
   * A Secret of random values made in the cluster by External Secrets' Password generator (one
   * unique value per key): the values never pass through the program, the Pulumi state or a vault
   * (C-SEC-4). A generator makes a new value on every sync, so the Secret is created once and
   * never refreshed (`refreshPolicy: CreatedOnce`) and outlives its ExternalSecret; deleting the
   * Secret makes a new one. Upstream:
   * external-secrets v1.3.2 docs/api/generator/password.md and the ExternalSecret CRD's
   * spec.refreshPolicy.
   */
  generatedSecret(
    name: string,
    args: { namespace: pulumi.Input<string>; secretName: string; keys: readonly string[] },
    opts: pulumi.CustomResourceOptions,
  ): k8s.apiextensions.CustomResource {
    const metadata = {
      name: args.secretName,
      namespace: args.namespace,
      labels: managedByLabel,
      annotations: controlAnnotations("C-SEC-4"),
    };
    const generator = new k8s.apiextensions.CustomResource(
      `${name}-generator`,
      {
        apiVersion: passwordGeneratorApiVersion,
        kind: "Password",
        metadata,
        // Letters and digits only: the values go into JDBC settings and env without quoting.
        spec: {
          length: 32,
          digits: 8,
          symbols: 0,
          noUpper: false,
          allowRepeat: true,
          secretKeys: [...args.keys],
        },
      },
      { ...opts, dependsOn: [this.ready] },
    );
    return new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: externalSecretsApiVersion,
        kind: "ExternalSecret",
        metadata,
        spec: {
          refreshPolicy: "CreatedOnce",
          // Not owned by the ExternalSecret: if Pulumi ever replaces it, the Secret and the value a
          // database was initialised with survive (the new ExternalSecret finds it and keeps it).
          // Deleting the namespace deletes it.
          target: { name: args.secretName, creationPolicy: "Orphan" },
          dataFrom: [
            {
              sourceRef: {
                generatorRef: {
                  apiVersion: passwordGeneratorApiVersion,
                  kind: "Password",
                  name: args.secretName,
                },
              },
            },
          ],
        },
      },
      { ...opts, dependsOn: [generator] },
    );
  }
}

const passwordGeneratorApiVersion = "generators.external-secrets.io/v1alpha1";

export interface ExternalSecretArgs {
  readonly namespace: pulumi.Input<string>;
  readonly secretName: string;
  readonly store: { readonly kind: "ClusterSecretStore" | "SecretStore"; readonly name: string };
  readonly refreshInterval: string;
  readonly data: readonly SecretKeyRef[];
  readonly type?: string;
}

export function externalSecret(
  name: string,
  args: ExternalSecretArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: externalSecretsApiVersion,
      kind: "ExternalSecret",
      metadata: {
        name: args.secretName,
        namespace: args.namespace,
        labels: managedByLabel,
        annotations: controlAnnotations("C-SEC-1", "C-SEC-4"),
      },
      spec: {
        refreshInterval: args.refreshInterval,
        secretStoreRef: args.store,
        // Owned by the ExternalSecret (deleted with it); a value removed from the vault is kept in
        // the Secret, so a vault mistake never empties the credentials of a running workload.
        target: {
          name: args.secretName,
          creationPolicy: "Owner",
          deletionPolicy: "Retain",
          ...(args.type ? { template: { type: args.type } } : {}),
        },
        data: args.data.map((item) => ({ secretKey: item.secretKey, remoteRef: { ...item.remoteRef } })),
      },
    },
    opts,
  );
}
