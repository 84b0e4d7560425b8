/**
 * ImageSignatures: sigstore's policy-controller verifies image signatures at admission for every
 * tenant namespace (C-ADM-5). Trust comes from config: cosign public keys and/or keyless
 * (Fulcio) issuer + subject pairs. Dev may run in warn mode; staging and prod enforce.
 *
 * Why policy-controller rather than Connaisseur: it is maintained by the sigstore project that
 * defines the signature formats, verifies keyless signatures natively, and its CRDs ship in its Go
 * module at the pinned version, so every ClusterImagePolicy we render is schema-validated offline.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import { controlAnnotations } from "../shared/labels";
import { pinnedRelease, webhookNamespace } from "../shared/platform-namespace";
import { chartRepositories, images, upstream } from "../versions";
import type { ChartSource } from "../shared/charts";

export const signatureNamespace = "cosign-system";
/** Tenant namespaces carry this label; the verifier judges only labelled namespaces. */
export const includeLabel = { "policy.sigstore.dev/include": "true" } as const;

export type SignatureAuthority =
  | { readonly name: string; readonly publicKey: string }
  | {
      readonly name: string;
      readonly keyless: {
        readonly issuer: string;
        readonly subject?: string;
        readonly subjectRegExp?: string;
      };
    };

export interface ImageSignaturesArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  /** enforce rejects unsigned images; warn admits them with a warning (dev only). */
  readonly mode: "enforce" | "warn";
  readonly authorities: readonly SignatureAuthority[];
  /** Image globs that must be signed, besides everything from the cluster's registry. */
  readonly images?: readonly pulumi.Input<string>[];
  /** Weakens C-ADM-5: the webhook admits pods when the verifier is down. dev only. */
  readonly webhookFailOpen?: boolean;
  readonly replicas?: number;
}

export class ImageSignatures extends pulumi.ComponentResource {
  constructor(name: string, args: ImageSignaturesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:admission:ImageSignatures", name, {}, opts);
    if (args.authorities.length === 0) {
      throw new Error(
        "image signature verification needs at least one authority (a public key or a keyless identity)",
      );
    }
    const child = { parent: this, provider: args.cluster.provider };
    const namespace = webhookNamespace(
      name,
      {
        namespace: signatureNamespace,
        control: "C-ADM-5",
        webhook: {
          webhookPort: 8443,
          metricsPort: 9090,
          webhookPods: { "app.kubernetes.io/name": "policy-controller" },
        },
      },
      child,
    );
    const release = pinnedRelease(
      `${name}-policy-controller`,
      {
        releaseName: "policy-controller",
        upstream: upstream.policyController,
        repo: chartRepositories.policyController,
        charts: args.charts,
        namespace: namespace.metadata.name,
        values: policyControllerValues(args),
      },
      child,
    );

    const globs = [
      ...(args.images ?? []),
      ...(args.cluster.registry ? [args.cluster.registry.apply((r) => `${r.split("/")[0]}/**`)] : []),
    ];
    if (globs.length === 0)
      throw new Error("image signature verification needs image globs or a cluster registry");
    new k8s.apiextensions.CustomResource(
      `${name}-signed-images`,
      {
        apiVersion: "policy.sigstore.dev/v1beta1",
        kind: "ClusterImagePolicy",
        metadata: { name: "zt-signed-images", annotations: controlAnnotations("C-ADM-5") },
        spec: {
          mode: args.mode,
          images: globs.map((glob) => ({ glob })),
          authorities: args.authorities.map(authority),
        },
      },
      { ...child, dependsOn: [release] },
    );
    this.registerOutputs({ namespace: namespace.metadata.name, mode: args.mode });
  }
}

function authority(source: SignatureAuthority) {
  if ("publicKey" in source) {
    return { name: source.name, key: { data: source.publicKey, hashAlgorithm: "sha256" } };
  }
  const { issuer, subject, subjectRegExp } = source.keyless;
  return {
    name: source.name,
    keyless: {
      url: "https://fulcio.sigstore.dev",
      identities: [{ issuer, ...(subject ? { subject } : {}), ...(subjectRegExp ? { subjectRegExp } : {}) }],
    },
  };
}

/** The restricted container profile the pod-security constraint requires. */
const restrictedContainer = {
  enabled: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65532,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Chart values; exported so the render records exactly what is passed. */
export function policyControllerValues(args: Pick<ImageSignaturesArgs, "webhookFailOpen" | "replicas">) {
  return {
    installCRDs: true,
    webhook: {
      replicaCount: args.replicas ?? 2,
      image: {
        repository: images.policyController.repository,
        version: images.policyController.digest,
        pullPolicy: "Always",
      },
      failurePolicy: args.webhookFailOpen ? "Ignore" : "Fail",
      // In this chart `securityContext` is the pod's and `podSecurityContext` the container's.
      securityContext: {
        enabled: true,
        runAsNonRoot: true,
        runAsUser: 65532,
        seccompProfile: { type: "RuntimeDefault" },
      },
      podSecurityContext: restrictedContainer,
      namespaceSelector: {
        matchExpressions: [{ key: Object.keys(includeLabel)[0], operator: "In", values: ["true"] }],
      },
      resources: {
        requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
        limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "256Mi" },
      },
    },
    // The hook Job that cleans leader-election leases on uninstall runs restricted too.
    leasescleanup: {
      podSecurityContext: restrictedContainer,
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    },
  };
}
