/**
 * The restricted pod-security settings every Keycloak and Postgres container runs with. The IDs
 * are above the host's range (kube-score, checkov CKV_K8S_40); both images run as any user whose
 * writable paths are volumes, which is how they are mounted here.
 */
export const workloadId = 10001;

export function restrictedContainer() {
  return {
    runAsNonRoot: true,
    runAsUser: workloadId,
    runAsGroup: workloadId,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedPod() {
  return { runAsNonRoot: true, fsGroup: workloadId, seccompProfile: { type: "RuntimeDefault" } };
}

/** Requests and limits, ephemeral storage included, so one pod cannot starve a node. */
export function resourcesOf(cpu: string, cpuLimit: string, memory: string, memoryLimit: string) {
  return {
    requests: { cpu, memory, "ephemeral-storage": "128Mi" },
    limits: { cpu: cpuLimit, memory: memoryLimit, "ephemeral-storage": "1Gi" },
  };
}
