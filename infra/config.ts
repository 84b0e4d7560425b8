/**
 * Stack config: read every `zt-blueprint:*` key, validate it against the one schema and the
 * cross-key rules, and resolve tier defaults. Nothing here registers a resource, so a bad stack
 * file fails before the graph exists, with every problem listed by its full key path.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { chartsInUse, checkLocalCharts, type ChartUsers } from "./charts";
import type { z } from "zod";
import type { SignatureAuthority } from "../components/image-signatures";
import type { ChartSource } from "../components/shared/charts";
import type { NeuVectorMode } from "../components/neuvector";
import type { AlertPriority, AlertSink } from "../components/runtime-security";
import type { Severity } from "../components/scanning";
import type { KubernetesVersion } from "../components/versions";
import { configRules, type ConfigProblem } from "./config-rules";
import { secretKeys, stackConfigSchema, stringKeys, type StackConfigInput } from "./config-schema";
import { tierDefaults, type EnforcementAction, type Tier } from "./tiers";

export const configNamespace = "zt-blueprint";

export interface TenantConfig {
  readonly name: string;
  readonly idpGroup: string;
  readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number };
  /** Tenants allowed to call into this one. */
  readonly allowedPeers: readonly string[];
  readonly egressHosts: readonly string[];
  readonly secretPrefix: string;
  /** Entra ID group object ID (azure): the tenant's RBAC subject there. */
  readonly entraGroupObjectId?: string;
  readonly ingress?: {
    readonly host: string;
    readonly service: string;
    readonly port: number;
    readonly endUserAuth: boolean;
  };
}

export interface AddonToggle {
  readonly enabled: boolean;
}

export interface PlatformConfig {
  readonly cloud: "aws" | "azure" | "existing";
  readonly tier: Tier;
  readonly region?: string;
  readonly cloudAccount?: string;
  readonly kubernetesVersion: KubernetesVersion;
  readonly existingCluster: { readonly context?: string; readonly kubeconfigProvided: boolean };
  readonly network: {
    readonly vpcCidr: string;
    readonly serviceCidr: string;
    readonly podCidr?: string;
    readonly availabilityZones: number;
    readonly allowPublicEndpointCidrs: readonly string[];
    readonly apiAccess: "in-network-runner" | "public-cidr-allowlist";
    readonly runnerCidrs: readonly string[];
    readonly runnerSecurityGroupIds: readonly string[];
    readonly runnerVnetId?: string;
  };
  readonly access: {
    readonly adminRoleArns: readonly string[];
    readonly adminGroupObjectIds: readonly string[];
    readonly autoscalingServiceLinkedRole: "existing" | "create";
    readonly encryptionAtHost: "registered" | "register";
  };
  readonly nodes: {
    readonly instanceType?: string;
    readonly minSize: number;
    readonly desiredSize: number;
    readonly maxSize: number;
    readonly diskSizeGiB: number;
  };
  readonly identity: {
    readonly oidcGroupsPrefix: string;
    readonly platformAdminsGroup: string;
    readonly platformAdminsEntraGroupObjectId?: string;
    readonly oidcIssuerUrl?: string;
    readonly jwksUri?: string;
  };
  readonly addons: {
    readonly mesh: AddonToggle & {
      readonly egressHosts: readonly string[];
      readonly rootCa: "istiod-self-signed" | "plugged-in";
      readonly workloadCertTtlHours: number;
      readonly ingressServiceType: "LoadBalancer" | "NodePort";
      readonly permissivePorts: readonly {
        readonly namespace: string;
        readonly workloadLabels: Readonly<Record<string, string>>;
        readonly port: number;
        readonly reason: string;
      }[];
    };
    readonly admission: AddonToggle & {
      readonly webhookFailOpen: boolean;
      readonly auditIntervalSeconds: number;
      readonly allowedRegistries: readonly string[];
      readonly signatureVerification: {
        readonly enabled: boolean;
        readonly mode: "enforce" | "warn";
        readonly authorities: readonly SignatureAuthority[];
        readonly images?: readonly string[];
      };
    };
    readonly runtimeSecurity: AddonToggle & {
      readonly alertSinks: readonly AlertSink[];
      readonly minimumPriority: AlertPriority;
      readonly falco: boolean;
      /** NeuVector's mode when it is deployed (C-RT-5). */
      readonly neuvector?: NeuVectorMode;
    };
    readonly scanning: AddonToggle & {
      readonly severity: Severity;
      readonly dbRepository?: string;
      readonly javaDbRepository?: string;
    };
    readonly monitoring: AddonToggle & { readonly alertWebhookUrl?: string; readonly retentionDays: number };
    readonly externalSecrets: AddonToggle & {
      readonly refreshInterval: string;
      readonly backend: "cloud-vault" | "kubernetes";
      readonly replicas: number;
    };
    readonly identityProvider: AddonToggle & {
      readonly hostname: string;
      readonly realm: string;
      readonly replicas: number;
      readonly database: "in-cluster" | "managed";
      readonly accessTokenMinutes: number;
      readonly ssoSessionIdleMinutes: number;
      readonly ssoSessionMaxHours: number;
      readonly webAuthn: boolean;
      readonly credentialsVersion: number;
      readonly image?: string;
    };
  };
  readonly enforcement: {
    readonly admission: EnforcementAction;
    readonly constraintOverrides: Readonly<Record<string, EnforcementAction>>;
    readonly allowProdOverrides: boolean;
  };
  readonly tenants: readonly TenantConfig[];
  readonly auditLogRetentionDays: number;
  /** Where Helm charts come from; `source` is what every release gets (components/shared/charts.ts). */
  readonly charts: {
    readonly source: ChartSource;
    readonly acceptNearestCharts: boolean;
    /** Local charts accepted with another version than the pin (dev only), for the program to log. */
    readonly warnings: readonly string[];
  };
}

