/**
 * The platform realm as data (C-ID-2, C-ID-3, C-ID-5): a Keycloak RealmRepresentation that the
 * in-cluster configuration job applies. Every human needs a second factor: OTP is a default
 * required action, and the browser flow demands, after the password, the factor the user has
 * registered (OTP, or a WebAuthn key when offered) or, with none, OTP enrolment at that login. Brute-force detection, a password policy, short
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

type Requirement = "REQUIRED" | "ALTERNATIVE" | "CONDITIONAL";
type Execution = {
  authenticator?: string;
  flowAlias?: string;
  /** Alias of an `authenticatorConfig` entry of the realm. */
  authenticatorConfig?: string;
  requirement: Requirement;
  priority: number;
  authenticatorFlow: boolean;
  userSetupAllowed: boolean;
};

const step = (authenticator: string, requirement: Requirement, priority: number): Execution => ({
  authenticator,
  requirement,
  priority,
  authenticatorFlow: false,
  userSetupAllowed: false,
});
const subflow = (flowAlias: string, requirement: Requirement, priority: number): Execution => ({
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

export const registeredFactorFlow = `${browserFlowAlias} registered factor`;
export const enrolOtpFlow = `${browserFlowAlias} enrol otp`;
const enrolOtpCondition = `${browserFlowAlias} no registered factor`;

/**
 * Cookie (an existing MFA session) or the forms; the forms always end in a second factor.
 *
 * Keycloak's flow semantics (keycloak/keycloak services/.../authentication/DefaultAuthenticationFlow
 * .java, processFlow and processSingleFlowExecutionModel): an authenticator the user has no
 * credential for fails as an ALTERNATIVE, but as a REQUIRED step it is "setup required" and adds its
 * required action (CONFIGURE_TOTP for auth-otp-form), which runs before the login completes. So two
 * ALTERNATIVE factors inside a REQUIRED subflow lock out a user who has neither. With WebAuthn on:
 * - "registered factor" is CONDITIONAL on `conditional-user-configured` (true when the user has a
 *   credential for one of its ALTERNATIVE steps): OTP or WebAuthn, whichever the user has;
 * - "enrol otp" is CONDITIONAL on `conditional-sub-flow-executed` with check_result not-executed
 *   (true unless "registered factor" succeeded): a REQUIRED OTP step, i.e. enrolment at first login.
 * No path ends after the password alone, whatever required actions an admin removes from a user.
 */
export function browserFlows(webAuthn: boolean) {
  const forms = `${browserFlowAlias} forms`;
  const factorSteps = webAuthn
    ? [subflow(registeredFactorFlow, "CONDITIONAL", 20), subflow(enrolOtpFlow, "CONDITIONAL", 30)]
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
          flow(registeredFactorFlow, false, "The second factor the user has registered", [
            step("conditional-user-configured", "REQUIRED", 10),
            step("auth-otp-form", "ALTERNATIVE", 20),
            step("webauthn-authenticator", "ALTERNATIVE", 30),
          ]),
          flow(enrolOtpFlow, false, "No registered second factor: enrol OTP now", [
            {
              ...step("conditional-sub-flow-executed", "REQUIRED", 10),
              authenticatorConfig: enrolOtpCondition,
            },
            step("auth-otp-form", "REQUIRED", 20),
          ]),
        ]
      : []),
  ];
}

/** The authenticators of the browser flows, each once, sorted. */
export function flowProviders(webAuthn: boolean): string[] {
  const providers = browserFlows(webAuthn).flatMap((f) =>
    f.authenticationExecutions.flatMap((e) => (e.authenticator ? [e.authenticator] : [])),
  );
  return [...new Set(providers)].sort();
}

/** Configuration of the conditions the flows reference by alias. */
export function authenticatorConfigs(webAuthn: boolean) {
  return webAuthn
    ? [
        {
          alias: enrolOtpCondition,
          config: { flow_to_check: registeredFactorFlow, check_result: "not-executed" },
        },
      ]
    : [];
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
    // No SMTP is configured: a required email verification could never be completed, so every new
    // user would be stuck at VERIFY_EMAIL (see docs/identity.md for adding SMTP yourself).
    verifyEmail: false,
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
      requiredAction("VERIFY_EMAIL", "Verify Email", false, 30),
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
    authenticatorConfig: authenticatorConfigs(args.webAuthn),
    groups: realmGroupNames(args.groups).map((name) => ({ name, path: `/${name}` })),
    clients: [kubectlClient()],
  };
}
