/**
 * First-deploy ordering rules (tests/checks/ordering.ts) on every cloud stack's captured graph.
 * Companions cut the edges a rule relies on, in the graph and in the program, and watch that
 * rule fail by name.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkOrdering,
  checkOrderingRule,
  orderingRules,
  select,
  type OrderingRule,
} from "./checks/ordering";
import { ResourceGraph, type CapturedResource } from "./harness/graph";
import { listStacks, resolvedStackConfig, stackGraph } from "./harness/run";

const cloudStacks = listStacks()
  .map((stack) => ({ stack, cloud: resolvedStackConfig(stack).cloud }))
  .filter((s): s is { stack: string; cloud: "aws" | "azure" } => s.cloud === "aws" || s.cloud === "azure");

const exercises = (graph: ResourceGraph, rule: OrderingRule) =>
  select(graph, rule.dependent).length > 0 && select(graph, rule.prerequisite).length > 0;

/** The graph with every edge out of the rule's dependents removed (dependencies and parent). */
function cutDependents(graph: ResourceGraph, rule: OrderingRule): ResourceGraph {
  const isDependent = (r: CapturedResource) =>
    r.type === rule.dependent.type && (!rule.dependent.where || rule.dependent.where(r));
  return new ResourceGraph(
    graph.resources.map((r) => {
      if (!isDependent(r)) return r;
      // Every field but the parent, and no dependencies.
      const cut = Object.fromEntries(Object.entries(r).filter(([key]) => key !== "parent"));
      return { ...(cut as unknown as CapturedResource), dependsOn: [], propertyDependencies: {} };
    }),
  );
}

describe("first-deploy ordering rules", () => {
  test("every rule names a source and is unique", () => {
    const ids = orderingRules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of orderingRules) assert.match(rule.source, /https:\/\/|terraform-aws-modules/, rule.id);
  });

  test("every rule is exercised (dependent and prerequisite present) on at least one stack", async () => {
    const graphs: { cloud: string; graph: ResourceGraph }[] = [];
    // One program at a time: the Pulumi runtime is global to the process.
    for (const s of cloudStacks) graphs.push({ cloud: s.cloud, graph: await stackGraph(s.stack) });
    for (const rule of orderingRules) {
      const exercised = graphs.some(({ cloud, graph }) => cloud === rule.cloud && exercises(graph, rule));
      assert.ok(exercised, `${rule.id} is vacuous on every shipped stack`);
    }
  });

  for (const { stack, cloud } of cloudStacks) {
    test(`${stack}: every ${cloud} ordering rule holds`, async () => {
      assert.deepEqual(checkOrdering(await stackGraph(stack), cloud), []);
    });

    test(`${stack}: each rule fails by name when its dependents lose their edges`, async () => {
      const graph = await stackGraph(stack);
      for (const rule of orderingRules.filter((r) => r.cloud === cloud)) {
        // Failures are reported by the test above; a rule with nothing to order here is skipped.
        if (checkOrderingRule(graph, rule).length > 0 || !exercises(graph, rule)) continue;
        const cut = checkOrderingRule(cutDependents(graph, rule), rule);
        assert.ok(cut.length > 0, `${rule.id} still holds with its edges cut`);
        assert.ok(
          cut.every((problem) => problem.startsWith(`${rule.id}:`)),
          cut.join("\n"),
        );
      }
    });
  }

  test("dropping the node group's dependsOn in the program breaks aws/node-group-after-network-addons", async () => {
    const graph = await stackGraph("aws-prod", {
      transformations: [
        (args) =>
          args.type === "aws:eks/nodeGroup:NodeGroup"
            ? { props: args.props, opts: { ...args.opts, dependsOn: [] } }
            : undefined,
      ],
    });
    const problems = checkOrdering(graph, "aws");
    assert.ok(problems.length > 0);
    assert.ok(
      problems.every((p) => p.startsWith("aws/node-group-after-network-addons:")),
      problems.join("\n"),
    );
  });
});
