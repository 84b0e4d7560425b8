/**
 * The platform realm's browser flow run through Keycloak's flow semantics (tests/checks/
 * keycloak-flows.ts) for the users who must get in (C-ID-2): a new user with no second factor is
 * asked to enrol OTP instead of failing, a user with OTP is prompted for it, a user with only a
 * WebAuthn key is accepted with it. The companions run the flow shape of the previous release and
 * a realm that requires email verification without SMTP, and show both lock users out.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { browserFlowAlias, realmRepresentation, type RealmArgs } from "../components/identity/realm";
import { checkMfa, loginUsers, realmOf, type RealmDoc } from "./checks/identity";
import { simulateBrowserLogin } from "./checks/keycloak-flows";
import { stackGraph } from "./harness/run";
import { proves } from "./harness/proves";

const args = (webAuthn: boolean): RealmArgs => ({
  realm: "platform",
  groups: ["platform-admins"],
  accessTokenMinutes: 5,
  ssoSessionIdleMinutes: 30,
  ssoSessionMaxHours: 10,
  webAuthn,
});
const realm = (webAuthn: boolean) => realmRepresentation(args(webAuthn)) as unknown as RealmDoc;

/** The second factor as the previous release shipped it: a REQUIRED subflow of two ALTERNATIVEs. */
function previousFlowShape(): RealmDoc {
  const doc = structuredClone(realm(true));
  const secondFactor = `${browserFlowAlias} second factor`;
  doc.authenticationFlows = [
    ...(doc.authenticationFlows ?? []).filter((f) => f.alias === browserFlowAlias),
    {
      alias: `${browserFlowAlias} forms`,
      authenticationExecutions: [
        { authenticator: "auth-username-password-form", requirement: "REQUIRED", priority: 10 },
        { flowAlias: secondFactor, requirement: "REQUIRED", priority: 20 },
      ],
    },
    {
      alias: secondFactor,
      authenticationExecutions: [
        { authenticator: "auth-otp-form", requirement: "ALTERNATIVE", priority: 10 },
        { authenticator: "webauthn-authenticator", requirement: "ALTERNATIVE", priority: 20 },
      ],
    },
  ];
  return doc;
}

describe("signing in to the platform realm", () => {
  proves(["C-ID-2"], "a new user without a second factor is asked to enrol OTP", async () => {
    const shipped = realmOf(await stackGraph("aws-prod"));
    assert.ok(shipped);
    for (const doc of [shipped, realm(true), realm(false)]) {
      const fresh = simulateBrowserLogin(doc, { credentials: [] });
      assert.equal(fresh.outcome, "logged-in", fresh.reason);
      assert.deepEqual(fresh.prompts, ["auth-username-password-form"]);
      assert.equal(fresh.askedTo[0], "CONFIGURE_TOTP");
      // Even with its default actions cleared, the flow itself makes OTP setup required.
      const cleared = simulateBrowserLogin(doc, { credentials: [], requiredActions: [] });
      assert.deepEqual(cleared.askedTo, ["CONFIGURE_TOTP"]);
    }
  });

  proves(["C-ID-2"], "a user with OTP is prompted for it; a WebAuthn-only user signs in with the key", () => {
    for (const webAuthn of [true, false]) {
      const otp = simulateBrowserLogin(realm(webAuthn), { credentials: ["otp"], requiredActions: [] });
      assert.deepEqual(otp, {
        outcome: "logged-in",
        prompts: ["auth-username-password-form", "auth-otp-form"],
        askedTo: [],
      });
    }
    const key = simulateBrowserLogin(realm(true), { credentials: ["webauthn"], requiredActions: [] });
    assert.deepEqual(key.prompts, ["auth-username-password-form", "webauthn-authenticator"]);
    assert.equal(key.outcome, "logged-in");
    assert.deepEqual(key.askedTo, []);
    assert.deepEqual(checkMfa(realm(true)), []);
    assert.deepEqual(checkMfa(realm(false)), []);
  });

  proves(["C-ID-2"], "the previous flow shape locks out a user without a second factor", () => {
    const old = previousFlowShape();
    const fresh = simulateBrowserLogin(old, { credentials: [] });
    assert.equal(fresh.outcome, "locked-out");
    assert.deepEqual(fresh.askedTo, []);
    // Users who already had a factor were not affected, which is why the defect went unnoticed.
    assert.equal(
      simulateBrowserLogin(old, { credentials: ["otp"], requiredActions: [] }).outcome,
      "logged-in",
    );
    assert.ok(checkMfa(old).some((p) => p.startsWith("a new user without a second factor is locked-out")));
    assert.ok(Object.keys(loginUsers).length >= 3);
  });

  proves(["C-ID-2"], "no user is held at email verification the realm cannot send", () => {
    const fresh = simulateBrowserLogin(realm(true), { credentials: [] });
    assert.ok(!fresh.askedTo.includes("VERIFY_EMAIL"));
    const verifying = { ...realm(true), verifyEmail: true };
    const stuck = simulateBrowserLogin(verifying, { credentials: ["otp"], requiredActions: [] });
    assert.equal(stuck.outcome, "stuck");
    assert.ok(stuck.askedTo.includes("VERIFY_EMAIL"));
  });
});
