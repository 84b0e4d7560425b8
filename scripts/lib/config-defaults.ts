/**
 * The default of every config key per tier and cloud, found by asking the real loader
 * (infra/config.ts): a minimal valid stack for each tier and cloud is resolved, and each key is
 * read back from the result. Keys the minimal stack must set are "required" only if the loader
 * refuses the stack without them. Nothing here restates a default value.
 */
import { createHash } from "node:crypto";
import { acrLoginServer, ecrRepositoryUrl } from "../../components/cluster/registry-names";
import { supportedKubernetesVersions } from "../../components/versions";
import { loadConfig, type PlatformConfig } from "../../infra/config";
import { stackClusterName } from "../../infra/own-registry";
import type { ConfigKey } from "./config-keys";

export const tierOrder = ["dev", "staging", "prod"] as const;
type Tier = (typeof tierOrder)[number];
type Cloud = "aws" | "azure" | "existing";
type Raw = Record<string, unknown>;
type Path = readonly (string | number)[];

/** Placeholders the probes use, shown as what they stand for. */
const probeTenant = "probe-tenant";
// The identity provider derives its issuer from the probe hostname; the external-issuer probe matches it.
const probeIssuer = "https://issuer.invalid/realms/platform";
const probeSinkUrl = "https://alerts.invalid/probe";
/** Azure requires Entra group object IDs for RBAC subjects. */
const probeEntraGroup = "00000000-0000-4000-8000-00000000e1d0";
/** The stack name the probes are resolved as. */
const probeStack = "config-docs";
/**
 * Prod refuses Keycloak by tag, by placeholder digest, and from a registry the stack does not
 * create, so its probe names a digest in the probe stack's own registry: shown as what prod requires.
 */
const probeDigest = createHash("sha256").update("config-docs probe").digest("hex");
const probeImages: Record<"aws" | "azure", string> = {
  aws: `${ecrRepositoryUrl("123456789012", "eu-west-1", stackClusterName(probeStack))}@sha256:${probeDigest}`,
  azure: `${acrLoginServer(stackClusterName(probeStack))}/keycloak@sha256:${probeDigest}`,
};
const placeholders: [string, string][] = [
  [probeTenant, "<name>"],
  [probeIssuer, "<oidcIssuerUrl>"],
  [probeSinkUrl, "<first webhook alertSink url>"],
  [probeImages.aws, "required: a repo@sha256 reference"],
  [probeImages.azure, "required: a repo@sha256 reference"],
  [probeEntraGroup, "required: an Entra group object ID"],
];

const scenarios: { tier: Tier; cloud: Cloud }[] = [
  { tier: "dev", cloud: "aws" },
  { tier: "dev", cloud: "azure" },
  { tier: "dev", cloud: "existing" },
  { tier: "staging", cloud: "aws" },
  { tier: "staging", cloud: "azure" },
  { tier: "prod", cloud: "aws" },
  { tier: "prod", cloud: "azure" },
];

/** The smallest stack the loader accepts for a tier and cloud. */
function minimalStack(tier: Tier, cloud: Cloud): Raw {
  return {
    cloud,
    tier,
    kubernetesVersion: supportedKubernetesVersions[0],
    ...(cloud === "aws"
      ? { region: "eu-west-1", cloudAccount: "123456789012", network: { runnerCidrs: ["10.90.0.0/24"] } }
      : {}),
    ...(cloud === "azure"
      ? {
          region: "westeurope",
          cloudAccount: "00000000-0000-4000-8000-000000000001",
          network: {
            runnerVnetId:
              "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/runners/providers/Microsoft.Network/virtualNetworks/runners",
          },
          identity: { platformAdminsEntraGroupObjectId: probeEntraGroup },
        }
      : {}),
    addons: {
      runtimeSecurity: { alertSinks: [{ type: "webhook", url: probeSinkUrl }] },
      identityProvider: {
        hostname: "issuer.invalid",
        publicIssuer: { dnsName: "issuer.invalid", certificate: "public-ca" },
        ...(tier === "prod" && cloud !== "existing" ? { image: probeImages[cloud] } : {}),
      },
      admission: {
        signatureVerification: {
          authorities: [{ name: "probe", keyless: { issuer: probeIssuer, subject: "probe" } }],
        },
      },
    },
    tenants: [
      {
        name: probeTenant,
        idpGroup: "probe-group",
        ...(cloud === "azure" ? { entraGroupObjectId: probeEntraGroup } : {}),
      },
    ],
  };
}

