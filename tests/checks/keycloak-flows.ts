/**
 * A small evaluator of Keycloak's browser-flow semantics (C-ID-2), to run the realm the job
 * imports against users with different credentials. It models only what our realms use, and each
 * rule names its source (keycloak/keycloak, services/src/main/java/org/keycloak/authentication/):
 *
 * - DefaultAuthenticationFlow.java processFlow: REQUIRED and CONDITIONAL executions run in order
 *   and all must succeed (or be "setup required"); ALTERNATIVE ones are tried only when no
 *   REQUIRED/CONDITIONAL remains at that level (both at one level: the alternatives are ignored),
 *   the first success wins, and a failing alternative is recorded and skipped. A CONDITIONAL
 *   subflow is removed when its conditions are absent or one is false (isConditionalSubflowDisabled).
 *   Server admin guide, "Execution requirements" and "Conditions in conditional flows", says the same.
 * - processSingleFlowExecutionModel: an authenticator that needs a user the user has no credential
 *   for is SETUP_REQUIRED (and adds its required action) only when REQUIRED and user setup is
 *   allowed; otherwise it throws CREDENTIAL_SETUP_REQUIRED. Among alternatives Keycloak offers the
 *   user's own credentials first (AuthenticationSelectionResolver).
 * - authenticators/conditional/ConditionalUserConfiguredAuthenticator.java: true when every
 *   REQUIRED (else any ALTERNATIVE) non-condition, non-subflow sibling is configured for the user.
 * - authenticators/conditional/ConditionalSubFlowExecutedAuthenticator.java: with check_result
 *   "executed" true iff the named subflow's status is SUCCESS; "not-executed" the negation;
 *   without config false.
 * - After the top flow succeeds the user's required actions run before the login completes
 *   (server admin guide, "Required actions"); new users get the realm's enabled default actions.
 *   verifyEmail adds VERIFY_EMAIL, whose mail cannot be sent without an SMTP server.
 *
 * The simulated user answers every prompt correctly and has no SSO cookie; one pass stands for the
 * request/response round trips, whose re-entry (isProcessed) reaches the same statuses.
 */
import type { RealmDoc } from "./identity";

export type Credential = "otp" | "webauthn";

export interface SimulatedUser {
  readonly credentials: readonly Credential[];
  /** Pending required actions; absent means a new user, who gets the realm's default actions. */
  readonly requiredActions?: readonly string[];
  readonly emailVerified?: boolean;
}

export interface LoginResult {
  readonly outcome: "logged-in" | "locked-out" | "stuck";
  /** Authenticators that challenged the user, in order. */
  readonly prompts: string[];
  /** Required actions the user is asked to complete after the flow, in order. */
  readonly askedTo: string[];
  readonly reason?: string;
}

type Execution = NonNullable<RealmDoc["authenticationFlows"]>[number]["authenticationExecutions"][number];

/** What each authenticator our realms use does; anything else is refused, not guessed. */
const authenticators: Record<
  string,
  {
    credential?: Credential;
    setupAction?: string;
    condition?: boolean;
    prompts?: boolean;
    attempts?: boolean;
  }
> = {
  "auth-cookie": { attempts: true },
  "auth-username-password-form": { prompts: true },
  // OTPFormAuthenticatorFactory / WebAuthnAuthenticatorFactory: isUserSetupAllowed() is true.
  "auth-otp-form": { credential: "otp", setupAction: "CONFIGURE_TOTP", prompts: true },
  "webauthn-authenticator": { credential: "webauthn", setupAction: "webauthn-register", prompts: true },
  "conditional-user-configured": { condition: true },
  "conditional-sub-flow-executed": { condition: true },
};

class FlowFailure extends Error {}

