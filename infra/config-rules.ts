/**
 * Rules that span more than one key: tier-dependent refusals of weakening options, references
 * between tenants, and network sanity. Each returns problems; none throws.
 */
import { constraintNames } from "../components/admission";
import { cidrsOverlap, parseCidr } from "./cidr";
import {
  entraGroupsOnAzure,
  identityProvider,
  secretBackend,
  tenantPrefixesOutsidePlatform,
} from "./config-rules-identity";
import { tenantCapacity } from "./capacity";
import { chartSource } from "./config-rules-charts";
import { inputRules } from "./config-rules-inputs";
import type { StackConfigInput } from "./config-schema";

export interface ConfigProblem {
  /** Path below the `zt-blueprint:` namespace, e.g. ["tenants", 2, "name"]. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Rule = (config: StackConfigInput, stackName: string) => ConfigProblem[];

const minPublicPrefix = 16;

const cloudNeedsRegion: Rule = (config) =>
  config.cloud !== "existing" && !config.region
    ? [
        {
          path: ["region"],
          message: `is required when cloud is "${config.cloud}"; set e.g. eu-west-1 / westeurope`,
        },
      ]
    : [];

const cloudAccountMatches: Rule = (config) => {
  const account = config.cloudAccount;
  if (config.cloud === "existing") {
    return account ? [{ path: ["cloudAccount"], message: 'applies to cloud "aws" or "azure" only' }] : [];
  }
  if (!account) {
    return [
      {
        path: ["cloudAccount"],
        message: `is required when cloud is "${config.cloud}": the ${config.cloud === "aws" ? "12-digit AWS account ID" : "Azure subscription ID"} to deploy into`,
      },
    ];
  }
  const isAws = /^\d{12}$/.test(account);
  return isAws === (config.cloud === "aws")
    ? []
    : [
        {
          path: ["cloudAccount"],
          message: `is not ${config.cloud === "aws" ? "an AWS account ID" : "an Azure subscription ID"}`,
        },
      ];
};

const existingIsDevOnly: Rule = (config) =>
  config.cloud === "existing" && config.tier !== "dev"
    ? [
        {
          path: ["cloud"],
          message: `"existing" (a kubeconfig cluster) is for local/dev stacks only; a ${config.tier} stack must use "aws" or "azure" so the cluster controls C-CL-* are managed by the blueprint`,
        },
      ]
    : [];

const publicEndpoint: Rule = (config) => {
  const cidrs = config.network?.allowPublicEndpointCidrs ?? [];
  const problems: ConfigProblem[] = [];
  if (cidrs.length > 0 && config.tier !== "dev") {
    problems.push({
      path: ["network", "allowPublicEndpointCidrs"],
      message: `is refused in ${config.tier}: the API endpoint must be private (C-CL-1); remove the key and deploy from an in-network runner`,
    });
  }
  if (cidrs.length > 0 && config.cloud === "existing") {
    problems.push({
      path: ["network", "allowPublicEndpointCidrs"],
      message:
        'applies to aws/azure clusters only; an "existing" cluster\'s endpoint is managed outside the blueprint',
    });
  }
  cidrs.forEach((cidr, index) => {
    const range = parseCidr(cidr);
    if (range && range.prefix < minPublicPrefix) {
      problems.push({
        path: ["network", "allowPublicEndpointCidrs", index],
        message: `is too wide for a public-endpoint allowlist (0.0.0.0/0 is never accepted); use /${minPublicPrefix} or narrower, e.g. your office or runner egress range`,
      });
    }
  });
  return problems;
};

/** The private EKS endpoint admits only what the cluster security group allows on 443. */
const runnerNetwork: Rule = (config) => {
  const network = config.network;
  const runners = (network?.runnerCidrs?.length ?? 0) + (network?.runnerSecurityGroupIds?.length ?? 0);
  const inNetwork = (network?.apiAccess ?? "in-network-runner") === "in-network-runner";
  if (runners > 0 && config.cloud !== "aws") {
    return [
      {
        path: ["network", network?.runnerCidrs?.length ? "runnerCidrs" : "runnerSecurityGroupIds"],
        message: "applies to aws only (EKS cluster security group rules); remove it",
      },
    ];
  }
  if (config.access?.autoscalingServiceLinkedRole && config.cloud !== "aws") {
    return [
      {
        path: ["access", "autoscalingServiceLinkedRole"],
        message: "applies to aws only; remove it",
      },
    ];
  }
  if (config.access?.encryptionAtHost && config.cloud !== "azure") {
    return [{ path: ["access", "encryptionAtHost"], message: "applies to azure only; remove it" }];
  }
  if (network?.runnerVnetId && config.cloud !== "azure") {
    return [{ path: ["network", "runnerVnetId"], message: "applies to azure only; remove it" }];
  }
  if (config.cloud === "azure" && !network?.runnerVnetId) {
    return [
      {
        path: ["network", "runnerVnetId"],
        message:
          "is required for azure: the Key Vaults are private, so the runner that writes the KMS key and the secrets must be in a VNet the stack peers and links to their private DNS zone (even with the dev API allowlist); set the runner VNet's resource ID",
      },
    ];
  }
  if (config.cloud === "aws" && inNetwork && runners === 0) {
    return [
      {
        path: ["network", "runnerCidrs"],
        message:
          "is required for aws with apiAccess in-network-runner: the runner's range (or set network.runnerSecurityGroupIds), so the cluster security group admits it on 443",
      },
    ];
  }
  return [];
};

const apiAccessPath: Rule = (config) => {
  const cidrs = config.network?.allowPublicEndpointCidrs ?? [];
  const path = config.network?.apiAccess ?? "in-network-runner";
  if (path === "public-cidr-allowlist" && cidrs.length === 0) {
    return [
      {
        path: ["network", "apiAccess"],
        message:
          '"public-cidr-allowlist" needs network.allowPublicEndpointCidrs (dev only); otherwise use "in-network-runner"',
      },
    ];
  }
  if (path === "in-network-runner" && cidrs.length > 0) {
    return [
      {
        path: ["network", "apiAccess"],
        message:
          'must be "public-cidr-allowlist" when network.allowPublicEndpointCidrs is set, so the stack says which path it uses',
      },
    ];
  }
  return [];
};

const cloudAdmins: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  if (config.cloud !== "aws" && (config.access?.adminRoleArns ?? []).length > 0) {
    problems.push({ path: ["access", "adminRoleArns"], message: 'applies to cloud "aws" only' });
  }
  if (config.cloud !== "azure" && (config.access?.adminGroupObjectIds ?? []).length > 0) {
    problems.push({ path: ["access", "adminGroupObjectIds"], message: 'applies to cloud "azure" only' });
  }
  return problems;
};

