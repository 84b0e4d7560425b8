/** Maps the resolved identity config onto the Keycloak component's arguments. */
import type { KeycloakArgs } from "../components/identity";
import type { PlatformConfig } from "./config";

export function identityProviderArgs(
  config: PlatformConfig,
): Omit<KeycloakArgs, "cluster" | "secrets" | "meshReady"> {
  const idp = config.addons.identityProvider;
  return {
    hostname: idp.hostname,
    replicas: idp.replicas,
    database: idp.database,
    production: config.tier === "prod",
    credentialsVersion: idp.credentialsVersion,
    ...(idp.image ? { image: idp.image } : {}),
    realm: {
      realm: idp.realm,
      // One Keycloak group per IdP group the cluster binds (C-ID-4): platform admins and each tenant.
      groups: [config.identity.platformAdminsGroup, ...config.tenants.map((tenant) => tenant.idpGroup)],
      accessTokenMinutes: idp.accessTokenMinutes,
      ssoSessionIdleMinutes: idp.ssoSessionIdleMinutes,
      ssoSessionMaxHours: idp.ssoSessionMaxHours,
      webAuthn: idp.webAuthn,
    },
  };
}
