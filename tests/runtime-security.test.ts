/** Runtime threat detection (C-RT-1): Falco with the modern eBPF driver, our rules, alerts routed to a sink. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { editInputs } from "./fixtures";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { stackGraph as stack } from "./harness/run";

const falcoRelease = (graph: ResourceGraph) =>
  graph.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "falco");

function checkRuntimeSecurity(graph: ResourceGraph): string[] {
  const release = falcoRelease(graph);
  if (!release) return ["no Falco"];
  const values = release.inputs["values"] as Record<string, unknown>;
  const problems: string[] = [];
  if (at(values, "driver.kind") !== "modern_ebpf")
    problems.push(`driver is ${String(at(values, "driver.kind"))}, not modern_ebpf`);
  if (at(values, "driver.modernEbpf.leastPrivileged") !== true) problems.push("Falco runs privileged");
  if (!String(at(values, "customRules")?.["zt-platform.yaml" as never] ?? "").includes("- rule: ZT")) {
    problems.push("the platform rules are not loaded");
  }
  if (at(values, "falcosidekick.enabled") !== true) problems.push("falcosidekick is off");
  const config = (at(values, "falcosidekick.config") ?? {}) as Record<string, unknown>;
  const routed = ["webhook", "aws", "azure"].filter((sink) => config[sink] !== undefined);
  if (routed.length === 0) problems.push("alerts go nowhere");
  return problems;
}

describe("runtime threat detection", () => {
  proves(
    ["C-RT-1"],
    "Falco runs the modern eBPF driver with least privilege, our rules, and routes alerts to the configured sinks",
    async () => {
      const aws = await stack("aws-prod");
      assert.deepEqual(checkRuntimeSecurity(aws), []);
      const config = at(falcoRelease(aws)?.inputs, "values.falcosidekick.config") as Record<string, unknown>;
      assert.equal(at(config, "webhook.address"), "https://alerts.example.com/hooks/falco");
      assert.equal(at(config, "aws.cloudwatchlogs.loggroup"), "/zt-blueprint/zt-aws-prod/falco-alerts");
      assert.equal(
        at(config, "aws.rolearn"),
        "arn:aws:iam::123456789012:role/zt-aws-prod-falco-falco-falcosidekick",
      );
      const azure = await stack("azure-prod");
      assert.deepEqual(checkRuntimeSecurity(azure), []);
      const azureConfig = at(falcoRelease(azure)?.inputs, "values.falcosidekick.config") as Record<
        string,
        unknown
      >;
      assert.equal(at(azureConfig, "azure.eventHub.name"), "falco");
      assert.match(String(at(azureConfig, "azure.workloadIdentityClientID")), /^client-/);
    },
  );

  proves(
    ["C-RT-1", "C-CL-5"],
    "the cloud sink's identity may write only to the configured log group",
    async () => {
      const graph = await stack("aws-prod");
      const policy = graph
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .find((p) => p.name.includes("falco-falcosidekick"));
      assert.ok(policy);
      const doc = JSON.parse(String(policy.inputs["policy"])) as {
        Statement: { Action: string[]; Resource: string[] }[];
      };
      assert.deepEqual(doc.Statement[0]?.Resource, [
        "arn:aws:logs:eu-west-1:123456789012:log-group:/zt-blueprint/zt-aws-prod/falco-alerts:*",
      ]);
      assert.ok(doc.Statement[0]?.Action.every((a) => a.startsWith("logs:")));
    },
  );

  proves(
    ["C-RT-1"],
    "the runtime check fails when Falco falls back to the kernel-module driver",
    async () => {
      const kmod = editInputs("kubernetes:helm.sh/v3:Release", (props) => {
        if (props["chart"] === "falco")
          ((props["values"] as Record<string, Record<string, unknown>>)["driver"] as Record<string, unknown>)[
            "kind"
          ] = "kmod";
      });
      assert.match(
        checkRuntimeSecurity(await stack("aws-prod", { transformations: [kmod] })).join(),
        /driver is kmod/,
      );
    },
  );
});
