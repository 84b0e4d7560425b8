/** Checks of the identity controls on a captured graph (C-ID-1 … C-ID-5). */
import { at, type ResourceGraph } from "../harness/graph";
import { simulateBrowserLogin, type SimulatedUser } from "./keycloak-flows";

type Rec = Record<string, unknown>;

export const idTypes = {
  deployment: "kubernetes:apps/v1:Deployment",
  configMap: "kubernetes:core/v1:ConfigMap",
  virtualService: "kubernetes:networking.istio.io/v1:VirtualService",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  identityProviderConfig: "aws:eks/identityProviderConfig:IdentityProviderConfig",
  rds: "aws:rds/instance:Instance",
  flexibleServer: "azure:postgresql/flexibleServer:FlexibleServer",
} as const;

export interface RealmDoc {
  realm: string;
  bruteForceProtected?: boolean;
  passwordPolicy?: string;
  accessTokenLifespan?: number;
  ssoSessionIdleTimeout?: number;
  ssoSessionMaxLifespan?: number;
  browserFlow?: string;
  requiredActions?: { alias: string; enabled: boolean; defaultAction: boolean; priority?: number }[];
  authenticationFlows?: {
    alias: string;
    authenticationExecutions: {
      authenticator?: string;
      flowAlias?: string;
      authenticatorConfig?: string;
      requirement: string;
      priority?: number;
    }[];
  }[];
  authenticatorConfig?: { alias: string; config: Record<string, string> }[];
  verifyEmail?: boolean;
  smtpServer?: { host?: string };
  clients?: Rec[];
  groups?: { name: string }[];
}

/** The realm the configuration job imports. */
export function realmOf(graph: ResourceGraph): RealmDoc | undefined {
  const files = graph
    .ofType(idTypes.configMap)
    .map((c) => c.inputs["data"] as Record<string, string> | undefined)
    .find((data) => data?.["realm.json"] !== undefined);
  return files?.["realm.json"] ? (JSON.parse(files["realm.json"]) as RealmDoc) : undefined;
}

/** C-ID-2: OTP is a default required action and every path of the browser flow needs a second factor. */
export function checkMfa(realm: RealmDoc | undefined): string[] {
  if (!realm) return ["no realm"];
  const problems: string[] = [];
  const otp = realm.requiredActions?.find((a) => a.alias === "CONFIGURE_TOTP");
  if (!otp?.enabled || !otp.defaultAction) problems.push("OTP enrolment is not a default required action");
  if (!realm.bruteForceProtected) problems.push("brute-force detection is off");
  if (!/length\((1[2-9]|[2-9][0-9])\)/.test(realm.passwordPolicy ?? ""))
    problems.push("no password length of 12+");
  if (!(realm.authenticationFlows ?? []).some((f) => f.alias === realm.browserFlow))
    problems.push("the realm binds no browser flow of its own");
  // Run the bound browser flow (Keycloak's semantics, ./keycloak-flows.ts) for each kind of user:
  // each must get in, and only past a second factor or its enrolment.
  for (const [who, user] of Object.entries(loginUsers)) {
    const result = simulateBrowserLogin(realm, user);
    if (result.outcome !== "logged-in") problems.push(`${who} is ${result.outcome}: ${result.reason ?? ""}`);
    else if (
      !result.prompts.some((p) => secondFactors.includes(p)) &&
      !result.askedTo.includes("CONFIGURE_TOTP")
    )
      problems.push(`${who} signs in with a password alone`);
  }
  return problems;
}

const secondFactors = ["auth-otp-form", "webauthn-authenticator"];

/** The users every realm is run against (C-ID-2). */
export const loginUsers: Record<string, SimulatedUser> = {
  "a new user without a second factor": { credentials: [] },
  // An admin may clear a user's required actions; the flow itself must still demand enrolment.
  "a user without a second factor or pending actions": { credentials: [], requiredActions: [] },
  "a user with OTP": { credentials: ["otp"], requiredActions: [] },
  "a user with a WebAuthn key only": { credentials: ["webauthn"], requiredActions: [] },
};

