/**
 * Kubernetes label-selector semantics, for deciding which namespaces a webhook's
 * namespaceSelector sends to it. Modelled (small, from the upstream rules): matchLabels and
 * matchExpressions are ANDed; In needs the key with one of the values; NotIn matches when the key is
 * absent or its value is not listed; Exists / DoesNotExist test the key only; an empty selector
 * matches everything. Sources: kubernetes.io/docs/concepts/overview/working-with-objects/labels
 * ("Set-based requirement"; "!" / notin also select objects without the key) and
 * k8s.io/apimachinery pkg/labels/selector.go Requirement.Matches.
 */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    readonly values?: readonly string[];
  }[];
}

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok =
      operator === "In"
        ? has && values.includes(labels[key]!)
        : operator === "NotIn"
          ? !has || !values.includes(labels[key]!)
          : operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

/**
 * A namespace's labels as the API server stores them: since Kubernetes 1.22 (NamespaceDefaultLabelName,
 * GA) it sets the immutable `kubernetes.io/metadata.name` label to the namespace's name.
 */
export function storedNamespaceLabels(
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...labels, "kubernetes.io/metadata.name": name };
}