/** A rejected stack config. Extends RunError so `pulumi up` prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    stackName: string,
    raw: Record<string, unknown>,
  ) {
    super(formatProblems(problems, stackName, raw));
    this.name = "ConfigError";
  }
}

/**
 * Turns Pulumi's flat config map ({"zt-blueprint:tenants": "[...]"}) into one object. Structured
 * values arrive as JSON; the scalar keys arrive as the strings the user typed.
 */
export function readRawConfig(allConfig: Readonly<Record<string, string>>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${configNamespace}:`;
  for (const [fullKey, value] of Object.entries(allConfig)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = stringKeys.has(key) ? value : parseJsonOrKeep(value);
  }
  return raw;
}

function parseJsonOrKeep(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // the schema then reports "expected object/array/boolean" against the key
  }
}

/** Validates raw config; throws ConfigError listing every problem, or returns the resolved config. */
export function loadConfig(raw: Record<string, unknown>, stackName: string): PlatformConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap(issueToProblems), stackName, raw);
  }
  const problems = configRules.flatMap((rule) => rule(parsed.data, stackName));
  if (problems.length > 0) throw new ConfigError(problems, stackName, raw);
  const config = resolveDefaults(parsed.data);
  const localDir = config.charts.source.localDir;
  if (!localDir) return config;
  const check = checkLocalCharts(
    localDir,
    chartsInUse(chartUsers(config)),
    config.charts.acceptNearestCharts,
  );
  if (check.problems.length > 0) throw new ConfigError(check.problems, stackName, raw);
  return { ...config, charts: { ...config.charts, warnings: check.warnings } };
}

/** Which add-ons register a Helm release, as infra/program.ts decides it. */
export function chartUsers(config: PlatformConfig): ChartUsers {
  const { addons } = config;
  return {
    mesh: addons.mesh.enabled,
    admission: addons.admission.enabled,
    signatures: addons.admission.signatureVerification.enabled,
    falco: addons.runtimeSecurity.enabled && addons.runtimeSecurity.falco,
    neuvector: addons.runtimeSecurity.enabled && addons.runtimeSecurity.neuvector !== undefined,
    scanning: addons.scanning.enabled,
    monitoring: addons.monitoring.enabled,
    externalSecrets: addons.externalSecrets.enabled,
  };
}

function issueToProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: "is not a known key; check the spelling against docs/configuration.md",
    }));
  }
  if (issue.code === "invalid_key") {
    // A record key that fails its schema: report the key's own message, not "Invalid key in record".
    return issue.issues.map((inner) => ({ path, message: inner.message }));
  }
  return [{ path, message: issue.message }];
}

function resolveDefaults(input: StackConfigInput): PlatformConfig {
  const defaults = tierDefaults[input.tier];
  const addons = input.addons ?? {};
  return {
    cloud: input.cloud,
    tier: input.tier,
    ...(input.region ? { region: input.region } : {}),
    ...(input.cloudAccount ? { cloudAccount: input.cloudAccount } : {}),
    kubernetesVersion: input.kubernetesVersion,
    existingCluster: {
      ...(input.existingCluster?.context ? { context: input.existingCluster.context } : {}),
      kubeconfigProvided: input.kubeconfig !== undefined,
    },
    network: {
      vpcCidr: input.network?.vpcCidr ?? "10.40.0.0/16",
      serviceCidr: input.network?.serviceCidr ?? "172.20.0.0/16",
      ...(input.network?.podCidr ? { podCidr: input.network.podCidr } : {}),
      availabilityZones: input.network?.availabilityZones ?? defaults.availabilityZones,
      allowPublicEndpointCidrs: input.network?.allowPublicEndpointCidrs ?? [],
      apiAccess: input.network?.apiAccess ?? "in-network-runner",
      runnerCidrs: input.network?.runnerCidrs ?? [],
      runnerSecurityGroupIds: input.network?.runnerSecurityGroupIds ?? [],
      ...(input.network?.runnerVnetId ? { runnerVnetId: input.network.runnerVnetId } : {}),
    },
    access: {
      adminRoleArns: input.access?.adminRoleArns ?? [],
      adminGroupObjectIds: input.access?.adminGroupObjectIds ?? [],
      autoscalingServiceLinkedRole: input.access?.autoscalingServiceLinkedRole ?? "existing",
      encryptionAtHost: input.access?.encryptionAtHost ?? "registered",
    },
    nodes: {
      ...(input.nodes?.instanceType ? { instanceType: input.nodes.instanceType } : {}),
      minSize: input.nodes?.minSize ?? defaults.nodes.minSize,
      desiredSize: input.nodes?.desiredSize ?? defaults.nodes.desiredSize,
      maxSize: input.nodes?.maxSize ?? defaults.nodes.maxSize,
      diskSizeGiB: input.nodes?.diskSizeGiB ?? 50,
    },
    identity: {
      oidcGroupsPrefix: input.identity?.oidcGroupsPrefix ?? "oidc:",
      platformAdminsGroup: input.identity?.platformAdminsGroup ?? "platform-admins",
      ...(input.identity?.platformAdminsEntraGroupObjectId
        ? { platformAdminsEntraGroupObjectId: input.identity.platformAdminsEntraGroupObjectId }
        : {}),
      ...issuerOf(input),
    },
    addons: {
      mesh: {
        enabled: enabled(addons.mesh),
        egressHosts: addons.mesh?.egressHosts ?? [],
        rootCa: addons.mesh?.rootCa ?? "istiod-self-signed",
        workloadCertTtlHours: addons.mesh?.workloadCertTtlHours ?? 12,
        // kind and k3d hand out no load-balancer addresses; a NodePort needs nothing but a port mapping.
        ingressServiceType:
          addons.mesh?.ingressServiceType ?? (input.cloud === "existing" ? "NodePort" : "LoadBalancer"),
        permissivePorts: addons.mesh?.permissivePorts ?? [],
      },
      admission: {
        enabled: enabled(addons.admission),
        webhookFailOpen: addons.admission?.webhookFailOpen ?? false,
        auditIntervalSeconds: addons.admission?.auditIntervalSeconds ?? 60,
        allowedRegistries: addons.admission?.allowedRegistries ?? [],
        signatureVerification: resolveSignatures(input),
      },
      runtimeSecurity: {
        enabled: enabled(addons.runtimeSecurity),
        alertSinks: (addons.runtimeSecurity?.alertSinks ?? []).map((sink): AlertSink =>
          sink.type === "cloudwatch-logs" ? { ...sink, region: sink.logGroupArn.split(":")[3] ?? "" } : sink,
        ),
        minimumPriority: addons.runtimeSecurity?.minimumPriority ?? "warning",
        falco: (addons.runtimeSecurity?.engine ?? "falco") !== "neuvector",
        ...((addons.runtimeSecurity?.engine ?? "falco") !== "falco"
          ? { neuvector: addons.runtimeSecurity?.neuvectorMode ?? defaults.neuvectorMode }
          : {}),
      },
      scanning: {
        enabled: enabled(addons.scanning),
        severity: addons.scanning?.severity ?? (input.tier === "prod" ? "HIGH" : "MEDIUM"),
        ...(addons.scanning?.dbRepository ? { dbRepository: addons.scanning.dbRepository } : {}),
        ...(addons.scanning?.javaDbRepository ? { javaDbRepository: addons.scanning.javaDbRepository } : {}),
      },
      monitoring: {
        enabled: enabled(addons.monitoring),
        retentionDays: defaults.metricsRetentionDays,
        ...alertWebhook(addons),
      },
      externalSecrets: {
        enabled: enabled(addons.externalSecrets),
        refreshInterval: addons.externalSecrets?.refreshInterval ?? "15m",
        backend:
          addons.externalSecrets?.backend ?? (input.cloud === "existing" ? "kubernetes" : "cloud-vault"),
        replicas: defaults.externalSecretsReplicas,
      },
      identityProvider: resolveIdentityProvider(input),
    },
    enforcement: {
      admission: input.enforcement?.admission ?? defaults.admissionEnforcement,
      constraintOverrides: input.enforcement?.constraintOverrides ?? {},
      allowProdOverrides: input.enforcement?.allowProdOverrides ?? false,
    },
    tenants: (input.tenants ?? []).map((tenant) => ({
      name: tenant.name,
      idpGroup: tenant.idpGroup,
      quota: {
        cpu: tenant.quota?.cpu ?? defaults.tenantQuota.cpu,
        memory: tenant.quota?.memory ?? defaults.tenantQuota.memory,
        pods: tenant.quota?.pods ?? defaults.tenantQuota.pods,
      },
      allowedPeers: tenant.allowedPeers ?? [],
      egressHosts: tenant.egressHosts ?? [],
      secretPrefix: tenant.secretPrefix ?? `tenants/${tenant.name}/`,
      ...(tenant.entraGroupObjectId ? { entraGroupObjectId: tenant.entraGroupObjectId } : {}),
      ...(tenant.ingress
        ? { ingress: { ...tenant.ingress, endUserAuth: tenant.ingress.endUserAuth ?? true } }
        : {}),
    })),
    auditLogRetentionDays: defaults.auditLogRetentionDays,
    charts: {
      source: {
        ...(input.charts?.localDir ? { localDir: path.resolve(input.charts.localDir) } : {}),
        ...(input.charts?.repository ? { repository: input.charts.repository } : {}),
      },
      acceptNearestCharts: input.charts?.acceptNearestCharts ?? false,
      warnings: [],
    },
  };
}

const enabled = (toggle: { enabled?: boolean | undefined } | undefined): boolean => toggle?.enabled ?? true;

/** The people's issuer: Keycloak's realm when it is on, else the configured external issuer. */
function issuerOf(input: StackConfigInput): { oidcIssuerUrl?: string; jwksUri?: string } {
  const idp = input.addons?.identityProvider;
  const issuer =
    enabled(idp) && idp?.hostname
      ? `https://${idp.hostname}/realms/${idp.realm ?? "platform"}`
      : input.identity?.oidcIssuerUrl?.replace(/\/$/, "");
  if (!issuer) return {};
  return {
    oidcIssuerUrl: issuer,
    jwksUri: input.identity?.jwksUri ?? `${issuer}/protocol/openid-connect/certs`,
  };
}

