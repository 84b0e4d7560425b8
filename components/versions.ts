/**
 * Every pinned version in the blueprint lives here, so an upgrade is one reviewed diff.
 * Helm charts, images (by digest where upstream publishes one) and tools are added by the
 * issue that introduces them; nothing else in the code base may hard-code a version.
 */

/**
 * Kubernetes minor versions this release is tested against. A stack must pin one of these
 * (C-CL-7); the oldest is dropped when the clouds end its standard support.
 */
export const supportedKubernetesVersions = ["1.34", "1.35", "1.36"] as const;
export type KubernetesVersion = (typeof supportedKubernetesVersions)[number];

/**
 * Pod Security Admission policy version pinned on tenant namespaces. Pinning (rather than
 * `latest`) means a cluster upgrade cannot silently change what "restricted" allows.
 */
export const podSecurityStandardVersion = "v1.34";
