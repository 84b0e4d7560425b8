/**
 * Labels and annotations that every Kubernetes object of the blueprint carries.
 *
 * `zt-blueprint.io/controls` names the zero-trust controls (see controls/catalog.ts) an object
 * implements, so the offline render can show, per control, which objects carry it.
 */
export const managedByLabel = { "app.kubernetes.io/managed-by": "zt-blueprint" } as const;

export const controlsAnnotation = "zt-blueprint.io/controls";

export function controlAnnotations(...controlIds: string[]): Record<string, string> {
  return { [controlsAnnotation]: [...controlIds].sort().join(",") };
}

/** Pod Security Admission labels: enforce, audit and warn at one level, each pinned to a version. */
export function podSecurityLabels(
  level: "restricted" | "baseline" | "privileged",
  version: string,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"]) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}
