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
