/**
 * Runs CrossGuard policies on a captured resource graph the way the Pulumi CLI's analyzer does
 * (node_modules/@pulumi/policy/server.js), without the CLI:
 * - enforcement level: the policy's entry in the config file, else "all", else the policy's own
 *   level, else the pack's; "disabled" skips the policy, "remediate" reports as mandatory;
 * - getConfig(): the policy's config properties over its schema defaults, minus enforcementLevel;
 * - validateResource sees each resource's inputs, validateStack every resource's outputs, both
 *   behind @pulumi/policy's unknown-checking proxy; reading an unknown value turns the policy's
 *   result into an advisory "can't run during preview", as in the CLI;
 * - notApplicable() skips the policy for that resource (or stack).
 */
import * as policySdk from "@pulumi/policy";
import {
  UnknownValueError,
  type EnforcementLevel,
  type Policies,
  type Policy,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type StackValidationArgs,
} from "@pulumi/policy";
import * as proxy from "@pulumi/policy/proxy";
import type { Resource } from "@pulumi/pulumi";
import type { CapturedResource, ResourceGraph } from "./graph";

/** A policy-config file (config/<tier>.json): "all" and per-policy levels or property bags. */
export type PolicyConfigFile = Record<string, EnforcementLevel | Record<string, unknown>>;

export interface Finding {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  readonly urn?: string;
}

/** One resource as the analyzer sees it: the graph's capture, or a synthetic one in tests. */
export interface AnalyzedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependsOn: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

interface Resolved {
  readonly level: EnforcementLevel;
  readonly config: Record<string, unknown>;
}

/** Exported by @pulumi/policy, but its typings re-export it from an empty declaration file. */
const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy: (v: unknown) => unknown })
  .unknownCheckingProxy;

/** The harness records unknowns as "[unknown]"; the engine sends the policy SDK's sentinel. */
const unknownString = (proxy as unknown as { unknownStringValue: string }).unknownStringValue;

class NotApplicable extends Error {}

export function resolveConfig(
  policies: Policies,
  file: PolicyConfigFile,
  packLevel: EnforcementLevel,
): Map<string, Resolved> {
  const names = new Set(policies.map((p) => p.name));
  for (const key of Object.keys(file)) {
    if (key !== "all" && !names.has(key)) throw new Error(`policy config names unknown policy ${key}`);
  }
  const all = typeof file["all"] === "string" ? file["all"] : undefined;
  return new Map(
    policies.map((policy) => {
      const entry = file[policy.name];
      const bag = typeof entry === "object" ? entry : {};
      const { enforcementLevel, ...props } = bag as { enforcementLevel?: EnforcementLevel };
      const level =
        (typeof entry === "string" ? entry : enforcementLevel) ?? all ?? policy.enforcementLevel ?? packLevel;
      return [policy.name, { level, config: { ...schemaDefaults(policy), ...validated(policy, props) } }];
    }),
  );
}

function schemaDefaults(policy: Policy): Record<string, unknown> {
  const properties = policy.configSchema?.properties ?? {};
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, schema]) => schema.default !== undefined)
      .map(([key, schema]) => [key, schema.default]),
  );
}

/** The CLI refuses config that does not match a policy's schema; so do we. */
function validated(policy: Policy, props: Record<string, unknown>): Record<string, unknown> {
  const properties = policy.configSchema?.properties ?? {};
  for (const [key, value] of Object.entries(props)) {
    const schema = properties[key];
    if (!schema) throw new Error(`policy ${policy.name} has no config property ${key}`);
    if (schema.enum && !schema.enum.includes(value as never))
      throw new Error(
        `policy ${policy.name}: ${key}=${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`,
      );
  }
  return props;
}

export function fromGraph(graph: ResourceGraph): AnalyzedResource[] {
  return graph.resources.map((r: CapturedResource) => r);
}

export async function runPolicies(
  policies: Policies,
  resources: readonly AnalyzedResource[],
  file: PolicyConfigFile,
  packLevel: EnforcementLevel,
): Promise<Finding[]> {
  const resolved = resolveConfig(policies, file, packLevel);
  const findings: Finding[] = [];
  for (const policy of policies) {
    const { level, config } = resolved.get(policy.name) as Resolved;
    if (level === "disabled") continue;
    const reportLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const record = (message: string, urn?: string) =>
      findings.push({ policy: policy.name, enforcementLevel: reportLevel, message, ...(urn ? { urn } : {}) });
    const run = async (fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (err) {
        if (err instanceof NotApplicable) return;
        if (err instanceof UnknownValueError)
          findings.push({
            policy: policy.name,
            enforcementLevel: "advisory",
            message: `can't run during preview: ${(err as Error).message}`,
          });
        else throw err;
      }
    };
    if ("validateStack" in policy) {
      const args = stackArgs(resources, config);
      await run(() => policy.validateStack(args, (m, urn) => record(m, urn)));
      continue;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of resources) {
      for (const validate of validations) {
        const args = resourceArgs(resource, resources, config);
        await run(() => validate(args, (m) => record(m, resource.urn)));
      }
    }
  }
  return findings;
}

function withUnknowns(value: unknown): unknown {
  if (value === "[unknown]") return unknownString;
  if (Array.isArray(value)) return value.map(withUnknowns);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknowns(v)]));
  return value;
}

const props = (values: Record<string, unknown>) =>
  unknownCheckingProxy(withUnknowns(values)) as Record<string, unknown>;

function options(resource: AnalyzedResource): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

/** As @pulumi/policy's isTypeOf: the class's Pulumi type token, else its isInstance. */
function isTypeOf(type: string, resourceClass: { new (...rest: never[]): Resource }): boolean {
  const cls = resourceClass as unknown as { __pulumiType?: string; isInstance?: (o: unknown) => boolean };
  if (cls.__pulumiType) return type === cls.__pulumiType;
  return cls.isInstance?.({ __pulumiType: type }) === true;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function resourceArgs(
  resource: AnalyzedResource,
  all: readonly AnalyzedResource[],
  config: Record<string, unknown>,
): ResourceValidationArgs {
  const inputs = props(resource.inputs);
  const provider = resource.provider ? all.find((r) => r.urn === resource.provider) : undefined;
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: inputs,
    opts: options(resource),
    ...(provider
      ? {
          provider: {
            type: provider.type,
            name: provider.name,
            urn: provider.urn,
            props: props(provider.inputs),
          },
        }
      : {}),
    stackTags: new Map(),
    isType: (cls) => isTypeOf(resource.type, cls),
    asType: ((cls: { new (...rest: never[]): Resource }) =>
      isTypeOf(resource.type, cls) ? inputs : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}

function stackArgs(
  resources: readonly AnalyzedResource[],
  config: Record<string, unknown>,
): StackValidationArgs {
  const byUrn = new Map<string, PolicyResource>();
  const policyResources = resources.map((resource) => {
    const outputs = props(resource.outputs);
    const policyResource: PolicyResource = {
      type: resource.type,
      name: resource.name,
      urn: resource.urn,
      props: outputs,
      opts: options(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(resource.type, cls),
      asType: ((cls: { new (...rest: never[]): Resource }) =>
        isTypeOf(resource.type, cls) ? outputs : undefined) as PolicyResource["asType"],
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  // Second pass, as the analyzer does: parents and dependencies become resource objects.
  resources.forEach((resource, i) => {
    const target = policyResources[i] as PolicyResource;
    const lookup = (urns: readonly string[]) =>
      urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent) target.parent = parent;
    target.dependencies = lookup(resource.dependsOn);
    target.propertyDependencies = Object.fromEntries(
      Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, lookup(urns)]),
    );
  });
  return {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}
