/** NeuVector (C-RT-5, optional): selectable, with the tier's mode, and never watch-only in prod by accident. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { ConfigError } from "../infra/config";
import { checkGatekeeper } from "./checks/admission";
import { editInputs } from "./fixtures";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { captureStack, readStackFile, stackGraph as stack } from "./harness/run";

const withEngine = (stack: string, runtime: Record<string, unknown>) => {
  const addons = JSON.parse(readStackFile(stack).config["zt-blueprint:addons"] ?? "{}") as Record<
    string,
    Record<string, unknown>
  >;
  return {
    overrides: {
      "zt-blueprint:addons": JSON.stringify({
        ...addons,
        runtimeSecurity: { ...addons["runtimeSecurity"], ...runtime },
      }),
    },
  };
};

function neuvectorMode(graph: ResourceGraph): string | undefined {
  const release = graph.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "core");
  const init = String(
    at(release?.inputs, "values.controller.configmap.data") &&
      (at(release?.inputs, "values.controller.configmap.data") as Record<string, string>)["sysinitcfg.yaml"],
  );
  return /New_Service_Policy_Mode: (\w+)/.exec(init)?.[1];
}

function checkNeuVector(graph: ResourceGraph, tier: string): string[] {
  const mode = neuvectorMode(graph);
  if (!mode) return ["NeuVector is not deployed"];
  const expected = { dev: "Discover", staging: "Monitor", prod: "Protect" }[tier];
  return mode === expected ? [] : [`NeuVector runs in ${mode} mode in ${tier}`];
}

describe("NeuVector option", () => {
  proves(
    ["C-RT-5"],
    "NeuVector can replace or join Falco, with the tier's mode (prod Protect) and only its enforcer exempt",
    async () => {
      const prod = await stack("aws-prod", withEngine("aws-prod", { engine: "both" }));
      assert.deepEqual(checkNeuVector(prod, "prod"), []);
      assert.ok(
        prod.ofType("kubernetes:helm.sh/v3:Release").some((r) => r.inputs["chart"] === "falco"),
        "both: Falco stays",
      );
      assert.deepEqual(checkGatekeeper(prod, "prod"), []);
      const staging = await stack("aws-staging", withEngine("aws-staging", { engine: "neuvector" }));
      assert.deepEqual(checkNeuVector(staging, "staging"), []);
      assert.equal(
        staging.ofType("kubernetes:helm.sh/v3:Release").some((r) => r.inputs["chart"] === "falco"),
        false,
      );
      const release = prod.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "core");
      assert.equal(at(release?.inputs, "values.manager.svc.type"), "ClusterIP");
    },
  );

  proves(
    ["C-RT-5"],
    "the NeuVector check fails when prod runs it in monitor mode, and config refuses that without the override key",
    async () => {
      const monitor = editInputs("kubernetes:helm.sh/v3:Release", (props) => {
        if (props["chart"] === "core") {
          const data =
            (props["values"] as Record<string, Record<string, Record<string, Record<string, string>>>>)[
              "controller"
            ]?.["configmap"]?.["data"] ?? {};
          data["sysinitcfg.yaml"] = (data["sysinitcfg.yaml"] ?? "").replace("Protect", "Monitor");
        }
      });
      const graph = await stack("aws-prod", {
        ...withEngine("aws-prod", { engine: "both" }),
        transformations: [monitor],
      });
      assert.match(checkNeuVector(graph, "prod").join(), /Monitor mode in prod/);
      const { error } = await captureStack(
        "aws-prod",
        withEngine("aws-prod", { engine: "neuvector", neuvectorMode: "Monitor" }),
      );
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /zt-blueprint:addons\.runtimeSecurity\.neuvectorMode: got "Monitor"; "Monitor" only watches/,
      );
    },
  );
});
