/**
 * Cross-key rules for secrets and identity (C-SEC-*, C-ID-*): which vault backend a tier may use,
 * what Keycloak needs, and the session limits each tier allows.
 */
import type { ConfigProblem } from "./config-rules";
import type { StackConfigInput } from "./config-schema";
import { tierDefaults } from "./tiers";

type Rule = (config: StackConfigInput) => ConfigProblem[];

const esoPath = ["addons", "externalSecrets"];
const idpPath = ["addons", "identityProvider"];

const enabled = (addon: { enabled?: boolean | undefined } | undefined) => addon?.enabled ?? true;

export const secretBackend: Rule = (config) => {
  const backend = config.addons?.externalSecrets?.backend;
  if (backend === "kubernetes" && config.tier !== "dev") {
    return [
      {
        path: [...esoPath, "backend"],
        message: `"kubernetes" is the local-only backend (Secrets in a cluster namespace are not a vault) and is refused in ${config.tier}; remove the key to use the cloud vault (C-SEC-1)`,
      },
    ];
  }
  if (backend === "cloud-vault" && config.cloud === "existing") {
    return [
      {
        path: [...esoPath, "backend"],
        message: `"cloud-vault" needs cloud "aws" or "azure"; an existing cluster uses "kubernetes" (local only)`,
      },
    ];
  }
  return [];
};

export const tenantPrefixesOutsidePlatform: Rule = (config) =>
  (config.tenants ?? []).flatMap((tenant, index) =>
    (tenant.secretPrefix ?? "").startsWith("platform/")
      ? [
          {
            path: ["tenants", index, "secretPrefix"],
            message:
              'must not start with "platform/": that prefix holds the platform\'s own secrets (C-SEC-2)',
          },
        ]
      : [],
  );

/** AKS authenticates people with Entra ID only: its RBAC subjects are Entra group object IDs. */
export const entraGroupsOnAzure: Rule = (config) => {
  const problems: ConfigProblem[] = [];
  const azure = config.cloud === "azure";
  const need = (path: (string | number)[], has: boolean, what: string) => {
    if (azure && !has)
      problems.push({
        path,
        message: `is required on azure: the Entra ID group object ID of ${what} (AKS group claims are object IDs)`,
      });
    if (!azure && has) problems.push({ path, message: 'applies to cloud "azure" only' });
  };
  need(
    ["identity", "platformAdminsEntraGroupObjectId"],
    !!config.identity?.platformAdminsEntraGroupObjectId,
    "the platform admins",
  );
  (config.tenants ?? []).forEach((tenant, index) =>
    need(
      ["tenants", index, "entraGroupObjectId"],
      !!tenant.entraGroupObjectId,
      `tenant "${tenant.name}"'s group`,
    ),
  );
  return problems;
};

export const identityProvider: Rule = (config) => {
  const idp = config.addons?.identityProvider;
  if (!enabled(idp)) return [];
  const problems: ConfigProblem[] = [];
  const limits = tierDefaults[config.tier].identity;
  if (!idp?.hostname) {
    problems.push({
      path: [...idpPath, "hostname"],
      message: "is required: the public hostname the ingress gateway serves Keycloak on, e.g. id.example.com",
    });
  }
  if (!enabled(config.addons?.mesh)) {
    problems.push({
      path: [...idpPath, "enabled"],
      message: "needs the mesh (addons.mesh): Keycloak is reached only through the ingress gateway and mTLS",
    });
  }
  if (!enabled(config.addons?.externalSecrets)) {
    problems.push({
      path: [...idpPath, "enabled"],
      message: "needs addons.externalSecrets: Keycloak's credentials are delivered from the vault",
    });
  }
  if (idp?.database === "in-cluster" && config.tier !== "dev") {
    problems.push({
      path: [...idpPath, "database"],
      message: `"in-cluster" is for dev only; ${config.tier} uses the managed database (C-ID-1): remove the key`,
    });
  }
  const maxima: [keyof NonNullable<typeof idp>, number, string][] = [
    ["accessTokenMinutes", limits.maxAccessTokenMinutes, "minutes"],
    ["ssoSessionIdleMinutes", limits.maxSsoSessionIdleMinutes, "minutes"],
    ["ssoSessionMaxHours", limits.maxSsoSessionHours, "hours"],
  ];
  for (const [key, max, unit] of maxima) {
    const value = idp?.[key];
    if (typeof value === "number" && value > max) {
      problems.push({
        path: [...idpPath, key],
        message: `exceeds the ${config.tier} maximum of ${max} ${unit} (C-ID-5); use ${max} or less`,
      });
    }
  }
  if (config.tier === "prod" && !idp?.image?.includes("@sha256:")) {
    problems.push({
      path: [...idpPath, "image"],
      message:
        "must name Keycloak by digest in prod (your registry's mirror, repo@sha256:...): prod runs no image by tag (C-ADM-3, C-ID-1)",
    });
  }
  problems.push(...publicIssuerPrerequisites(config));
  const issuer = config.identity?.oidcIssuerUrl;
  if (issuer && idp?.hostname) {
    const expected = `https://${idp.hostname}/realms/${idp.realm ?? "platform"}`;
    if (issuer.replace(/\/$/, "") !== expected) {
      problems.push({
        path: ["identity", "oidcIssuerUrl"],
        message: `must be Keycloak's issuer ${expected} when the identity provider is on; remove the key to derive it`,
      });
    }
  }
  return problems;
};

/**
 * EKS associates the API server with Keycloak as its OIDC issuer, and "the issuer URL of the OIDC
 * identity provider must be publicly accessible, so that Amazon EKS can discover the signing keys.
 * Amazon EKS doesn't support OIDC identity providers with self-signed certificates"
 * (docs.aws.amazon.com/eks/latest/userguide/authenticate-oidc-identity-provider.html). The DNS
 * record and the certificate are the operator's; the stack must state them, so a missing one is a
 * config error here rather than logins that silently never work.
 */
function publicIssuerPrerequisites(config: StackConfigInput): ConfigProblem[] {
  const idp = config.addons?.identityProvider;
  const path = [...idpPath, "publicIssuer"];
  if (config.cloud === "aws" && !idp?.publicIssuer) {
    return [
      {
        path,
        message: `is required on aws: EKS trusts Keycloak as the API server's issuer only over public HTTPS with a CA-signed certificate; create the DNS record for ${idp?.hostname ?? "the hostname"} and a public-CA certificate in the vault, then state them as publicIssuer: { dnsName: ${idp?.hostname ?? "<hostname>"}, certificate: public-ca } (docs/identity.md "First deploy order")`,
      },
    ];
  }
  if (idp?.publicIssuer && idp.hostname && idp.publicIssuer.dnsName !== idp.hostname) {
    return [
      {
        path: [...path, "dnsName"],
        message: `must equal addons.identityProvider.hostname (${idp.hostname}): the issuer EKS fetches is https://${idp.hostname}/realms/…`,
      },
    ];
  }
  return [];
}
