/**
 * Tenant isolation (C-TEN-1, -2, -4, -5, C-ID-4, C-ID-6). Each control is asserted on the real
 * graph, then asserted to FAIL on a graph where a stack transformation switched it off, so no
 * check here can pass vacuously.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import {
  checkDefaultDenyNetwork,
  checkDefaultServiceAccount,
  checkPodSecurity,
  checkQuotas,
  checkTenantRbac,
  types,
} from "./checks/tenant";
import { capturePlatform, declaredFlows, editInputs, tenantGroups } from "./fixtures";
import { at } from "./harness/graph";
import { proves } from "./harness/proves";

type Rec = Record<string, unknown>;

describe("tenant namespace isolation", () => {
  proves(
    ["C-TEN-1"],
    "tenant namespaces enforce, audit and warn Pod Security restricted at a pinned version",
    async () => {
      const { graph, error } = await capturePlatform();
      assert.equal(error, undefined);
      assert.equal(graph.ofType(types.namespace).length, 2);
      assert.deepEqual(checkPodSecurity(graph), []);
    },
  );

  proves(["C-TEN-1"], "the PSA check fails when a tenant namespace is relaxed to baseline", async () => {
    const relax = editInputs(types.namespace, (props) => {
      ((props["metadata"] as Rec)["labels"] as Rec)["pod-security.kubernetes.io/enforce"] = "baseline";
    });
    const { graph } = await capturePlatform([relax]);
    assert.match(checkPodSecurity(graph).join("\n"), /enforce is not "restricted"/);
  });

  proves(
    ["C-TEN-2"],
    "tenant namespaces deny all ingress and egress except DNS, same namespace and declared peers",
    async () => {
      const { graph } = await capturePlatform();
      assert.deepEqual(checkDefaultDenyNetwork(graph, declaredFlows()), []);
      const peers = graph.named(types.networkPolicy, "tenant-billing-allow-from-peers");
      assert.deepEqual(at(peers.inputs, "spec.ingress"), [
        {
          from: [
            {
              namespaceSelector: {
                matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["shop"] }],
              },
            },
          ],
        },
      ]);
      // The caller's egress is derived from the callee's declaration, and nothing else.
      const egress = graph.named(types.networkPolicy, "tenant-shop-allow-to-peers");
      assert.match(JSON.stringify(egress.inputs["spec"]), /"values":\["billing"\]/);
      assert.equal(
        graph.ofType(types.networkPolicy).some((p) => p.name === "tenant-shop-allow-from-peers"),
        false,
      );
    },
  );

  proves(
    ["C-TEN-2"],
    "the network check fails when the default-deny policy stops covering egress",
    async () => {
      const weaken = editInputs(types.networkPolicy, (props, name) => {
        if (name.endsWith("default-deny")) (props["spec"] as Rec)["policyTypes"] = ["Ingress"];
      });
      const { graph } = await capturePlatform([weaken]);
      assert.match(
        checkDefaultDenyNetwork(graph, declaredFlows()).join("\n"),
        /no default-deny NetworkPolicy/,
      );
    },
  );

  proves(["C-TEN-2"], "the network check fails when a tenant allows a peer it did not declare", async () => {
    const widen = editInputs(types.networkPolicy, (props, name) => {
      if (name === "tenant-billing-allow-from-peers") {
        (props["spec"] as Rec)["ingress"] = [
          {
            from: [
              {
                namespaceSelector: {
                  matchExpressions: [
                    { key: "kubernetes.io/metadata.name", operator: "In", values: ["shop", "intruder"] },
                  ],
                },
              },
            ],
          },
        ];
      }
    });
    const { graph } = await capturePlatform([widen]);
    assert.match(
      checkDefaultDenyNetwork(graph, declaredFlows()).join("\n"),
      /undeclared peer namespace intruder/,
    );
  });

  proves(["C-TEN-2"], "the network check fails when an allowance is open to every source", async () => {
    const open = editInputs(types.networkPolicy, (props, name) => {
      if (name.endsWith("allow-same-namespace")) (props["spec"] as Rec)["ingress"] = [{}];
    });
    const { graph } = await capturePlatform([open]);
    assert.match(checkDefaultDenyNetwork(graph, declaredFlows()).join("\n"), /open to every source/);
  });

  proves(
    ["C-TEN-4"],
    "tenant namespaces have a ResourceQuota and a LimitRange with defaults and maximums",
    async () => {
      const { graph } = await capturePlatform();
      assert.deepEqual(checkQuotas(graph), []);
      const quota = graph.named(types.resourceQuota, "tenant-billing-quota");
      const hard = at(quota.inputs, "spec.hard") as Record<string, string>;
      assert.equal(hard["limits.cpu"], "1");
      assert.equal(hard["limits.memory"], "2Gi");
      assert.equal(hard["pods"], "10");
      assert.equal(hard["services.loadbalancers"], "0");
      assert.equal(hard["services.nodeports"], "0");
    },
  );

  proves(["C-TEN-4"], "the quota check fails when the ResourceQuota stops capping cpu", async () => {
    const uncap = editInputs(types.resourceQuota, (props) => {
      delete ((props["spec"] as Rec)["hard"] as Rec)["limits.cpu"];
    });
    const { graph } = await capturePlatform([uncap]);
    assert.match(checkQuotas(graph).join("\n"), /does not cap limits.cpu/);
  });

  proves(
    ["C-TEN-5", "C-ID-4"],
    "tenant roles are bound only to the tenant's IdP group and use no wildcards",
    async () => {
      const { graph } = await capturePlatform();
      assert.deepEqual(checkTenantRbac(graph, tenantGroups()), []);
      const binding = graph.named(types.roleBinding, "tenant-shop-role-binding");
      assert.deepEqual(binding.inputs["subjects"], [
        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "oidc:team-shop" },
      ]);
      // The binding waits for the Role it references.
      const role = graph.named(types.role, "tenant-shop-role");
      assert.ok(binding.dependsOn.includes(role.urn));
    },
  );

  proves(
    ["C-TEN-5", "C-ID-4"],
    "the RBAC check fails when a tenant binding names a user or a role gains a wildcard verb",
    async () => {
      const toUser = editInputs(types.roleBinding, (props) => {
        props["subjects"] = [
          { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice@example.com" },
        ];
      });
      const wildcard = editInputs(types.role, (props) => {
        props["rules"] = [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }];
      });
      const { graph } = await capturePlatform([toUser, wildcard]);
      const problems = checkTenantRbac(graph, tenantGroups()).join("\n");
      assert.match(problems, /binds User alice@example.com/);
      assert.match(problems, /has "\*" in verbs/);
    },
  );

  proves(["C-ID-6"], "the default ServiceAccount of every tenant namespace mounts no API token", async () => {
    const { graph } = await capturePlatform();
    assert.deepEqual(checkDefaultServiceAccount(graph), []);
  });

  proves(["C-ID-6"], "the service-account check fails when token automount is switched back on", async () => {
    const automount = editInputs(types.serviceAccountPatch, (props) => {
      props["automountServiceAccountToken"] = true;
    });
    const { graph } = await capturePlatform([automount]);
    assert.match(checkDefaultServiceAccount(graph).join("\n"), /still automounts/);
  });
});
