/**
 * The platform realm as data (C-ID-2, C-ID-3, C-ID-5): a Keycloak RealmRepresentation that the
 * in-cluster configuration job applies. Every human needs a second factor: OTP is a default
 * required action (enrolled at first login) and the browser flow demands OTP (or a registered
 * WebAuthn key, when offered) after the password. Brute-force detection, a password policy, short
 * tokens and bounded sessions are set explicitly, so Keycloak's defaults never decide them.
 */
export interface RealmArgs {
  readonly realm: string;
  /** Platform admins and every tenant's group (C-ID-4). */
  readonly groups: readonly string[];
  readonly accessTokenMinutes: number;
  readonly ssoSessionIdleMinutes: number;
  readonly ssoSessionMaxHours: number;
  /** Offer WebAuthn security keys as an alternative second factor. */
  readonly webAuthn: boolean;
}

export const kubectlClientId = "kubectl";
/** kubelogin's default callback ports. */
export const kubectlRedirectUris = ["http://localhost:8000", "http://localhost:18000"];
export const browserFlowAlias = "browser-mfa";

export const passwordPolicy = [
  "length(14)",
  "maxLength(128)",
  "notUsername",
  "notEmail",
  "passwordHistory(5)",
].join(" and ");

type Execution = {
  authenticator?: string;
  flowAlias?: string;
  requirement: "REQUIRED" | "ALTERNATIVE";
  priority: number;
  authenticatorFlow: boolean;
  userSetupAllowed: boolean;
};

const step = (authenticator: string, requirement: Execution["requirement"], priority: number): Execution => ({
  authenticator,
  requirement,
  priority,
  authenticatorFlow: false,
  userSetupAllowed: false,
});
const subflow = (flowAlias: string, requirement: Execution["requirement"], priority: number): Execution => ({
  flowAlias,
  requirement,
  priority,
  authenticatorFlow: true,
  userSetupAllowed: false,
});

const flow = (alias: string, topLevel: boolean, description: string, executions: Execution[]) => ({
  alias,
  description,
  providerId: "basic-flow",
  topLevel,
  builtIn: false,
  authenticationExecutions: executions,
});

/** Cookie (an existing MFA session) or the forms; the forms always end in a second factor. */
export function browserFlows(webAuthn: boolean) {
  const forms = `${browserFlowAlias} forms`;
  const secondFactor = `${browserFlowAlias} second factor`;
  const factorSteps = webAuthn
    ? [subflow(secondFactor, "REQUIRED", 20)]
    : [step("auth-otp-form", "REQUIRED", 20)];
  return [
    flow(browserFlowAlias, true, "Password, then OTP or WebAuthn; no single-factor path", [
      step("auth-cookie", "ALTERNATIVE", 10),
      subflow(forms, "ALTERNATIVE", 20),
    ]),
    flow(forms, false, "Username and password, then the second factor", [
      step("auth-username-password-form", "REQUIRED", 10),
      ...factorSteps,
    ]),
    ...(webAuthn
      ? [
          flow(secondFactor, false, "One registered second factor", [
            step("auth-otp-form", "ALTERNATIVE", 10),
            step("webauthn-authenticator", "ALTERNATIVE", 20),
          ]),
        ]
      : []),
  ];
}

const requiredAction = (alias: string, name: string, defaultAction: boolean, priority: number) => ({
  alias,
  name,
  providerId: alias,
  enabled: true,
  defaultAction,
  priority,
  config: {},
});

/** Realm-level settings: the part the job re-applies on every change. */
export function realmSettings(args: RealmArgs) {
  return {
    realm: args.realm,
    enabled: true,
    sslRequired: "all",
    registrationAllowed: false,
    rememberMe: false,
    verifyEmail: true,
    loginWithEmailAllowed: true,
    duplicateEmailsAllowed: false,
    resetPasswordAllowed: true,
    editUsernameAllowed: false,
    // Brute-force detection: temporary lockout that grows with each failure, up to 15 minutes.
    bruteForceProtected: true,
    permanentLockout: false,
    failureFactor: 5,
    waitIncrementSeconds: 60,
    maxFailureWaitSeconds: 900,
    maxDeltaTimeSeconds: 43200,
    quickLoginCheckMilliSeconds: 1000,
    minimumQuickLoginWaitSeconds: 60,
    passwordPolicy,
    otpPolicyType: "totp",
    otpPolicyAlgorithm: "HmacSHA1",
    otpPolicyDigits: 6,
    otpPolicyPeriod: 30,
    otpPolicyLookAheadWindow: 1,
    webAuthnPolicyUserVerificationRequirement: "preferred",
    accessTokenLifespan: args.accessTokenMinutes * 60,
    accessTokenLifespanForImplicitFlow: args.accessTokenMinutes * 60,
    ssoSessionIdleTimeout: args.ssoSessionIdleMinutes * 60,
    ssoSessionMaxLifespan: args.ssoSessionMaxHours * 3600,
    clientSessionIdleTimeout: args.ssoSessionIdleMinutes * 60,
    clientSessionMaxLifespan: args.ssoSessionMaxHours * 3600,
    offlineSessionMaxLifespanEnabled: true,
    offlineSessionMaxLifespan: args.ssoSessionMaxHours * 3600,
    // A refresh token works once: a stolen one is useless after the real client refreshes.
    revokeRefreshToken: true,
    refreshTokenMaxReuse: 0,
    browserFlow: browserFlowAlias,
    requiredActions: [
      requiredAction("CONFIGURE_TOTP", "Configure OTP", true, 10),
      requiredAction("UPDATE_PASSWORD", "Update Password", false, 20),
      requiredAction("VERIFY_EMAIL", "Verify Email", true, 30),
      ...(args.webAuthn ? [requiredAction("webauthn-register", "Webauthn Register", false, 40)] : []),
    ],
  };
}

/** kubectl (C-ID-3): a public client, authorization code with PKCE S256 only, a groups claim. */
export function kubectlClient() {
  return {
    clientId: kubectlClientId,
    name: "kubectl (kubelogin)",
    protocol: "openid-connect",
    publicClient: true,
    standardFlowEnabled: true,
    implicitFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: kubectlRedirectUris,
    webOrigins: [],
    attributes: { "pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+" },
    protocolMappers: [
      {
        name: "groups",
        protocol: "openid-connect",
        protocolMapper: "oidc-group-membership-mapper",
        config: {
          "claim.name": "groups",
          "full.path": "false",
          "id.token.claim": "true",
          "access.token.claim": "true",
          "userinfo.token.claim": "true",
        },
      },
      {
        // The API server checks the ID token's audience against the client ID.
        name: "audience",
        protocol: "openid-connect",
        protocolMapper: "oidc-audience-mapper",
        config: {
          "included.client.audience": kubectlClientId,
          "id.token.claim": "true",
          "access.token.claim": "true",
        },
      },
    ],
  };
}

/** The realm's groups: each IdP group once, sorted (C-ID-4). */
export function realmGroupNames(groups: readonly string[]): string[] {
  return [...new Set(groups)].sort();
}

/** The whole realm, as imported when it does not exist yet. */
export function realmRepresentation(args: RealmArgs) {
  return {
    ...realmSettings(args),
    authenticationFlows: browserFlows(args.webAuthn),
    groups: realmGroupNames(args.groups).map((name) => ({ name, path: `/${name}` })),
    clients: [kubectlClient()],
  };
}