export function simulateBrowserLogin(realm: RealmDoc, user: SimulatedUser): LoginResult {
  const flows = new Map((realm.authenticationFlows ?? []).map((f) => [f.alias, f.authenticationExecutions]));
  const configs = new Map((realm.authenticatorConfig ?? []).map((c) => [c.alias, c.config]));
  const status = new Map<string, string>();
  const prompts: string[] = [];
  const added = new Set<string>();
  let identified = false;
  const key = (parent: string, e: Execution) => `${parent}/${e.flowAlias ?? e.authenticator ?? ""}`;
  const kind = (e: Execution) => {
    const known = authenticators[e.authenticator ?? ""];
    if (!known) throw new Error(`the evaluator does not model authenticator ${e.authenticator}`);
    return known;
  };
  const isCondition = (e: Execution) => !e.flowAlias && kind(e).condition === true;
  const enabled = (alias: string) =>
    [...(flows.get(alias) ?? [])]
      .filter((e) => e.requirement !== "DISABLED")
      .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  const configured = (e: Execution) => {
    const credential = kind(e).credential;
    return credential === undefined || user.credentials.includes(credential);
  };

  const conditionHolds = (flowAlias: string, condition: Execution): boolean => {
    if (condition.authenticator === "conditional-user-configured") {
      const siblings = enabled(flowAlias).filter((e) => !e.flowAlias && !isCondition(e));
      const required = siblings.filter((e) => e.requirement === "REQUIRED");
      const alternatives = siblings.filter((e) => e.requirement === "ALTERNATIVE");
      if (required.length > 0) return required.every(configured);
      return alternatives.length > 0 ? alternatives.some(configured) : true;
    }
    const config = configs.get(condition.authenticatorConfig ?? "");
    if (!config?.["flow_to_check"]) return false;
    const checked = [...status.entries()].find(([k]) => k.endsWith(`/${config["flow_to_check"]}`))?.[1];
    const succeeded = checked === "SUCCESS";
    return config["check_result"] === "not-executed" ? !succeeded : succeeded;
  };
  const subflowDisabled = (e: Execution) => {
    const conditions = enabled(e.flowAlias ?? "").filter(isCondition);
    return conditions.length === 0 || conditions.some((c) => !conditionHolds(e.flowAlias ?? "", c));
  };

  const passed = (parent: string, e: Execution) =>
    ["SUCCESS", "SETUP_REQUIRED"].includes(status.get(key(parent, e)) ?? "");
  const ownCredential = (e: Execution) => !e.flowAlias && kind(e).credential !== undefined && configured(e);

  const runOne = (parent: string, e: Execution, alternative: boolean): void => {
    if (e.flowAlias) {
      status.set(key(parent, e), runFlow(e.flowAlias) ? "SUCCESS" : "FAILED");
      return;
    }
    const known = kind(e);
    if (known.credential) {
      if (!identified) throw new FlowFailure("UNKNOWN_USER");
      if (!configured(e)) {
        if (!alternative && e.requirement === "REQUIRED" && known.setupAction) {
          status.set(key(parent, e), "SETUP_REQUIRED");
          added.add(known.setupAction);
          return;
        }
        throw new FlowFailure("CREDENTIAL_SETUP_REQUIRED");
      }
    }
    if (known.attempts) {
      status.set(key(parent, e), "ATTEMPTED");
      return;
    }
    prompts.push(e.authenticator ?? "");
    if (e.authenticator === "auth-username-password-form") identified = true;
    status.set(key(parent, e), "SUCCESS");
  };

  function runFlow(alias: string): boolean {
    const executions = enabled(alias).filter((e) => !isCondition(e));
    const required = executions.filter(
      (e) => e.requirement === "REQUIRED" || e.requirement === "CONDITIONAL",
    );
    // REQUIRED and ALTERNATIVE at one level: Keycloak ignores the alternatives.
    const alternatives = required.length > 0 ? [] : executions.filter((e) => e.requirement === "ALTERNATIVE");
    let remaining = 0;
    for (const e of required) {
      // A conditional subflow's conditions are evaluated when the loop reaches it.
      if (e.requirement === "CONDITIONAL" && subflowDisabled(e)) continue;
      remaining += 1;
      runOne(alias, e, false);
      if (!passed(alias, e)) return false;
    }
    if (remaining > 0) return true;
    const ordered = [...alternatives].sort((a, b) => Number(!ownCredential(a)) - Number(!ownCredential(b)));
    for (const e of ordered) {
      try {
        runOne(alias, e, true);
        if (passed(alias, e)) return true;
      } catch (failure) {
        if (!(failure instanceof FlowFailure)) throw failure;
        status.set(key(alias, e), "ATTEMPTED");
      }
    }
    return false;
  }

  let success: boolean;
  try {
    success = runFlow(realm.browserFlow ?? "");
  } catch (failure) {
    if (!(failure instanceof FlowFailure)) throw failure;
    success = false;
  }

  if (!success) return { outcome: "locked-out", prompts, askedTo: [], reason: "the browser flow failed" };
  const actions = realm.requiredActions ?? [];
  const pending = new Set(
    user.requiredActions ?? actions.filter((a) => a.enabled && a.defaultAction).map((a) => a.alias),
  );
  for (const action of added) pending.add(action);
  if (realm.verifyEmail && !user.emailVerified) pending.add("VERIFY_EMAIL");
  const priority = (alias: string) => actions.find((a) => a.alias === alias)?.priority ?? 1000;
  const askedTo = [...pending]
    .filter((alias) => actions.find((a) => a.alias === alias)?.enabled ?? alias === "VERIFY_EMAIL")
    .sort((a, b) => priority(a) - priority(b));
  if (askedTo.includes("VERIFY_EMAIL") && !realm.smtpServer?.host) {
    return {
      outcome: "stuck",
      prompts,
      askedTo,
      reason: "VERIFY_EMAIL needs a mail no SMTP server can send",
    };
  }
  return { outcome: "logged-in", prompts, askedTo };
}
