/** In-cluster scanning (C-RT-2): the Trivy operator with every scanner, the tier's threshold, restricted scan jobs. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { editInputs } from "./fixtures";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { stackGraph as stack } from "./harness/run";

const scanners = [
  "vulnerabilityScannerEnabled",
  "configAuditScannerEnabled",
  "exposedSecretScannerEnabled",
  "rbacAssessmentScannerEnabled",
];

function checkScanning(graph: ResourceGraph, expectedSeverity: string): string[] {
  const release = graph
    .ofType("kubernetes:helm.sh/v3:Release")
    .find((r) => r.inputs["chart"] === "trivy-operator");
  if (!release) return ["no Trivy operator"];
  const values = release.inputs["values"] as Record<string, unknown>;
  const problems = scanners.filter((s) => at(values, `operator.${s}`) !== true).map((s) => `${s} is off`);
  if (at(values, "trivy.severity") !== expectedSeverity)
    problems.push(`severity is ${String(at(values, "trivy.severity"))}`);
  const pod = at(values, "trivyOperator.scanJobPodTemplatePodSecurityContext") as
    Record<string, unknown> | undefined;
  const container = at(values, "trivyOperator.scanJobPodTemplateContainerSecurityContext") as
    Record<string, unknown> | undefined;
  if (pod?.["runAsNonRoot"] !== true) problems.push("scan jobs may run as root");
  if (container?.["privileged"] !== false || container["allowPrivilegeEscalation"] !== false)
    problems.push("scan jobs may escalate");
  if (at(values, "trivyOperator.scanJobAutomountServiceAccountToken") !== false)
    problems.push("scan jobs mount an API token");
  if (!at(values, "trivy.resources.limits.cpu")) problems.push("scan jobs have no limits");
  return problems;
}

describe("in-cluster scanning", () => {
  proves(
    ["C-RT-2"],
    "the Trivy operator runs every scanner with restricted scan jobs; prod reports HIGH and CRITICAL",
    async () => {
      assert.deepEqual(checkScanning(await stack("aws-prod"), "HIGH,CRITICAL"), []);
      assert.deepEqual(checkScanning(await stack("local"), "MEDIUM,HIGH,CRITICAL"), []);
    },
  );

  proves(["C-RT-2"], "the scanning check fails when a scanner is switched off", async () => {
    const off = editInputs("kubernetes:helm.sh/v3:Release", (props) => {
      if (props["chart"] === "trivy-operator") {
        ((props["values"] as Record<string, Record<string, unknown>>)["operator"] as Record<string, unknown>)[
          "exposedSecretScannerEnabled"
        ] = false;
      }
    });
    assert.match(
      checkScanning(await stack("aws-prod", { transformations: [off] }), "HIGH,CRITICAL").join(),
      /exposedSecretScannerEnabled is off/,
    );
  });

  proves(["C-RT-2"], "an air-gapped stack can point Trivy at an internal database mirror", async () => {
    const graph = await stack("local", {
      overrides: {
        "zt-blueprint:addons": JSON.stringify({
          admission: { allowedRegistries: ["localhost:5001"], enabled: false },
          runtimeSecurity: { enabled: false },
          identityProvider: { hostname: "id.local.example.com" },
          scanning: { dbRepository: "localhost:5001/aquasec/trivy-db" },
        }),
      },
    });
    const release = graph
      .ofType("kubernetes:helm.sh/v3:Release")
      .find((r) => r.inputs["chart"] === "trivy-operator");
    assert.equal(at(release?.inputs, "values.trivy.dbRepository"), "localhost:5001/aquasec/trivy-db");
  });
});
