/**
 * Every namespace the platform creates, taken from the components that create them (each exports
 * its namespace), so a tenant can never be given one of them: a tenant namespace with a platform
 * name would be adopted by, or collide with, that component at deploy time.
 * tests/platform-namespaces.test.ts renders each shipped stack and checks this agrees with the
 * Namespace objects the stack actually registers.
 */
import { gatekeeperNamespace } from "../components/admission";
import { platformVaultNamespace, tenantVaultNamespace } from "../components/existing-cluster/secrets";
import { externalSecretsNamespace } from "../components/external-secrets";
import { keycloakNamespace } from "../components/identity";
import { signatureNamespace } from "../components/image-signatures";
import { egressNamespace, ingressNamespace, istioRootNamespace } from "../components/mesh";
import { monitoringNamespace } from "../components/monitoring";
import { neuvectorNamespace } from "../components/neuvector";
import { falcoNamespace } from "../components/runtime-security";
import { scanningNamespace } from "../components/scanning";
import type { PlatformConfig } from "./config";

/** Namespaces every cluster has (Kubernetes creates them); kube-* is reserved by Kubernetes. */
export const kubernetesNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

/** Name prefixes the platform or Kubernetes derive namespaces from. */
export const reservedNamespacePrefixes = ["kube-", tenantVaultNamespace("")] as const;

/** Each add-on's namespaces, keyed by what switches them on. */
const addonNamespaces = {
  mesh: [istioRootNamespace, ingressNamespace, egressNamespace],
  admission: [gatekeeperNamespace],
  signatureVerification: [signatureNamespace],
  falco: [falcoNamespace],
  neuvector: [neuvectorNamespace],
  scanning: [scanningNamespace],
  monitoring: [monitoringNamespace],
  externalSecrets: [externalSecretsNamespace],
  identityProvider: [keycloakNamespace],
  // The local-only secret backend (existing clusters): the platform's vault namespace.
  localVault: [platformVaultNamespace],
} as const satisfies Record<string, readonly string[]>;

/**
 * Every namespace any add-on may create, enabled in this stack or not: a tenant must not take one
 * even while its add-on is off, or switching the add-on on later would collide with the tenant.
 */
export const everyPlatformNamespace: readonly string[] = Object.values(addonNamespaces).flat();

/** The platform namespaces this stack creates (not the tenants' own), for its enabled add-ons. */
export function platformNamespaces(config: PlatformConfig): string[] {
  const { addons } = config;
  const on: (keyof typeof addonNamespaces)[] = [];
  if (addons.mesh.enabled) on.push("mesh");
  if (addons.admission.enabled) on.push("admission");
  if (addons.admission.signatureVerification.enabled) on.push("signatureVerification");
  if (addons.runtimeSecurity.enabled && addons.runtimeSecurity.falco) on.push("falco");
  if (addons.runtimeSecurity.enabled && addons.runtimeSecurity.neuvector) on.push("neuvector");
  if (addons.scanning.enabled) on.push("scanning");
  if (addons.monitoring.enabled) on.push("monitoring");
  if (addons.externalSecrets.enabled) on.push("externalSecrets");
  if (addons.identityProvider.enabled) on.push("identityProvider");
  if (usesLocalVault(config)) on.push("localVault");
  return on.flatMap((addon) => addonNamespaces[addon]).sort();
}

/** Every namespace the stack registers: the platform's, each tenant's, and their local vaults. */
export function stackNamespaces(config: PlatformConfig): string[] {
  const tenants = config.tenants.map((t) => t.name);
  const vaults = usesLocalVault(config) ? tenants.map(tenantVaultNamespace) : [];
  return [...platformNamespaces(config), ...tenants, ...vaults].sort();
}

/** Why `name` may not be a tenant's namespace, or undefined when it may. */
export function reservedNamespaceReason(name: string): string | undefined {
  if ((kubernetesNamespaces as readonly string[]).includes(name)) {
    return `"${name}" is a namespace Kubernetes creates in every cluster`;
  }
  if (everyPlatformNamespace.includes(name)) {
    return `"${name}" is a namespace the platform creates for an add-on`;
  }
  const prefix = reservedNamespacePrefixes.find((p) => name.startsWith(p));
  return prefix
    ? `names starting "${prefix}" are reserved (kube-*: Kubernetes; zt-vault-*: tenant vaults)`
    : undefined;
}

/** Human list for error messages. */
export const reservedNamespaceSummary = [
  ...kubernetesNamespaces,
  ...everyPlatformNamespace,
  ...reservedNamespacePrefixes.map((p) => `${p}*`),
].join(", ");

function usesLocalVault(config: PlatformConfig): boolean {
  return config.cloud === "existing" && config.addons.externalSecrets.enabled;
}
