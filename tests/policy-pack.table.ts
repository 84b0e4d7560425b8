/**
 * Test names of the pack's tests, and the control → policy → failing test table that
 * policy-packs/README.md must contain (a test keeps the two in step).
 */
import { controls } from "../controls/catalog";
import { policies, policyControls } from "../policy-packs/zero-trust/policies";
import { switchOffs, type SwitchOff } from "./policy-pack.cases";

export const switchOffTitle = (off: SwitchOff) => `prod ${off.stack}: ${off.policy} fails when ${off.what}`;
export const cleanStackTitle = (stack: string) =>
  `stack ${stack} passes the pack at its tier with 0 mandatory violations`;
export const examplesTitle = (policy: string) =>
  `${policy}: passes compliant inputs and fails violating ones`;

/** The full node:test name, as proves() builds it. */
const fullName = (ids: readonly string[], title: string) => `${ids.join(" ")}: ${title}`;

/**
 * Advisory findings a shipped stack may have, per stack, each with its reason in the README.
 * Empty: every dev stack is clean too.
 */
export const acceptedAdvisories: Readonly<Record<string, readonly string[]>> = {};

/** One README row per (control, policy): the prod switch-off test, else the synthetic failing case. */
export function readmeRows(): string[] {
  return controls.flatMap((control) =>
    policies
      .filter((policy) => policyControls.get(policy.name)?.includes(control.id))
      .map((policy) => {
        const off = switchOffs.find((s) => s.policy === policy.name);
        const test = off
          ? fullName(["C-POL-1", ...(policyControls.get(policy.name) ?? [])], switchOffTitle(off))
          : `${fullName(["C-POL-2"], examplesTitle(policy.name))} (no shipped stack has this resource type yet)`;
        return `| ${control.id} | \`${policy.name}\` | ${test} |`;
      }),
  );
}
