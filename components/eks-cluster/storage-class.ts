/**
 * The cluster's default StorageClass: gp3 volumes encrypted with the environment CMK (C-CL-6).
 * The EBS CSI add-on's own default class (`ebs-csi-default-sc`, chart value
 * defaultStorageClass.enabled) names no key, so its volumes would use the account's AWS-managed
 * key; that class is switched off in addons.ts. Parameters: kubernetes-sigs/aws-ebs-csi-driver
 * docs/parameters.md (type, encrypted, kmsKeyId).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export const encryptedStorageClassName = "gp3-encrypted";

export function createEncryptedStorageClass(
  kmsKeyArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.storage.v1.StorageClass {
  return new k8s.storage.v1.StorageClass(
    encryptedStorageClassName,
    {
      metadata: {
        name: encryptedStorageClassName,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: kmsKeyArn },
      reclaimPolicy: "Delete",
      // Volumes are created in the zone the pod is scheduled to, not a random one.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    },
    opts,
  );
}
