/**
 * Every tenant control on every shipped stack (issue #9): the checks of tests/checks/tenant.ts run
 * on each stack's captured graph, with the RBAC subject each cloud uses (Entra group object IDs on
 * AKS, the OIDC prefix and group name elsewhere). C-TEN-2/3 agreement and C-TEN-6 run per stack
 * in tenant-flows.test.ts and secrets-identity.test.ts; each check's switched-off case is in
 * tenant.test.ts.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import {
  checkDefaultServiceAccount,
  checkPodSecurity,
  checkQuotas,
  checkTenantRbac,
  tenantNamespaces,
} from "./checks/tenant";
import { ResourceGraph } from "./harness/graph";
import { listStacks, resolvedStackConfig, stackGraph } from "./harness/run";
import { proves } from "./harness/proves";

describe("tenant controls on every shipped stack", () => {
  for (const stack of listStacks()) {
    proves(
      ["C-TEN-1", "C-TEN-4", "C-TEN-5", "C-ID-6"],
      `${stack}: every declared tenant is a restricted namespace with quotas, its group's RBAC only, and no default token`,
      async () => {
        const graph = await stackGraph(stack);
        const tenants = resolvedStackConfig(stack).tenants;
        assert.ok(tenants.length >= 3, `${stack} declares at least three example tenants`);
        assert.deepEqual(tenantNamespaces(graph).sort(), tenants.map((t) => t.name).sort());
        const groups = new Map(tenants.map((t) => [t.name, t.entraGroupObjectId ?? `oidc:${t.idpGroup}`]));
        // C-TEN-1 is about tenant namespaces; node agents' namespaces (Falco) are privileged by design.
        const tenantGraph = new ResourceGraph(
          graph.resources.filter(
            (r) =>
              r.type !== "kubernetes:core/v1:Namespace" ||
              tenantNamespaces(new ResourceGraph([r])).length > 0,
          ),
        );
        assert.deepEqual(checkPodSecurity(tenantGraph), []);
        assert.deepEqual(checkQuotas(graph), []);
        assert.deepEqual(checkTenantRbac(graph, groups), []);
        assert.deepEqual(checkDefaultServiceAccount(graph), []);
      },
    );
  }
});
