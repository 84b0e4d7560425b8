/**
 * Cross-key rules for input that is well-formed but cannot work on the cloud or the cluster:
 * regions the cloud does not have, public hostnames two routes would share, signature subjects
 * policy-controller would read differently, and prod images from registries nobody provisioned.
 */
import type { ConfigProblem } from "./config-rules";
import type { StackConfigInput } from "./config-schema";
import regions from "./data/cloud-regions.json";
import { irsaRoleName, maxIamRoleNamePrefix } from "../components/eks-cluster/names";
import { tenantReaderServiceAccount } from "../components/tenant/secrets";
import { fromListedMirror, imageRepository, ownRegistry, stackClusterName } from "./own-registry";
import { subjectPatternProblem } from "./subject-pattern";

type Rule = (config: StackConfigInput, stackName: string) => ConfigProblem[];

export const knownRegion: Rule = (config) => {
  if (config.cloud === "existing" || !config.region) return [];
  const known: readonly string[] = regions[config.cloud];
  if (known.includes(config.region)) return [];
  const typed = config.region;
  const shared = (r: string) => {
    let n = 0;
    while (n < r.length && r[n] === typed[n]) n++;
    return n;
  };
  // The closest names first: those sharing the longest prefix with what was typed.
  const near = known
    .filter((r) => shared(r) >= 3)
    .sort((a, b) => shared(b) - shared(a) || a.localeCompare(b))
    .slice(0, 3);
  return [
    {
      path: ["region"],
      message: `is not ${config.cloud === "aws" ? "an AWS region" : "a public Azure location"}; use one of infra/data/cloud-regions.json${near.length > 0 ? `, e.g. ${near.join(", ")}` : ""}`,
    },
  ];
};

/**
 * Istio's host overlap (istio/istio pkg/config/host/name.go Name.Matches): `*.example.com` covers
 * every name ending `.example.com` (any depth), but not `example.com` itself.
 */
export function hostsOverlap(a: string, b: string): boolean {
  const wild = (h: string) => h.startsWith("*.");
  if (wild(a) && wild(b))
    return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (wild(a)) return b.endsWith(a.slice(1));
  if (wild(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/** The ingress gateway serves each public host for one owner: Keycloak or one tenant's route. */
export const ingressHostCollisions: Rule = (config) => {
  const idp = config.addons?.identityProvider;
  const owners: { path: (string | number)[]; host: string; who: string }[] = [];
  if ((idp?.enabled ?? true) && idp?.hostname) {
    owners.push({
      path: ["addons", "identityProvider", "hostname"],
      host: idp.hostname,
      who: "the identity provider",
    });
  }
  (config.tenants ?? []).forEach((tenant, index) => {
    if (tenant.ingress?.host) {
      owners.push({
        path: ["tenants", index, "ingress", "host"],
        host: tenant.ingress.host,
        who: `tenants[${index}] ("${tenant.name}")`,
      });
    }
  });
  const problems: ConfigProblem[] = [];
  owners.forEach((owner, i) => {
    const earlier = owners.slice(0, i).find((other) => hostsOverlap(owner.host, other.host));
    if (earlier) {
      problems.push({
        path: owner.path,
        message: `overlaps "${earlier.host}" of ${earlier.who} (a wildcard covers every name below it): the gateway would route one host to two owners; give each a host of its own`,
      });
    }
  });
  return problems;
};

export const signatureSubjects: Rule = (config) => {
  const path = ["addons", "admission", "signatureVerification", "authorities"];
  return (config.addons?.admission?.signatureVerification?.authorities ?? []).flatMap((authority, index) => {
    if (!("keyless" in authority)) return [];
    const { subject, subjectRegExp } = authority.keyless;
    if (subject && subjectRegExp) {
      // policy-controller refuses both (v1beta1 clusterimagepolicy_validation.go Identity.Validate).
      return [
        {
          path: [...path, index, "keyless"],
          message: "sets both subject and subjectRegExp; keep one (policy-controller refuses both)",
        },
      ];
    }
    const problem = subjectRegExp ? subjectPatternProblem(subjectRegExp, config.tier === "prod") : undefined;
    return problem ? [{ path: [...path, index, "keyless", "subjectRegExp"], message: problem }] : [];
  });
};

/** Prod runs Keycloak from the stack's own registry or a mirror the stack lists (C-CL-10, C-ADM-3). */
export const prodImageRegistry: Rule = (config, stackName) => {
  const idp = config.addons?.identityProvider;
  if (config.tier !== "prod" || !(idp?.enabled ?? true) || !idp?.image) return [];
  const own = ownRegistry(config, stackName);
  // Without a valid account the registry is unknown; cloudAccountMatches reports that key.
  if (!own) return [];
  const repository = imageRepository(idp.image);
  const mirrors = config.addons?.admission?.allowedRegistries ?? [];
  if (own.matches(repository) || fromListedMirror(repository, mirrors)) return [];
  return [
    {
      path: ["addons", "identityProvider", "image"],
      message: `must come from ${own.describe}, which this stack creates, or from a mirror listed in addons.admission.allowedRegistries: prod pulls only from registries the platform provisions or names (C-CL-10)`,
    },
  ];
};

/** On EKS each tenant's vault reader gets an IRSA role named after the stack and the tenant. */
export const tenantRoleNames: Rule = (config, stackName) => {
  if (config.cloud !== "aws" || config.addons?.externalSecrets?.enabled === false) return [];
  const cluster = stackClusterName(stackName);
  return (config.tenants ?? []).flatMap((tenant, index) => {
    const role = irsaRoleName(cluster, tenant.name, tenantReaderServiceAccount);
    if (role.length <= maxIamRoleNamePrefix) return [];
    const room = maxIamRoleNamePrefix - (role.length - tenant.name.length);
    return [
      {
        path: ["tenants", index, "name"],
        message: `makes the tenant's IAM role "${role}-<7 random>" longer than AWS's 64 characters (the deploy would fail); on stack "${stackName}" use at most ${room} characters`,
      },
    ];
  });
};

export const inputRules: readonly Rule[] = [
  tenantRoleNames,
  knownRegion,
  ingressHostCollisions,
  signatureSubjects,
  prodImageRegistry,
];