/**
 * Optional parts that only resolve when something else is set (a JWKS needs an issuer, endUserAuth
 * a route, NeuVector's mode NeuVector). Keys this probe sets itself are never reported from it.
 */
const dependentProbe: [Path, unknown][] = [
  [["identity", "oidcIssuerUrl"], probeIssuer],
  [["tenants", 0, "ingress"], { host: "probe.example.com", service: "probe", port: 8080 }],
  [["addons", "runtimeSecurity", "engine"], "both"],
];

/** Keys whose effect the loader records under another name. */
const derived: Record<string, (config: PlatformConfig) => unknown> = {
  "addons.runtimeSecurity.engine": ({ addons: { runtimeSecurity: r } }) =>
    r.falco && r.neuvector ? "both" : r.falco ? "falco" : "neuvector",
  "addons.runtimeSecurity.neuvectorMode": (config) => config.addons.runtimeSecurity.neuvector,
  "addons.admission.signatureVerification.enforceInDev": (config) =>
    `${config.addons.admission.signatureVerification.mode} mode`,
};

function valueAt(value: unknown, path: Path): { found: boolean; value: unknown } {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !(segment in current)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { found: current !== undefined, value: current };
}

function withValue(raw: Raw, path: Path, value: unknown): Raw {
  const copy = structuredClone(raw);
  let holder: Record<string | number, unknown> = copy;
  path.slice(0, -1).forEach((segment, i) => {
    const next = holder[segment];
    if (next === undefined || next === null || typeof next !== "object") {
      holder[segment] = typeof path[i + 1] === "number" ? [] : {};
    }
    holder = holder[segment] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete holder[last];
  else holder[last] = value;
  return copy;
}

function accepts(raw: Raw): boolean {
  try {
    loadConfig(raw, probeStack);
    return true;
  } catch {
    return false;
  }
}

function load(raw: Raw, what: string): PlatformConfig {
  try {
    return loadConfig(raw, probeStack);
  } catch (err) {
    throw new Error(
      `the minimal ${what} stack no longer validates; update minimalStack in scripts/lib/config-defaults.ts:\n${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
}

function show(value: unknown): string {
  let text = typeof value === "string" ? value : JSON.stringify(value);
  for (const [probe, meaning] of placeholders) text = text.split(probe).join(meaning);
  return `\`${text}\``;
}

/** What the key resolves to in one scenario: "required", "unset", or the value. */
function defaultIn(key: ConfigKey, tier: Tier, cloud: Cloud): string {
  if (key.required) return "required";
  const base = minimalStack(tier, cloud);
  if (valueAt(base, key.segments).found) {
    return accepts(withValue(base, key.segments, undefined)) ? "unset" : "required";
  }
  const reader = derived[key.path];
  const dependent = dependentProbe.reduce((raw, [path, value]) => withValue(raw, path, value), base);
  const setByProbe = dependentProbe.some(([path]) => path.join(".") === key.segments.join("."));
  for (const raw of setByProbe ? [base] : [base, dependent]) {
    const config = load(raw, `${tier}/${cloud}`);
    const resolved = reader
      ? { found: reader(config) !== undefined, value: reader(config) }
      : valueAt(config, key.segments);
    if (resolved.found) return show(resolved.value);
  }
  return "unset";
}

/** Per tier, the key's default; clouds that differ are named. */
export function defaultsPerTier(key: ConfigKey): Record<Tier, string> {
  const result = {} as Record<Tier, string>;
  for (const tier of tierOrder) {
    const byValue = new Map<string, Cloud[]>();
    for (const { cloud } of scenarios.filter((s) => s.tier === tier)) {
      const value = defaultIn(key, tier, cloud);
      byValue.set(value, [...(byValue.get(value) ?? []), cloud]);
    }
    result[tier] =
      byValue.size === 1
        ? [...byValue.keys()].join("")
        : [...byValue].map(([value, clouds]) => `${clouds.join(", ")}: ${value}`).join("; ");
  }
  return result;
}
