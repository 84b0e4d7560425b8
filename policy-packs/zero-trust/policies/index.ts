/**
 * Every policy of the zero-trust pack, with the controls each checks. index.ts (the pack's entry
 * point) serves these; tests import them directly, since serving starts a gRPC server.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { awsPolicies } from "./aws";
import { azurePolicies } from "./azure";
import { controlsOf } from "./common";
import { kubernetesPolicies } from "./kubernetes";
import { meshPolicies } from "./mesh";
import { secretPolicies } from "./secrets";
import { stackPolicies } from "./stack";

export const packName = "zt-blueprint-zero-trust";

/** Without a config file every policy blocks: config/dev.json is what makes dev advisory. */
export const packEnforcementLevel: EnforcementLevel = "mandatory";

export const policies: Policies = [
  ...awsPolicies,
  ...azurePolicies,
  ...kubernetesPolicies,
  ...meshPolicies,
  ...stackPolicies,
  ...secretPolicies,
];

/** Policy name → the control IDs it checks (read by `npm run controls`). */
export const policyControls: ReadonlyMap<string, readonly string[]> = new Map(
  policies.map((policy) => [policy.name, controlsOf(policy)]),
);
