/**
 * The captured resource graph: what the program would ask Pulumi to create, with the facts a
 * security test needs (parent, provider, resolved inputs, dependencies, secret inputs).
 */

export interface CapturedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** True for resources a provider manages; false for component resources. */
  readonly custom: boolean;
  readonly parent?: string;
  /** URN of the explicit provider, if any. */
  readonly provider?: string;
  /** Inputs as plain values, with secrets unwrapped (see `secretPaths`). */
  readonly inputs: Record<string, unknown>;
  /** What the (mock) provider returned: inputs plus computed attributes such as ARNs and IDs. */
  readonly outputs: Record<string, unknown>;
  /** Dotted paths of inputs that are Pulumi secrets, e.g. "kubeconfig" or "data.password". */
  readonly secretPaths: readonly string[];
  /** Every resource this one waits for (explicit dependsOn and input dependencies), sorted. */
  readonly dependsOn: readonly string[];
  /** Per input property, the resources it depends on. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** The resource options that guard state: `protect`, `retainOnDelete`, `ignoreChanges`. */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  /** The `import` option: the ID of an existing cloud resource adopted instead of created. */
  readonly importId?: string;
}

export class ResourceGraph {
  private readonly byUrn: Map<string, CapturedResource>;

  constructor(readonly resources: readonly CapturedResource[]) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
  }

  get(urn: string): CapturedResource | undefined {
    return this.byUrn.get(urn);
  }

  ofType(type: string): CapturedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  named(type: string, name: string): CapturedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name} in the captured graph`);
    return found;
  }

  childrenOf(urn: string): CapturedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }

  descendantsOf(urn: string): CapturedResource[] {
    return this.childrenOf(urn).flatMap((child) => [child, ...this.descendantsOf(child.urn)]);
  }

  /** The nearest ancestor that is a zt-blueprint component, or undefined for top-level resources. */
  owningComponent(resource: CapturedResource): CapturedResource | undefined {
    let parent = resource.parent ? this.byUrn.get(resource.parent) : undefined;
    while (parent && !parent.type.startsWith("zt-blueprint:")) {
      parent = parent.parent ? this.byUrn.get(parent.parent) : undefined;
    }
    return parent;
  }

  /** Kubernetes objects (not providers, not Helm/YAML component wrappers). */
  kubernetesObjects(): CapturedResource[] {
    return this.resources.filter((r) => r.custom && isKubernetesObjectType(r.type));
  }
}

export function isKubernetesObjectType(type: string): boolean {
  return /^kubernetes:[^:]+\/v[^:]*:[A-Za-z]+$/.test(type) && !type.startsWith("kubernetes:helm.sh/");
}

/** Reads a dotted path ("metadata.labels.app") from an object; undefined when absent. */
export function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((current, key) => {
    if (current === null || typeof current !== "object") return undefined;
    return (current as Record<string, unknown>)[key];
  }, value);
}