function resolveIdentityProvider(input: StackConfigInput): PlatformConfig["addons"]["identityProvider"] {
  const idp = input.addons?.identityProvider;
  const limits = tierDefaults[input.tier].identity;
  return {
    enabled: enabled(idp),
    hostname: idp?.hostname ?? "",
    realm: idp?.realm ?? "platform",
    replicas: idp?.replicas ?? limits.keycloakReplicas,
    database: idp?.database ?? limits.database,
    accessTokenMinutes: idp?.accessTokenMinutes ?? limits.maxAccessTokenMinutes,
    ssoSessionIdleMinutes: idp?.ssoSessionIdleMinutes ?? limits.maxSsoSessionIdleMinutes,
    ssoSessionMaxHours: idp?.ssoSessionMaxHours ?? limits.maxSsoSessionHours,
    webAuthn: idp?.webAuthn ?? true,
    credentialsVersion: idp?.credentialsVersion ?? 1,
    ...(idp?.image ? { image: idp.image } : {}),
  };
}

function alertWebhook(addons: NonNullable<StackConfigInput["addons"]>): { alertWebhookUrl?: string } {
  const url =
    addons.monitoring?.alertWebhookUrl ??
    addons.runtimeSecurity?.alertSinks?.flatMap((sink) => (sink.type === "webhook" ? [sink.url] : []))[0];
  return url ? { alertWebhookUrl: url } : {};
}

