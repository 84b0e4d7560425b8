/**
 * Monitoring behaviours (C-RT-3, C-RT-4): Prometheus reaches the kubelets through its namespace's
 * NetworkPolicies (tests/checks/flow-paths.ts), only the platform's security alerts reach the
 * security sink (Alertmanager's routing, tests/checks/alertmanager-routing.ts), and what is
 * retained lives on a volume. The kube-prometheus-stack chart has no offline source, so the
 * chart's defaults are not rendered here: the alert names below are the chart's, cited by rule.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { kubeletPort } from "../components/monitoring";
import { envoyMetricsPort } from "../components/shared/network-fragments";
import { securityAlertRules } from "../components/monitoring/rules";
import { receiversFor, type Route } from "./checks/alertmanager-routing";
import { networkPolicyRefusal, type Pod } from "./checks/flow-paths";
import { checkDefaultDenyNetwork } from "./checks/tenant";
import { editInputs } from "./fixtures";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { resolvedStackConfig, stackGraph } from "./harness/run";

const prometheus: Pod = {
  namespace: "monitoring",
  labels: {
    "app.kubernetes.io/name": "prometheus",
    "operator.prometheus.io/name": "kube-prometheus-stack-prometheus",
  },
  serviceAccount: "kube-prometheus-stack-prometheus",
};
const node = (ip: string) => ({ host: ip, cidrs: [`${ip}/32`] });
const release = (graph: ResourceGraph) =>
  graph.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "kube-prometheus-stack");
const route = (graph: ResourceGraph) =>
  at(release(graph)?.inputs, "values.alertmanager.config.route") as Route;

/** A node address inside the stack's VPC/VNet (the tenth host of its range). */
function nodeIp(stack: string): string {
  const [a, b, c] = resolvedStackConfig(stack).network.vpcCidr.split("/")[0]!.split(".");
  return `${a}.${b}.${c}.10`;
}

