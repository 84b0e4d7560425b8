/** The restricted pod-security settings every Keycloak and Postgres container runs with. */
export function restrictedContainer(user: number) {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedPod(user: number) {
  return { runAsNonRoot: true, fsGroup: user, seccompProfile: { type: "RuntimeDefault" } };
}