function resolveSignatures(
  input: StackConfigInput,
): PlatformConfig["addons"]["admission"]["signatureVerification"] {
  const admission = input.addons?.admission;
  const sig = admission?.signatureVerification;
  const enforce = input.tier !== "dev" || sig?.enforceInDev === true;
  return {
    enabled: sig?.enabled ?? admission?.enabled ?? true,
    mode: enforce ? "enforce" : "warn",
    authorities: sig?.authorities ?? [],
    ...(sig?.images ? { images: sig.images } : {}),
  };
}

/** `["tenants", 2, "name"]` → `zt-blueprint:tenants[2].name` (the form `pulumi config set --path` takes). */
export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = configNamespace;
  path.forEach((segment, index) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (index === 0) out += `:${segment}`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += `.${segment}`;
    else out += `["${segment}"]`;
  });
  // An unknown-key problem at the top level has an empty path: name the namespace itself.
  return out === configNamespace ? `${configNamespace}:<root>` : out;
}

function valueAt(raw: unknown, path: readonly (string | number)[]): { found: boolean; value: unknown } {
  let current: unknown = raw;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !(segment in current)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { found: true, value: current };
}

function describeValue(raw: Record<string, unknown>, path: readonly (string | number)[]): string {
  if (typeof path[0] === "string" && secretKeys.has(path[0])) return "[secret]";
  const { found, value } = valueAt(raw, path);
  if (!found) return "nothing (key missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblems(
  problems: readonly ConfigProblem[],
  stackName: string,
  raw: Record<string, unknown>,
): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map(
    (problem) =>
      `  - ${formatKeyPath(problem.path)}: got ${describeValue(raw, problem.path)}; ${problem.message}`,
  );
  return [
    `invalid stack configuration for stack "${stackName}" (${count}); nothing was deployed:`,
    ...lines,
    `Fix these keys in stacks/Pulumi.${stackName}.yaml (or with \`pulumi config set --path <key> <value>\`).`,
  ].join("\n");
}