describe("monitoring flows", () => {
  proves(["C-RT-3"], "Prometheus reaches every node's kubelet on 10250, and only there", async () => {
    for (const stack of ["aws-prod", "azure-prod", "local"]) {
      const graph = await stackGraph(stack);
      assert.deepEqual(networkPolicyRefusal(graph, prometheus, node(nodeIp(stack)), kubeletPort), [], stack);
      assert.ok(
        networkPolicyRefusal(graph, prometheus, node(nodeIp(stack)), 10255).length > 0,
        `${stack}: 10255`,
      );
      if (stack !== "local") {
        // Cloud stacks know the node network: 10250 anywhere else stays closed.
        assert.ok(networkPolicyRefusal(graph, prometheus, node("8.8.8.8"), kubeletPort).length > 0, stack);
      }
    }
  });

  proves(
    ["C-RT-3"],
    "without the kubelet rule Prometheus cannot scrape the kubelets (the check fails)",
    async () => {
      const graph = await stackGraph("aws-prod", {
        transformations: [
          editInputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", (props) => {
            const spec = props["spec"] as { egress?: { ports?: { port?: number }[] }[] } | undefined;
            if (spec?.egress)
              spec.egress = spec.egress.filter((rule) => !rule.ports?.some((p) => p.port === kubeletPort));
          }),
        ],
      });
      assert.match(
        networkPolicyRefusal(graph, prometheus, node(nodeIp("aws-prod")), kubeletPort).join(),
        /refuses port 10250/,
      );
    },
  );

  proves(
    ["C-RT-3"],
    "Prometheus scrapes every tenant's and Keycloak's sidecars on 15090, and nothing else of theirs",
    async () => {
      for (const stack of ["aws-prod", "local"]) {
        const graph = await stackGraph(stack);
        const config = resolvedStackConfig(stack);
        const targets = [...config.tenants.map((t) => t.name), "keycloak"];
        for (const namespace of targets) {
          const pod: Pod = { namespace, labels: { app: "workload" }, serviceAccount: "default" };
          assert.deepEqual(
            networkPolicyRefusal(graph, prometheus, pod, envoyMetricsPort),
            [],
            `${stack} ${namespace}`,
          );
          assert.ok(
            networkPolicyRefusal(graph, prometheus, pod, 8080).length > 0,
            `${stack} ${namespace}: 8080 open`,
          );
        }
      }
    },
  );

  proves(
    ["C-RT-3"],
    "without the scrape policy Prometheus cannot read a tenant's sidecar (the check fails)",
    async () => {
      const graph = await stackGraph("local", {
        transformations: [
          editInputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", (props) => {
            const meta = props["metadata"] as { name?: string };
            if (meta.name === "allow-metrics-scrapes")
              (props["spec"] as Record<string, unknown>)["ingress"] = [];
          }),
        ],
      });
      const pod: Pod = { namespace: "storefront", labels: { app: "workload" }, serviceAccount: "default" };
      assert.match(
        networkPolicyRefusal(graph, prometheus, pod, envoyMetricsPort).join(),
        /refuses port 15090/,
      );
    },
  );

  proves(
    ["C-TEN-2"],
    "a scrape rule that opens more than the metrics port to monitoring is an undeclared flow",
    async () => {
      const flows = new Map([
        ["analytics", ["payments"]],
        ["payments", ["storefront", "analytics"]],
        ["storefront", ["payments", "istio-ingress"]],
      ]);
      assert.deepEqual(checkDefaultDenyNetwork(await stackGraph("local"), flows), []);
      const widened = await stackGraph("local", {
        transformations: [
          editInputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", (props) => {
            if ((props["metadata"] as { name?: string }).name !== "allow-metrics-scrapes") return;
            const rule = (props["spec"] as { ingress: { ports: unknown[] }[] }).ingress[0]!;
            rule.ports.push({ protocol: "TCP", port: 8080 });
          }),
        ],
      });
      assert.match(
        checkDefaultDenyNetwork(widened, flows).join(),
        /allow-metrics-scrapes allows undeclared peer namespace monitoring/,
      );
    },
  );

  proves(["C-RT-3"], "only the platform's security alerts reach the security sink", async () => {
    const graph = await stackGraph("aws-prod");
    for (const rule of securityAlertRules("prod")) {
      const labels = { alertname: rule.alert, severity: rule.severity, control: rule.control };
      assert.deepEqual(receiversFor(route(graph), labels), ["security-webhook"], rule.alert);
    }
    // Rules kube-prometheus-stack ships (its default rule groups), which carry no control label.
    for (const alertname of ["KubePodCrashLooping", "Watchdog", "TargetDown", "KubeJobFailed"]) {
      assert.deepEqual(receiversFor(route(graph), { alertname, severity: "warning" }), ["null"], alertname);
    }
  });

  proves(
    ["C-RT-3"],
    "with the root route sending to the security sink, the chart's alerts page security (the check fails)",
    async () => {
      const everything = editInputs("kubernetes:helm.sh/v3:Release", (props) => {
        if (props["chart"] !== "kube-prometheus-stack") return;
        const values = props["values"] as { alertmanager: { config: { route: Route } } };
        values.alertmanager.config.route = { receiver: "security-webhook" };
      });
      const graph = await stackGraph("aws-prod", { transformations: [everything] });
      assert.deepEqual(
        receiversFor(route(graph), { alertname: "KubePodCrashLooping", severity: "warning" }),
        ["security-webhook"],
      );
    },
  );

  proves(
    ["C-RT-4"],
    "Prometheus keeps its retention period on a volume larger than the size cap",
    async () => {
      for (const stack of ["aws-prod", "local"]) {
        const spec = at(
          release(await stackGraph(stack))?.inputs,
          "values.prometheus.prometheusSpec",
        ) as Record<string, unknown>;
        const size = parseInt(
          String(at(spec, "storageSpec.volumeClaimTemplate.spec.resources.requests.storage")),
          10,
        );
        const cap = parseInt(String(spec["retentionSize"]), 10);
        assert.ok(size > 0, `${stack}: retention without a volume`);
        assert.ok(cap > 0 && cap < size, `${stack}: size cap ${cap} not below the volume ${size}`);
      }
    },
  );
});
