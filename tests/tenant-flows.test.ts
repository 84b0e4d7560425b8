/**
 * Tenant flow agreement (C-TEN-2, C-TEN-3): every flow a tenant declares is enforced identically by
 * its NetworkPolicies, its mesh authorization and its callers' Sidecar scope, on every shipped
 * stack. Each companion test breaks exactly one enforcement point with a stack transformation and
 * shows the check names that point, and only that point.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { checkTenantFlows, flowDeclarations, istioTypes, type FlowDeclarations } from "./checks/tenant-flows";
import { types } from "./checks/tenant";
import { editInputs } from "./fixtures";
import { proves } from "./harness/proves";
import { listStacks, resolvedStackConfig, stackGraph } from "./harness/run";

type Rec = Record<string, unknown>;

function declarationsOf(stack: string): FlowDeclarations {
  return flowDeclarations(resolvedStackConfig(stack));
}

/** The local stack declares all three kinds of flow: a peer, an ingress route and an egress host. */
const brokenStack = "local";

async function problemsWith(transformation: pulumi.ResourceTransformation): Promise<string[]> {
  const graph = await stackGraph(brokenStack, { transformations: [transformation] });
  return checkTenantFlows(graph, declarationsOf(brokenStack));
}

/** The check failed, and every problem is about the one enforcement point that was broken. */
function assertOnlyPointFails(problems: readonly string[], point: string, detail: RegExp): void {
  assert.ok(problems.length > 0, `expected the check to fail at "${point}"`);
  for (const problem of problems) assert.ok(problem.startsWith(point), `unrelated problem: ${problem}`);
  assert.match(problems.join("\n"), detail);
}

const namesIn = (values: string[]) => ({
  namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values }] },
});

describe("tenant flow agreement", () => {
  proves(
    ["C-TEN-2", "C-TEN-3"],
    "on every shipped stack, NetworkPolicies, mesh authorization, Sidecars and ServiceEntries enforce exactly the declared flows",
    async (t) => {
      const stacks = listStacks();
      assert.ok(stacks.length >= 6, `expected the shipped stacks, found ${stacks.join(", ")}`);
      for (const stack of stacks) {
        await t.test(stack, async () => {
          const declared = declarationsOf(stack);
          // Vacuity guard: each shipped stack declares at least one peer flow to agree on.
          assert.ok(declared.tenants.some((tenant) => tenant.allowedPeers.length > 0));
          assert.deepEqual(checkTenantFlows(await stackGraph(stack), declared), []);
        });
      }
    },
  );

  proves(
    ["C-TEN-3"],
    "the flow check fails when a declared peer is dropped from the AuthorizationPolicy",
    async () => {
      const problems = await problemsWith(
        editInputs(istioTypes.authorizationPolicy, (props, name) => {
          if (name === "tenant-payments-authorizationpolicy-allow-declared-peers")
            props["spec"] = {
              action: "ALLOW",
              rules: [{ from: [{ source: { namespaces: ["payments"] } }] }],
            };
        }),
      );
      assertOnlyPointFails(problems, "payments: mesh AuthorizationPolicies admit", /not storefront/);
    },
  );

  proves(
    ["C-TEN-3"],
    "the flow check fails when the ingress-gateway policy admits another principal",
    async () => {
      const problems = await problemsWith(
        editInputs(istioTypes.authorizationPolicy, (props, name) => {
          if (name === "tenant-storefront-authorizationpolicy-allow-ingress-gateway") {
            props["spec"] = {
              action: "ALLOW",
              rules: [{ from: [{ source: { principals: ["cluster.local/ns/payments/sa/default"] } }] }],
            };
          }
        }),
      );
      assertOnlyPointFails(
        problems,
        "storefront: mesh AuthorizationPolicies admit",
        /undeclared payments[\s\S]*not istio-ingress/,
      );
    },
  );

  proves(
    ["C-TEN-2"],
    "the flow check fails when an ingress NetworkPolicy admits an undeclared namespace",
    async () => {
      const problems = await problemsWith(
        editInputs(types.networkPolicy, (props, name) => {
          if (name === "tenant-payments-allow-from-peers")
            (props["spec"] as Rec)["ingress"] = [{ from: [namesIn(["storefront", "intruder"])] }];
        }),
      );
      assertOnlyPointFails(problems, "payments: ingress NetworkPolicies admit", /undeclared intruder/);
    },
  );

  proves(
    ["C-TEN-2"],
    "the flow check fails when the caller's egress NetworkPolicy loses its callee",
    async () => {
      const problems = await problemsWith(
        editInputs(types.networkPolicy, (props, name) => {
          if (name === "tenant-storefront-allow-to-peers") (props["spec"] as Rec)["egress"] = [];
        }),
      );
      assertOnlyPointFails(problems, "storefront: egress NetworkPolicies reach", /not payments/);
    },
  );

  proves(["C-TEN-3"], "the flow check fails when a callee is removed from the caller's Sidecar", async () => {
    const problems = await problemsWith(
      editInputs(istioTypes.sidecar, (props, name) => {
        if (name !== "tenant-storefront-sidecar-default") return;
        const [listener] = (props["spec"] as { egress: { hosts: string[] }[] }).egress;
        if (listener) listener.hosts = listener.hosts.filter((host) => host !== "payments/*");
      }),
    );
    assertOnlyPointFails(problems, "storefront: Sidecar egress scope reaches", /not payments/);
  });

  proves(
    ["C-TEN-3"],
    "the flow check fails when a ServiceEntry opens a host the tenant did not declare",
    async () => {
      const problems = await problemsWith(
        editInputs(istioTypes.serviceEntry, (props, name) => {
          if (name === "tenant-payments-serviceentry-egress-0")
            (props["spec"] as Rec)["hosts"] = ["api.stripe.com", "exfil.example.net"];
        }),
      );
      assertOnlyPointFails(problems, "payments: ServiceEntries open", /undeclared exfil\.example\.net/);
    },
  );
});
