/**
 * The realm job's script (components/identity/apply-realm.sh) against a fake kcadm.sh: it
 * creates a missing realm, re-applies an existing one without re-importing it, and fails on drift
 * in the browser flow (C-ID-2). No Keycloak runs here, so the fake answers as Keycloak's CLI does.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe } from "node:test";
import { flowProviders } from "../components/identity/realm";
import { proves } from "./harness/proves";

const script = path.join(__dirname, "..", "components", "identity", "apply-realm.sh");

const fakeKcadm = `#!/bin/bash
echo "$*" >> "$FAKE_LOG"
case "$1 $2" in
  "config credentials") exit 0 ;;
  "get realms/platform")
    if [ "$3" = "--fields" ]; then echo "\${FAKE_FLOW:-browser-mfa}"; exit 0; fi
    [ -n "\${FAKE_REALM_EXISTS:-}" ] ;;
  "get authentication/flows/browser-mfa/executions")
    echo "auth-cookie,ALTERNATIVE"; echo "auth-username-password-form,REQUIRED"
    echo "\${FAKE_OTP:-auth-otp-form,REQUIRED}"
    echo "webauthn-authenticator,ALTERNATIVE"
    [ -n "\${FAKE_OLD_FLOW:-}" ] || printf '%s\\n' conditional-user-configured,REQUIRED conditional-sub-flow-executed,REQUIRED ;;
  *) exit 0 ;;
esac
`;

function run(env: Record<string, string>): { status: number | null; log: string[]; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-realm-job-"));
  const realmDir = path.join(dir, "realm");
  fs.mkdirSync(realmDir);
  fs.writeFileSync(path.join(realmDir, "realm-name"), "platform");
  for (const file of ["realm.json", "settings.json", "clients.json", "groups.json"]) {
    fs.writeFileSync(path.join(realmDir, file), "{}");
  }
  fs.writeFileSync(path.join(realmDir, "flow-providers"), flowProviders(true).join("\n"));
  fs.writeFileSync(path.join(dir, "admin-password"), "not-a-real-password");
  const kcadm = path.join(dir, "kcadm.sh");
  fs.writeFileSync(kcadm, fakeKcadm, { mode: 0o755 });
  const log = path.join(dir, "calls.log");
  const result = spawnSync("bash", [script], {
    encoding: "utf8",
    env: {
      PATH: process.env["PATH"] ?? "",
      TMPDIR: dir,
      KCADM: kcadm,
      REALM_DIR: realmDir,
      FAKE_LOG: log,
      KEYCLOAK_URL: "http://keycloak.keycloak.svc.cluster.local:8080",
      KC_ADMIN_USER: "zt-admin",
      KC_ADMIN_PASSWORD_FILE: path.join(dir, "admin-password"),
      ...env,
    },
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  return { status: result.status, log: calls, stderr: result.stderr };
}

describe("realm job", () => {
  proves(["C-ID-2"], "a missing realm is imported whole, then OTP enrolment is asserted", () => {
    const { status, log } = run({});
    assert.equal(status, 0);
    assert.ok(log.some((call) => /^create realms -f .*realm\.json/.test(call)));
    assert.ok(log.some((call) => call.startsWith("update authentication/required-actions/CONFIGURE_TOTP")));
  });

  proves(["C-ID-2"], "an existing realm is re-applied without a new import; groups are only added", () => {
    const { status, log } = run({ FAKE_REALM_EXISTS: "1" });
    assert.equal(status, 0);
    assert.ok(!log.some((call) => call.startsWith("create realms")));
    assert.ok(log.some((call) => /^update realms\/platform -f .*settings\.json/.test(call)));
    assert.ok(log.some((call) => /^create partialImport -r platform -f .*clients\.json/.test(call)));
    assert.ok(log.some((call) => /^create partialImport -r platform -f .*groups\.json/.test(call)));
  });

  proves(["C-ID-2"], "the job fails when the browser flow lost its OTP step or another flow is bound", () => {
    const disabled = run({ FAKE_REALM_EXISTS: "1", FAKE_OTP: "auth-otp-form,DISABLED" });
    assert.equal(disabled.status, 1);
    assert.match(disabled.stderr, /no longer contains an enabled OTP step/);
    const rebound = run({ FAKE_REALM_EXISTS: "1", FAKE_FLOW: "browser" });
    assert.equal(rebound.status, 1);
    assert.match(rebound.stderr, /binds browser flow 'browser'/);
  });

  proves(["C-ID-2"], "the job fails on a realm that kept an older release's browser flow", () => {
    const current = run({ FAKE_REALM_EXISTS: "1" });
    assert.equal(current.status, 0, current.stderr);
    const old = run({ FAKE_REALM_EXISTS: "1", FAKE_OLD_FLOW: "1" });
    assert.equal(old.status, 1);
    assert.match(old.stderr, /browser-mfa has no conditional-sub-flow-executed step/);
  });
});
