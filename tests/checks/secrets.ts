/**
 * Checks of the secrets controls on a captured graph (C-SEC-1 … C-SEC-4, C-TEN-6). Each returns
 * the problems it finds; an empty list means the control is on.
 */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

export const types = {
  clusterStore: "kubernetes:external-secrets.io/v1:ClusterSecretStore",
  store: "kubernetes:external-secrets.io/v1:SecretStore",
  externalSecret: "kubernetes:external-secrets.io/v1:ExternalSecret",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  smSecret: "aws:secretsmanager/secret:Secret",
  kmsKey: "aws:kms/key:Key",
  keyVault: "azure:keyvault/keyVault:KeyVault",
  assignment: "azure:authorization/assignment:Assignment",
  endpoint: "azure:privatelink/endpoint:Endpoint",
} as const;

type Rec = Record<string, unknown>;

/** Keys that would carry a static cloud credential in an ESO provider or anywhere else. */
const staticCredentialKeys =
  /^(secretRef|accessKeyID|secretAccessKey|clientSecret|clientId|authSecretRef|accessKeyIDSecretRef)$/;

function findKeys(value: unknown, pattern: RegExp, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKeys(v, pattern, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => [
      ...(pattern.test(key) ? [`${path}.${key}`] : []),
      ...findKeys(inner, pattern, `${path}.${key}`),
    ]);
  }
  return [];
}

/** C-SEC-1: every store authenticates through workload identity (or a ServiceAccount locally). */
export function checkStoresUseWorkloadIdentity(graph: ResourceGraph): string[] {
  const stores = [...graph.ofType(types.clusterStore), ...graph.ofType(types.store)];
  if (graph.ofType(types.clusterStore).length !== 1) return ["no platform ClusterSecretStore"];
  const problems: string[] = [];
  for (const store of stores) {
    const provider = at(store.inputs, "spec.provider") as Rec | undefined;
    const kind = Object.keys(provider ?? {})[0];
    const ok =
      (kind === "aws" && at(provider, "aws.auth.jwt.serviceAccountRef.name") !== undefined) ||
      (kind === "azurekv" && at(provider, "azurekv.authType") === "WorkloadIdentity") ||
      (kind === "kubernetes" && at(provider, "kubernetes.auth.serviceAccount.name") !== undefined);
    if (!ok) problems.push(`${store.name}: provider ${kind ?? "none"} does not use workload identity`);
    for (const key of findKeys(provider, staticCredentialKeys)) {
      problems.push(`${store.name}: static credential reference at spec.provider${key}`);
    }
  }
  // And nowhere else in the graph: no AWS access key ID, no plain client secret.
  for (const resource of graph.resources) {
    if (/AKIA[0-9A-Z]{16}/.test(JSON.stringify(resource.inputs))) {
      problems.push(`${resource.name}: an AWS access key ID in its inputs`);
    }
  }
  return problems;
}

/** C-SEC-1: readers' ServiceAccounts carry the binding and are never mounted into pods. */
export function checkReaderAccounts(graph: ResourceGraph, annotation: string | undefined): string[] {
  const readers = graph
    .ofType(types.serviceAccount)
    .filter((sa) => /^(platform-vault-reader|vault-reader)$/.test(String(at(sa.inputs, "metadata.name"))));
  if (readers.length === 0) return ["no vault reader ServiceAccounts"];
  return readers.flatMap((sa) => {
    const annotations = (at(sa.inputs, "metadata.annotations") as Rec | undefined) ?? {};
    return [
      ...(sa.inputs["automountServiceAccountToken"] !== false ? [`${sa.name}: token automount is on`] : []),
      ...(annotation && !(annotation in annotations) ? [`${sa.name}: no ${annotation} annotation`] : []),
    ];
  });
}

/** C-SEC-2 (AWS): each reader role's policy names exactly one prefix (or key) and no wildcard action. */
export function checkAwsReaderScopes(graph: ResourceGraph, clusterName: string): string[] {
  const problems: string[] = [];
  const policies = graph.ofType(types.rolePolicy).filter((p) => /vault-reader$/.test(p.name));
  if (policies.length === 0) return ["no reader role policies"];
  for (const policy of policies) {
    const doc = JSON.parse(String(policy.inputs["policy"])) as {
      Statement: { Action: string[]; Resource: string[] }[];
    };
    // Binder roles are named <cluster>-<namespace>-<serviceAccount>.
    const tenant = policy.name.slice(`${clusterName}-`.length, -"-vault-reader".length);
    const expected = policy.name.endsWith("-external-secrets-platform-vault-reader")
      ? `zt-blueprint/${clusterName}/platform/*`
      : `zt-blueprint/${clusterName}/tenants/${tenant}/*`;
    for (const statement of doc.Statement) {
      if (statement.Action.some((a) => a.includes("*"))) problems.push(`${policy.name}: wildcard action`);
      for (const resource of statement.Resource) {
        if (resource.startsWith("arn:aws:secretsmanager") && !resource.endsWith(`:secret:${expected}`)) {
          problems.push(`${policy.name}: reads ${resource}, not only ${expected}`);
        }
        if (resource === "*") problems.push(`${policy.name}: resource "*"`);
      }
    }
  }
  return problems;
}

