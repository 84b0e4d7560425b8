/**
 * Where Alertmanager sends an alert: the routing tree of the config we pass. Modelled, small, from
 * Alertmanager's documentation (prometheus.io/docs/alerting/latest/configuration/#route): an alert
 * enters the root route and descends into the first child whose matchers all match, or into each
 * matching child while `continue` is true; with no matching child, the current route's receiver
 * takes it. Matchers are `label=value`, `label!=value`, `label=~regex`, `label!~regex`, regexes
 * fully anchored; a missing label is the empty string.
 */
export interface Route {
  readonly receiver?: string;
  readonly matchers?: readonly string[];
  readonly routes?: readonly Route[];
  readonly continue?: boolean;
}

function matcherMatches(matcher: string, labels: Readonly<Record<string, string>>): boolean {
  const parsed = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(matcher);
  if (!parsed) throw new Error(`matcher not modelled: ${matcher}`);
  const [, name, op, value] = parsed as unknown as [string, string, string, string];
  const actual = labels[name] ?? "";
  const regex = () => new RegExp(`^(?:${value})$`);
  if (op === "=") return actual === value;
  if (op === "!=") return actual !== value;
  if (op === "=~") return regex().test(actual);
  return !regex().test(actual);
}

/** The receivers an alert with these labels is sent to. */
export function receiversFor(root: Route, labels: Readonly<Record<string, string>>): string[] {
  const walk = (route: Route, inherited: string): string[] => {
    const receiver = route.receiver ?? inherited;
    const found: string[] = [];
    for (const child of route.routes ?? []) {
      if (!(child.matchers ?? []).every((m) => matcherMatches(m, labels))) continue;
      found.push(...walk(child, receiver));
      if (!child.continue) break;
    }
    return found.length > 0 ? found : [receiver];
  };
  return walk(root, root.receiver ?? "");
}