/** C-ID-5: token and session lifetimes within the tier's maxima. */
export function checkSessions(
  realm: RealmDoc | undefined,
  max: { token: number; idle: number; hours: number },
): string[] {
  if (!realm) return ["no realm"];
  const problems: string[] = [];
  if (!realm.accessTokenLifespan || realm.accessTokenLifespan > max.token * 60)
    problems.push("access token too long");
  if (!realm.ssoSessionIdleTimeout || realm.ssoSessionIdleTimeout > max.idle * 60)
    problems.push("idle session too long");
  if (!realm.ssoSessionMaxLifespan || realm.ssoSessionMaxLifespan > max.hours * 3600)
    problems.push("session too long");
  return problems;
}

/** C-ID-3: the kubectl client is public, PKCE S256 only, with a groups claim. */
export function checkKubectlClient(realm: RealmDoc | undefined): string[] {
  const client = realm?.clients?.find((c) => c["clientId"] === "kubectl");
  if (!client) return ["no kubectl client"];
  const problems: string[] = [];
  if (client["publicClient"] !== true) problems.push("kubectl client is confidential (a secret on laptops)");
  if (at(client, "attributes") && (client["attributes"] as Rec)["pkce.code.challenge.method"] !== "S256")
    problems.push("PKCE S256 not required");
  if (client["directAccessGrantsEnabled"] !== false) problems.push("password grant allowed");
  const mappers = (client["protocolMappers"] ?? []) as Rec[];
  if (!mappers.some((m) => m["protocolMapper"] === "oidc-group-membership-mapper"))
    problems.push("no groups claim");
  return problems;
}

/** C-ID-4: nobody is bound to cluster-admin by group or user; the admin role has no wildcards or secrets. */
export function checkAdminRbac(graph: ResourceGraph, adminGroup: string): string[] {
  const problems: string[] = [];
  for (const binding of graph.ofType(idTypes.clusterRoleBinding)) {
    const subjects = (binding.inputs["subjects"] ?? []) as { kind: string; name: string }[];
    if (
      at(binding.inputs, "roleRef.name") === "cluster-admin" &&
      subjects.some((s) => s.kind !== "ServiceAccount")
    )
      problems.push(`${binding.name}: a person or group bound to cluster-admin`);
  }
  const adminBinding = graph
    .ofType(idTypes.clusterRoleBinding)
    .find((b) => ((b.inputs["subjects"] ?? []) as { name: string }[]).some((s) => s.name === adminGroup));
  if (!adminBinding) problems.push(`${adminGroup} is bound to nothing`);
  const role = graph
    .ofType(idTypes.clusterRole)
    .find((r) => at(r.inputs, "metadata.name") === at(adminBinding?.inputs, "roleRef.name"));
  for (const rule of (role?.inputs["rules"] ?? []) as { verbs: string[]; resources: string[] }[]) {
    if ([...rule.verbs, ...rule.resources].includes("*")) problems.push("platform admin role has a wildcard");
    if (rule.resources.includes("secrets")) problems.push("platform admin role reads secrets");
  }
  return problems;
}

/** C-ID-1: Keycloak pinned, HA where asked, restricted, admin console not routed publicly. */
export function checkKeycloak(graph: ResourceGraph, minReplicas: number): string[] {
  const deployment = graph
    .ofType(idTypes.deployment)
    .find((d) => at(d.inputs, "metadata.namespace") === "keycloak");
  if (!deployment) return ["no Keycloak"];
  const problems: string[] = [];
  const spec = at(deployment.inputs, "spec") as Rec;
  if (Number(spec["replicas"]) < minReplicas) problems.push(`fewer than ${minReplicas} replicas`);
  const container = (at(spec, "template.spec.containers") as Rec[])[0] ?? {};
  if (!/^quay\.io\/keycloak\/keycloak:\d+\.\d+\.\d+$|@sha256:/.test(String(container["image"])))
    problems.push("image not pinned");
  if (
    at(container, "securityContext.readOnlyRootFilesystem") !== true ||
    at(container, "securityContext.runAsNonRoot") !== true
  )
    problems.push("not restricted");
  if (!at(container, "readinessProbe") || !at(container, "livenessProbe")) problems.push("no health probes");
  for (const vs of graph
    .ofType(idTypes.virtualService)
    .filter((v) => at(v.inputs, "metadata.namespace") === "keycloak")) {
    const prefixes = JSON.stringify(at(vs.inputs, "spec.http"));
    if (/"prefix":"\/(admin)?"/.test(prefixes) || !prefixes.includes("/realms/"))
      problems.push("admin console routed publicly");
  }
  return problems;
}