const networkOverlaps: Rule = (config) => {
  const named = (["vpcCidr", "serviceCidr", "podCidr"] as const)
    .map((key) => ({ key, value: config.network?.[key] }))
    .filter((entry): entry is { key: "vpcCidr" | "serviceCidr" | "podCidr"; value: string } => !!entry.value);
  const problems: ConfigProblem[] = [];
  named.forEach((a, i) => {
    named.slice(i + 1).forEach((b) => {
      const ra = parseCidr(a.value);
      const rb = parseCidr(b.value);
      if (ra && rb && cidrsOverlap(ra, rb)) {
        problems.push({
          path: ["network", b.key],
          message: `${b.value} overlaps network.${a.key} (${a.value}); pick disjoint ranges`,
        });
      }
    });
  });
  return problems;
};

/** The VPC/VNet is split into per-zone subnets, so it needs room: /16 to /24. */
const networkSize: Rule = (config) => {
  const vpc = config.network?.vpcCidr ? parseCidr(config.network.vpcCidr) : undefined;
  return vpc && (vpc.prefix < 16 || vpc.prefix > 24)
    ? [
        {
          path: ["network", "vpcCidr"],
          message: "must be between /16 and /24 (cloud VPC/VNet limits and room for per-zone subnets)",
        },
      ]
    : [];
};

const availabilityZones: Rule = (config) => {
  const zones = config.network?.availabilityZones;
  if (zones === undefined) return [];
  const min = config.tier === "dev" ? 2 : 3;
  return zones < min || zones > 6
    ? [
        {
          path: ["network", "availabilityZones"],
          message: `must be between ${min} and 6 for a ${config.tier} stack`,
        },
      ]
    : [];
};

const nodeSizes: Rule = (config) => {
  const { minSize, desiredSize, maxSize } = config.nodes ?? {};
  const problems: ConfigProblem[] = [];
  if (minSize !== undefined && maxSize !== undefined && minSize > maxSize) {
    problems.push({
      path: ["nodes", "minSize"],
      message: `(${minSize}) must not exceed nodes.maxSize (${maxSize})`,
    });
  }
  if (desiredSize !== undefined && maxSize !== undefined && desiredSize > maxSize) {
    problems.push({
      path: ["nodes", "desiredSize"],
      message: `(${desiredSize}) must not exceed nodes.maxSize (${maxSize})`,
    });
  }
  return problems;
};

/** Add-ons carry controls; only dev may switch one off (design.md: tiers never remove a control). */
const addonsOnOutsideDev: Rule = (config) =>
  config.tier === "dev"
    ? []
    : Object.entries(config.addons ?? {})
        .filter(([, addon]) => addon?.enabled === false)
        .map(([name]) => ({
          path: ["addons", name, "enabled"],
          message: `may not be false in ${config.tier}: add-ons carry zero-trust controls and only dev may switch one off`,
        }));

