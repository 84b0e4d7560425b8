/**
 * The restricted pod-security settings of the workloads the platform runs (C-ADM-2): non-root with
 * an ID above the host's range (kube-score, checkov CKV_K8S_40), no privilege escalation, no
 * capabilities, read-only root filesystem, RuntimeDefault seccomp.
 */

/** The ID our own workloads (Keycloak, its database, the realm job) run as. */
export const workloadId = 10001;

export function restrictedContainer(id: number = workloadId) {
  return {
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedPod(id: number = workloadId) {
  return { runAsNonRoot: true, fsGroup: id, seccompProfile: { type: "RuntimeDefault" } };
}

/** Requests and limits, ephemeral storage included, so one pod cannot starve a node. */
export function resourcesOf(cpu: string, cpuLimit: string, memory: string, memoryLimit: string) {
  return {
    requests: { cpu, memory, "ephemeral-storage": "128Mi" },
    limits: { cpu: cpuLimit, memory: memoryLimit, "ephemeral-storage": "1Gi" },
  };
}
