/**
 * What every policy file shares: the tier config, the control tags and the helpers that read
 * resource inputs safely during preview (when computed values are still unknown).
 */
import {
  UnknownValueError,
  type Policy,
  type PolicyConfigSchema,
  type PolicyResource,
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
} from "@pulumi/policy";

export type Tier = "dev" | "staging" | "prod";
export type Props = Record<string, unknown>;

/**
 * Policies whose rule depends on the environment read the tier from their policy config (the
 * pack's config/<tier>.json), never from resource names. Without config they assume prod, so a
 * forgotten --policy-pack-config is strict rather than lax.
 */
export const tierConfig: PolicyConfigSchema = {
  properties: { tier: { type: "string", enum: ["dev", "staging", "prod"], default: "prod" } },
};

export function tierOf(args: { getConfig<T extends object>(): T }): Tier {
  return args.getConfig<{ tier?: Tier }>().tier ?? "prod";
}

/** The control IDs a policy checks travel as its tags, so the controls report can list them. */
const controlIdTag = /^C-[A-Z]+-\d+$/;

export function controlsOf(policy: Policy): string[] {
  return (policy.tags ?? []).filter((tag) => controlIdTag.test(tag));
}

/**
 * A validation for resources of the given type tokens. Kubernetes custom resources (Istio,
 * Gatekeeper) have no SDK class for validateResourceOfType, so they are matched by token.
 */
export function forTypes(
  matches: (type: string) => boolean,
  validate: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return (args, report) => {
    if (!matches(args.type)) args.notApplicable(`applies to other resource types than ${args.type}`);
    validate(args.props as Props, args, report);
  };
}

export const oneOf =
  (...types: string[]) =>
  (type: string) =>
    types.includes(type);

/**
 * True when a property holds a value. A value that is only known after deployment (an ARN of a
 * key created in the same update) counts as set: the program did name one.
 */
export function isSet(read: () => unknown): boolean {
  try {
    const value = read();
    if (Array.isArray(value)) return value.length > 0;
    return value !== undefined && value !== null && value !== "";
  } catch (err) {
    if (err instanceof UnknownValueError) return true;
    throw err;
  }
}

/** Reads a dotted path from props; undefined when any step is absent. */
export function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((current, key) => {
    if (current === null || typeof current !== "object") return undefined;
    return (current as Props)[key];
  }, value);
}

/** A property value as text for messages and comparisons (objects as JSON, absent as "unset"). */
export function text(value: unknown): string {
  if (value === undefined || value === null) return "unset";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asRecord = (value: unknown): Props =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};

/** Istio kinds are served at several API versions (v1, v1beta1); match any of them. */
export const isIstioKind = (group: string, kind: string) => (type: string) =>
  type.startsWith(`kubernetes:${group}/v`) && type.endsWith(`:${kind}`);

/** Kubernetes objects in a stack, by type token. */
export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/** The labels of a Kubernetes object's metadata. */
export const labelsOf = (props: unknown): Record<string, string> =>
  asRecord(at(props, "metadata.labels")) as Record<string, string>;

/** The label components/tenant puts on every tenant namespace. */
export const tenantLabel = "zt-blueprint.io/tenant";

/** CIDRs that mean "the whole internet". */
export const anywhere = ["0.0.0.0/0", "::/0"];