const webhookFailOpen: Rule = (config) =>
  config.addons?.admission?.webhookFailOpen && config.tier === "prod"
    ? [
        {
          path: ["addons", "admission", "webhookFailOpen"],
          message: "is refused in prod: the admission webhook must fail closed (C-ADM-1); remove the key",
        },
      ]
    : [];

const signatureVerification: Rule = (config) => {
  const sig = config.addons?.admission?.signatureVerification;
  const path = ["addons", "admission", "signatureVerification"];
  const enabled = sig?.enabled ?? config.addons?.admission?.enabled ?? true;
  if (!enabled) {
    return config.tier !== "dev" && !sig?.allowDisabledOutsideDev
      ? [
          {
            path: [...path, "enabled"],
            message: `may not be false in ${config.tier} (C-ADM-5) unless signatureVerification.allowDisabledOutsideDev: true records the decision`,
          },
        ]
      : [];
  }
  const problems: ConfigProblem[] = [];
  if ((sig?.authorities ?? []).length === 0) {
    problems.push({
      path: [...path, "authorities"],
      message:
        "needs at least one authority (a cosign public key, or a keyless issuer and subject) to verify against",
    });
  }
  (sig?.authorities ?? []).forEach((authority, index) => {
    if ("keyless" in authority && !authority.keyless.subject && !authority.keyless.subjectRegExp) {
      problems.push({
        path: [...path, "authorities", index, "keyless"],
        message: "needs subject or subjectRegExp; an issuer alone would trust every identity it signs for",
      });
    }
  });
  return problems;
};

const alertSinks: Rule = (config) => {
  const runtime = config.addons?.runtimeSecurity;
  if (runtime?.enabled === false || runtime?.engine === "neuvector") return [];
  const sinks = runtime?.alertSinks ?? [];
  const path = ["addons", "runtimeSecurity", "alertSinks"];
  if (sinks.length === 0) {
    return [
      {
        path,
        message:
          "needs at least one sink (webhook, cloudwatch-logs on aws, azure-event-hub on azure): alerts nobody receives are no control (C-RT-1)",
      },
    ];
  }
  return sinks.flatMap((sink, index) => {
    const cloud =
      sink.type === "cloudwatch-logs" ? "aws" : sink.type === "azure-event-hub" ? "azure" : undefined;
    return cloud && cloud !== config.cloud
      ? [
          {
            path: [...path, index, "type"],
            message: `"${sink.type}" needs cloud "${cloud}"; this stack is "${config.cloud}"`,
          },
        ]
      : [];
  });
};

const neuvectorMode: Rule = (config) => {
  const mode = config.addons?.runtimeSecurity?.neuvectorMode;
  const path = ["addons", "runtimeSecurity", "neuvectorMode"];
  if (mode && (config.addons?.runtimeSecurity?.engine ?? "falco") === "falco") {
    return [{ path, message: 'applies only when runtimeSecurity.engine is "neuvector" or "both"' }];
  }
  return mode && mode !== "Protect" && config.tier === "prod" && !config.enforcement?.allowProdOverrides
    ? [
        {
          path,
          message: `"${mode}" only watches; prod protects (C-RT-5). Remove it, or set enforcement.allowProdOverrides: true`,
        },
      ]
    : [];
};

const meshRules: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  const mesh = config.addons?.mesh;
  if (
    (mesh?.permissivePorts ?? []).length > 0 &&
    config.tier === "prod" &&
    !mesh?.allowPermissivePortsInProd
  ) {
    problems.push({
      path: ["addons", "mesh", "permissivePorts"],
      message:
        "is refused in prod (C-MESH-1: no PERMISSIVE override) unless addons.mesh.allowPermissivePortsInProd: true names the decision",
    });
  }
  (config.tenants ?? []).forEach((tenant, index) => {
    const keycloak =
      (config.addons?.identityProvider?.enabled ?? true) && config.addons?.identityProvider?.hostname;
    if (
      tenant.ingress &&
      (tenant.ingress.endUserAuth ?? true) &&
      !config.identity?.oidcIssuerUrl &&
      !keycloak
    ) {
      problems.push({
        path: ["tenants", index, "ingress", "endUserAuth"],
        message:
          "needs an issuer whose JWTs the ingress accepts (C-MESH-6): addons.identityProvider.hostname (Keycloak) or identity.oidcIssuerUrl",
      });
    }
  });
  // Hosts shared between routes (and with Keycloak): ingressHostCollisions.
  return problems;
};

