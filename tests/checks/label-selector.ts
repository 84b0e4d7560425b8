/**
 * Kubernetes label-selector semantics, for deciding which namespaces a webhook's
 * namespaceSelector sends to it. Modelled (small, from the upstream rules): matchLabels and
 * matchExpressions are ANDed; In needs the key with one of the values; NotIn matches when the key is
 * absent or its value is not listed; Exists / DoesNotExist test the key only; an empty selector
 * matches everything; an operator the API does not define is refused, not guessed. Sources: kubernetes.io/docs/concepts/overview/working-with-objects/labels
 * ("Set-based requirement"; "!" / notin also select objects without the key) and
 * k8s.io/apimachinery pkg/labels/selector.go Requirement.Matches.
 */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

/** Each operator, from whether the key is present and whether its value is listed. */
const operators = {
  In: (has: boolean, listed: boolean) => has && listed,
  NotIn: (has: boolean, listed: boolean) => !has || !listed,
  Exists: (has: boolean) => has,
  DoesNotExist: (has: boolean) => !has,
} as const;

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (!(operator in operators)) throw new Error(`selector operator ${operator} is not modelled`);
    if (!operators[operator as keyof typeof operators](has, has && values.includes(labels[key]!)))
      return false;
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
