/** Monitoring and alerting (C-RT-3) and audit retention (C-RT-4). */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { receiversFor, type Route } from "./checks/alertmanager-routing";
import { editInputs } from "./fixtures";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { stackGraph as stack } from "./harness/run";

const requiredTargets = ["falco", "falcosidekick", "trivy-operator", "gatekeeper", "istiod", "istio-proxies"];
const requiredAlerts = [
  "ZtCriticalVulnerabilities",
  "ZtFalcoCriticalEvent",
  "ZtGatekeeperAuditViolations",
  "ZtMeshPlaintextTraffic",
  "ZtMeshTlsHandshakeFailures",
];

function checkMonitoring(graph: ResourceGraph): string[] {
  const monitors = [
    ...graph.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"),
    ...graph.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor"),
  ].map((m) => String(at(m.inputs, "metadata.name")));
  const problems = requiredTargets.filter((t) => !monitors.includes(t)).map((t) => `nothing scrapes ${t}`);
  const rules = graph
    .ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    .flatMap((r) =>
      ((at(r.inputs, "spec.groups") ?? []) as { rules: { alert: string }[] }[]).flatMap((g) => g.rules),
    )
    .map((r) => r.alert);
  problems.push(...requiredAlerts.filter((a) => !rules.includes(a)).map((a) => `no alert rule ${a}`));
  return problems;
}

const stackRelease = (graph: ResourceGraph) =>
  graph.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "kube-prometheus-stack");

describe("monitoring and audit retention", () => {
  proves(
    ["C-RT-3"],
    "Prometheus scrapes Falco, Trivy, Gatekeeper and Istio and alerts on critical findings",
    async () => {
      const graph = await stack("aws-prod");
      assert.deepEqual(checkMonitoring(graph), []);
      const severity = graph
        .ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        .flatMap((r) =>
          (
            (at(r.inputs, "spec.groups") ?? []) as {
              rules: { alert: string; labels: { severity: string } }[];
            }[]
          ).flatMap((g) => g.rules),
        )
        .find((r) => r.alert === "ZtGatekeeperAuditViolations")?.labels.severity;
      assert.equal(severity, "critical", "prod treats deny-constraint violations as critical");
      assert.deepEqual(
        receiversFor(at(stackRelease(graph)?.inputs, "values.alertmanager.config.route") as Route, {
          alertname: "ZtFalcoCriticalEvent",
          control: "C-RT-1",
        }),
        ["security-webhook"],
        "security alerts are routed to the security webhook",
      );
    },
  );

  proves(["C-RT-3"], "the monitoring check fails when an alert rule is missing", async () => {
    const drop = editInputs("kubernetes:monitoring.coreos.com/v1:PrometheusRule", (props) => {
      const groups = (props["spec"] as { groups: { rules: { alert: string }[] }[] }).groups;
      for (const group of groups) group.rules = group.rules.filter((r) => r.alert !== "ZtFalcoCriticalEvent");
    });
    assert.match(
      checkMonitoring(await stack("aws-prod", { transformations: [drop] })).join(),
      /no alert rule ZtFalcoCriticalEvent/,
    );
  });

  proves(
    ["C-RT-4"],
    "audit results are retained for the tier's period: control-plane logs and Gatekeeper audit metrics",
    async () => {
      const prod = await stack("aws-prod");
      assert.equal(at(stackRelease(prod)?.inputs, "values.prometheus.prometheusSpec.retention"), "90d");
      const controlPlane = prod
        .ofType("aws:cloudwatch/logGroup:LogGroup")
        .find((g) => String(g.inputs["name"]).endsWith("/cluster"));
      assert.equal(controlPlane?.inputs["retentionInDays"], 365);
      const gatekeeper = prod
        .ofType("kubernetes:helm.sh/v3:Release")
        .find((r) => r.inputs["chart"] === "gatekeeper");
      assert.equal(at(gatekeeper?.inputs, "values.emitAuditEvents"), true);
      const azure = await stack("azure-prod");
      const workspace = azure.ofType("azure:operationalinsights/analyticsWorkspace:AnalyticsWorkspace")[0];
      assert.equal(workspace?.inputs["retentionInDays"], 365);
      const dev = await stack("local");
      assert.equal(at(stackRelease(dev)?.inputs, "values.prometheus.prometheusSpec.retention"), "15d");
    },
  );
});