const knownConstraints: Rule = (config) =>
  Object.keys(config.enforcement?.constraintOverrides ?? {})
    .filter((name) => !constraintNames.includes(name))
    .map((name) => ({
      path: ["enforcement", "constraintOverrides", name],
      message: `names no constraint; constraints: ${constraintNames.join(", ")}`,
    }));

const prodEnforcement: Rule = (config) => {
  if (config.tier !== "prod" || config.enforcement?.allowProdOverrides) return [];
  const problems: ConfigProblem[] = [];
  const admission = config.enforcement?.admission;
  if (admission && admission !== "deny") {
    problems.push({
      path: ["enforcement", "admission"],
      message: `"${admission}" weakens prod admission (C-ADM-6 requires deny); remove it, or set enforcement.allowProdOverrides: true and record why`,
    });
  }
  Object.entries(config.enforcement?.constraintOverrides ?? {}).forEach(([name, action]) => {
    if (action !== "deny") {
      problems.push({
        path: ["enforcement", "constraintOverrides", name],
        message: `"${action}" weakens a prod constraint; set enforcement.allowProdOverrides: true to accept it explicitly`,
      });
    }
  });
  return problems;
};

const tenantReferences: Rule = (config) => {
  const tenants = config.tenants ?? [];
  const names = new Set<string>();
  const problems: ConfigProblem[] = [];
  tenants.forEach((tenant, index) => {
    if (names.has(tenant.name)) {
      problems.push({
        path: ["tenants", index, "name"],
        message: `duplicates an earlier tenant "${tenant.name}"; tenant names must be unique`,
      });
    }
    names.add(tenant.name);
  });
  tenants.forEach((tenant, index) => {
    (tenant.allowedPeers ?? []).forEach((peer, peerIndex) => {
      const path = ["tenants", index, "allowedPeers", peerIndex];
      if (peer === tenant.name) {
        problems.push({ path, message: "names the tenant itself; same-namespace traffic is always allowed" });
      } else if (!names.has(peer)) {
        problems.push({
          path,
          message: `names no tenant of this stack; declared tenants: ${[...names].join(", ")}`,
        });
      }
    });
  });
  return problems;
};

const secretPrefixes: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  const tenants = config.tenants ?? [];
  const prefixes = tenants.map((t) => t.secretPrefix ?? `tenants/${t.name}/`);
  prefixes.forEach((prefix, index) => {
    prefixes.forEach((other, otherIndex) => {
      // Duplicate tenant names are reported once, by tenantReferences.
      if (tenants[index]?.name === tenants[otherIndex]?.name) return;
      if (prefix.startsWith(other) && (prefix !== other || index > otherIndex)) {
        problems.push({
          path: ["tenants", index, "secretPrefix"],
          message: `"${prefix}" overlaps tenants[${otherIndex}]'s prefix "${other}"; each tenant reads only its own prefix (C-SEC-2)`,
        });
      }
    });
  });
  return problems;
};

/** Millicores of a CPU quantity the schema accepted ("2", "500m", "1.5"). */
export function cpuMillicores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

/** MiB of a memory quantity the schema accepted ("512Mi", "4Gi", "1Ti"). */
export function memoryMebibytes(quantity: string): number {
  const factor = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[quantity.slice(-2)] ?? Number.NaN;
  return Number(quantity.slice(0, -2)) * factor;
}

/** The tenant LimitRange gives each container a 500m / 512Mi default limit; a quota must hold one. */
const tenantQuotaFloor: Rule = (config) =>
  (config.tenants ?? []).flatMap((tenant, index) => {
    const problems: ConfigProblem[] = [];
    if (tenant.quota?.cpu && cpuMillicores(tenant.quota.cpu) < 500) {
      problems.push({
        path: ["tenants", index, "quota", "cpu"],
        message: 'must be at least "500m", the default limit of one container',
      });
    }
    if (tenant.quota?.memory && memoryMebibytes(tenant.quota.memory) < 512) {
      problems.push({
        path: ["tenants", index, "quota", "memory"],
        message: 'must be at least "512Mi", the default limit of one container',
      });
    }
    return problems;
  });

export const configRules: readonly Rule[] = [
  cloudNeedsRegion,
  cloudAccountMatches,
  existingIsDevOnly,
  publicEndpoint,
  apiAccessPath,
  runnerNetwork,
  cloudAdmins,
  networkOverlaps,
  networkSize,
  availabilityZones,
  nodeSizes,
  addonsOnOutsideDev,
  webhookFailOpen,
  knownConstraints,
  meshRules,
  alertSinks,
  neuvectorMode,
  signatureVerification,
  prodEnforcement,
  tenantReferences,
  secretPrefixes,
  tenantQuotaFloor,
  secretBackend,
  tenantPrefixesOutsidePlatform,
  identityProvider,
  entraGroupsOnAzure,
  tenantCapacity,
  chartSource,
  ...inputRules,
];
