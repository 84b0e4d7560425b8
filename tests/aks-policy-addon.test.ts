/**
 * Issue 15, defect 6: one Gatekeeper per AKS cluster. The Azure Policy add-on installs Microsoft's
 * Gatekeeper into gatekeeper-system, where the admission component installs upstream Gatekeeper;
 * the add-on is on only where the admission component is off.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { azure, checkOneGatekeeper } from "./checks/aks";
import { editInputs } from "./fixtures";
import { proves } from "./harness/proves";
import { readStackFile, stackGraph } from "./harness/run";

const gatekeeperObjects = (graph: Awaited<ReturnType<typeof stackGraph>>) =>
  graph.resources.filter(
    (r) => r.type.startsWith("kubernetes:") && r.inputs["namespace"] === "gatekeeper-system",
  );

describe("AKS: the Azure Policy add-on and the platform's Gatekeeper", () => {
  for (const stack of ["azure-dev", "azure-prod"]) {
    proves(["C-ADM-1"], `${stack}: the platform's Gatekeeper runs alone in gatekeeper-system`, async () => {
      const graph = await stackGraph(stack);
      assert.ok(gatekeeperObjects(graph).length > 0, "the admission component installs Gatekeeper");
      assert.equal(graph.ofType(azure.cluster)[0]?.inputs["azurePolicyEnabled"], false);
      assert.deepEqual(checkOneGatekeeper(graph), []);
    });
  }

  proves(
    ["C-ADM-1"],
    "the check fails when the add-on is switched back on beside our Gatekeeper",
    async () => {
      const on = editInputs(azure.cluster, (props) => {
        props["azurePolicyEnabled"] = true;
      });
      assert.match(
        checkOneGatekeeper(await stackGraph("azure-prod", { transformations: [on] })).join(),
        /Azure Policy add-on and the platform's Gatekeeper .* both install into gatekeeper-system/,
      );
    },
  );

  test("a dev stack with the admission component off gets the Azure Policy add-on instead", async () => {
    const addons = JSON.parse(readStackFile("azure-dev").config["zt-blueprint:addons"] ?? "{}") as Record<
      string,
      Record<string, unknown>
    >;
    const off = { ...addons, admission: { ...(addons["admission"] ?? {}), enabled: false } };
    const graph = await stackGraph("azure-dev", {
      overrides: { "zt-blueprint:addons": JSON.stringify(off) },
    });
    assert.deepEqual(gatekeeperObjects(graph), []);
    assert.equal(graph.ofType(azure.cluster)[0]?.inputs["azurePolicyEnabled"], true);
    assert.deepEqual(checkOneGatekeeper(graph), []);
  });
});