/** C-SEC-2 (Azure): each reader identity may read exactly one vault. */
export function checkAzureReaderScopes(graph: ResourceGraph): string[] {
  const grants = graph
    .ofType(types.assignment)
    .filter((a) => a.inputs["roleDefinitionName"] === "Key Vault Secrets User");
  if (grants.length === 0) return ["no Key Vault reader grants"];
  const vaultIds = new Set(graph.ofType(types.keyVault).map((v) => v.outputs["id"]));
  return grants.flatMap((grant) =>
    vaultIds.has(grant.inputs["scope"])
      ? []
      : [`${grant.name}: scope ${String(grant.inputs["scope"])} is not one vault`],
  );
}

/** C-SEC-3: vault hardening on either cloud. */
export function checkVaultHardening(graph: ResourceGraph): string[] {
  const problems: string[] = [];
  for (const secret of graph.ofType(types.smSecret)) {
    if (!secret.inputs["kmsKeyId"]) problems.push(`${secret.name}: not encrypted with a CMK`);
  }
  for (const key of graph.ofType(types.kmsKey)) {
    if (key.inputs["enableKeyRotation"] !== true) problems.push(`${key.name}: key rotation off`);
  }
  const endpoints = graph.ofType(types.endpoint);
  for (const vault of graph.ofType(types.keyVault)) {
    const v = vault.inputs;
    if (v["rbacAuthorizationEnabled"] !== true) problems.push(`${vault.name}: access policies, not RBAC`);
    if (v["purgeProtectionEnabled"] !== true) problems.push(`${vault.name}: purge protection off`);
    if (!(Number(v["softDeleteRetentionDays"]) >= 7)) problems.push(`${vault.name}: soft delete too short`);
    if (v["publicNetworkAccessEnabled"] !== false) problems.push(`${vault.name}: public network access`);
    if (at(v, "networkAcls.defaultAction") !== "Deny") problems.push(`${vault.name}: network default allow`);
    const hasEndpoint = endpoints.some(
      (e) => at(e.inputs, "privateServiceConnection.privateConnectionResourceId") === vault.outputs["id"],
    );
    if (!hasEndpoint) problems.push(`${vault.name}: no private endpoint`);
  }
  return problems;
}

/** C-SEC-4: every ExternalSecret re-reads the vault on an interval. */
export function checkRefresh(graph: ResourceGraph): string[] {
  const externalSecrets = graph.ofType(types.externalSecret);
  if (externalSecrets.length === 0) return ["no ExternalSecrets"];
  return externalSecrets.flatMap((es) => {
    // A generator makes a new value on every sync: a generated Secret must be made once only,
    // or every refresh would replace a live password (ESO's spec.refreshPolicy: CreatedOnce).
    if (generatorBacked(es)) {
      return at(es.inputs, "spec.refreshPolicy") === "CreatedOnce"
        ? []
        : [`${es.name}: a generated Secret is re-generated on refresh`];
    }
    return /^[1-9][0-9]*(m|h)$/.test(String(at(es.inputs, "spec.refreshInterval")))
      ? []
      : [`${es.name}: no refresh interval`];
  });
}

/** An ExternalSecret whose values come from a generator in the cluster, not from a vault. */
export function generatorBacked(es: CapturedResource): boolean {
  const dataFrom = (at(es.inputs, "spec.dataFrom") ?? []) as unknown[];
  return dataFrom.some((item) => at(item, "sourceRef.generatorRef") !== undefined);
}

/** C-SEC-4: no generated secret value in any input that is not marked secret. */
export function plainSecretValues(graph: ResourceGraph, prefix: string): string[] {
  const problems: string[] = [];
  const walk = (resource: CapturedResource, value: unknown, path: string) => {
    if (typeof value === "string" && value.includes(prefix)) {
      const secret = resource.secretPaths.some((p) => p === "" || path === p || path.startsWith(`${p}.`));
      if (!secret) problems.push(`${resource.name}: ${path} holds a generated secret in plain text`);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(resource, v, `${path}.${i}`));
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(resource, inner, path ? `${path}.${key}` : key);
    }
  };
  for (const resource of graph.resources) walk(resource, resource.inputs, "");
  return problems;
}

/** C-TEN-6: every tenant namespace has its own store, reading as its own unmounted ServiceAccount. */
export function checkTenantStores(graph: ResourceGraph, tenants: readonly string[]): string[] {
  return tenants.flatMap((tenant) => {
    const store = graph
      .ofType(types.store)
      .find(
        (s) =>
          at(s.inputs, "metadata.namespace") === tenant && at(s.inputs, "metadata.name") === "tenant-vault",
      );
    if (!store) return [`${tenant}: no SecretStore`];
    const reader = JSON.stringify(at(store.inputs, "spec.provider"));
    return reader.includes('"vault-reader"')
      ? []
      : [`${tenant}: the store does not read as the tenant's reader`];
  });
}

/** C-SEC-2 inside the cluster: only named platform namespaces may use the platform store. */
export function checkPlatformStoreScope(graph: ResourceGraph, tenants: readonly string[]): string[] {
  const [store] = graph.ofType(types.clusterStore);
  if (!store) return ["no platform ClusterSecretStore"];
  const conditions = (at(store.inputs, "spec.conditions") ?? []) as { namespaces?: string[] }[];
  const allowed = conditions.flatMap((c) => c.namespaces ?? []);
  if (conditions.length === 0 || allowed.length === 0) return ["every namespace may use the platform store"];
  return allowed.filter((ns) => tenants.includes(ns)).map((ns) => `tenant ${ns} may use the platform store`);
}
