/**
 * The gateways carry traffic (C-MESH-2, C-MESH-3, C-MESH-6): a request is followed through the
 * Service, the proxy's listener, the NetworkPolicies and the AuthorizationPolicies a stack really
 * registers (tests/checks/gateway-flows.ts). Each gateway's Service and pods are read from the
 * gateway chart rendered with the program's values where helm and the chart are cached (CI has
 * them and fails without them); elsewhere from those values, and the test says so.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, type TestContext } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { ingressNodePorts } from "../components/mesh/gateway-services";
import { editInputs } from "./fixtures";
import {
  chartUnavailable,
  gatewayFromChart,
  gatewayFromValues,
  gatewayRelease,
} from "./checks/gateway-chart";
import {
  describeFlow,
  followEgressConnection,
  followPublicRequest,
  type FlowResult,
  type GatewayView,
} from "./checks/gateway-flows";
import { at, ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { captureStack, readStackFile, repoRoot, stackGraph } from "./harness/run";

const authorizationPolicy = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const networkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** The gateway as the cluster would run it: from the rendered chart where it can be had. */
function gateway(t: TestContext, graph: ResourceGraph, release: string): GatewayView {
  const fromValues = gatewayFromValues(gatewayRelease(graph, release));
  const unavailable = chartUnavailable();
  if (unavailable) {
    if (process.env["CI"]) assert.fail(`the gateway chart cannot be templated: ${unavailable}`);
    t.diagnostic(`gateway chart not templated (${unavailable}); ${release} read from its values`);
    return fromValues;
  }
  const fromChart = gatewayFromChart(gatewayRelease(graph, release));
  t.diagnostic(`${release} read from ${fromChart.readFrom}`);
  // The values view is only a stand-in if the chart really renders what the values say.
  assert.deepEqual(
    fromChart.ports.map((p) => ({ ...p })),
    fromValues.ports.map((p) => ({ ...p })),
    `${release}: the chart's Service ports`,
  );
  assert.equal(fromChart.serviceType, fromValues.serviceType, `${release}: the chart's Service type`);
  return fromChart;
}

const ingress = (t: TestContext, graph: ResourceGraph) => gateway(t, graph, "istio-ingressgateway");
const egress = (t: TestContext, graph: ResourceGraph) => gateway(t, graph, "istio-egressgateway");

function reached(result: FlowResult, what: string): void {
  assert.ok(result.reached, `${what}: ${describeFlow(result)}`);
}

function blocked(result: FlowResult, at: string, pattern: RegExp, what: string): void {
  assert.ok(!result.reached, `${what}: expected to be blocked at ${at}, but ${describeFlow(result)}`);
  assert.equal(result.blockedAt, at, `${what}: ${describeFlow(result)}`);
  assert.match(result.reason, pattern, what);
}

/** The same graph without one object: what the cluster would do had it never been created. */
function without(graph: ResourceGraph, type: string, name: string): ResourceGraph {
  return new ResourceGraph(
    graph.resources.filter((r) => !(r.type === type && at(r.inputs, "metadata.name") === name)),
  );
}

const publicHost = (stack: string) => `shop.${stack}.example.com`;
const publicEntry = (view: GatewayView) =>
  view.serviceType === "NodePort" ? { nodePort: ingressNodePorts.https } : { loadBalancerPort: 443 };

/**
 * The ingress NetworkPolicy as it was: 8080/8443, the container ports of the istioctl-installed
 * ingress gateway since Istio 1.6 (ISTIO-SECURITY-2021-002), which the gateway chart does not use.
 */
const oldIngressPorts = editInputs(networkPolicy, (props) => {
  const meta = props["metadata"] as Record<string, unknown>;
  if (meta["name"] !== "allow-public-and-health") return;
  const spec = props["spec"] as { ingress: { ports?: unknown }[] };
  const first = spec.ingress[0];
  if (first) first.ports = [8080, 8443, 15021].map((port) => ({ protocol: "TCP", port }));
});

const withStripe = {
  overrides: {
    "zt-blueprint:tenants": JSON.stringify([
      { name: "payments", idpGroup: "team-payments", egressHosts: ["api.stripe.com"] },
      { name: "analytics", idpGroup: "team-analytics" },
    ]),
  },
};

async function prodWithStripe(...transformations: pulumi.ResourceTransformation[]): Promise<ResourceGraph> {
  const { graph, error } = await captureStack("aws-prod", { ...withStripe, transformations });
  if (error) throw error;
  return graph;
}

const payments = { namespace: "payments", serviceAccount: "default" };
const analytics = { namespace: "analytics", serviceAccount: "default" };

/** The egress gateway as it was: TLS passthrough, and sidecars sending the app's TLS unwrapped. */
const passthrough = [
  editInputs("kubernetes:networking.istio.io/v1:Gateway", (props) => {
    const spec = props["spec"] as { servers: { tls: { mode: string } }[] };
    if ((props["metadata"] as Record<string, unknown>)["name"] === "egress")
      for (const server of spec.servers) server.tls = { mode: "PASSTHROUGH" };
  }),
  editInputs("kubernetes:networking.istio.io/v1:DestinationRule", (props) => {
    const spec = props["spec"] as { subsets: { trafficPolicy?: unknown }[] };
    for (const subset of spec.subsets) delete subset.trafficPolicy;
  }),
];

describe("gateways carry traffic", () => {
  proves(["C-MESH-6", "C-MESH-2"], "the ingress gateway admits HTTPS from the internet", async (t) => {
    for (const stack of ["local", "aws-prod", "azure-prod"]) {
      const graph = await stackGraph(stack);
      const view = ingress(t, graph);
      reached(followPublicRequest(graph, view, publicEntry(view), publicHost(stack)), stack);
    }
  });

  proves(
    ["C-MESH-6"],
    "with the old 8080/8443 NetworkPolicy the public request stops at the NetworkPolicy",
    async (t) => {
      const graph = await stackGraph("aws-prod", { transformations: [oldIngressPorts] });
      blocked(
        followPublicRequest(graph, ingress(t, graph), { loadBalancerPort: 443 }, publicHost("aws-prod")),
        "NetworkPolicy",
        /NetworkPolicy istio-ingress\/allow-public-and-health.* admits TCP 443/,
        "old ports",
      );
    },
  );

  proves(
    ["C-MESH-6"],
    "without the unprivileged-port sysctl the proxy cannot bind 443 and nothing listens",
    async (t) => {
      // values.ts replaces the chart's pod securityContext; dropping the sysctl it repeats breaks 443.
      const noSysctl = editInputs("kubernetes:helm.sh/v3:Release", (props) => {
        const values = props["values"] as Record<string, Record<string, unknown>>;
        if (props["name"] === "istio-ingressgateway" && values["securityContext"])
          delete values["securityContext"]["sysctls"];
      });
      const graph = await stackGraph("aws-prod", { transformations: [noSysctl] });
      blocked(
        followPublicRequest(graph, ingress(t, graph), { loadBalancerPort: 443 }, publicHost("aws-prod")),
        "Gateway listener",
        /cannot bind port 443 \(net\.ipv4\.ip_unprivileged_port_start is 1024\)/,
        "no sysctl",
      );
    },
  );

  proves(
    ["C-MESH-2", "C-MESH-6"],
    "without the ingress gateway's ALLOW the public request gets a 403",
    async (t) => {
      const graph = without(await stackGraph("aws-prod"), authorizationPolicy, "allow-public-https");
      const result = followPublicRequest(
        graph,
        ingress(t, graph),
        { loadBalancerPort: 443 },
        publicHost("aws-prod"),
      );
      blocked(
        result,
        "AuthorizationPolicy",
        /no ALLOW policy matches \(applicable: istio-system\/allow-nothing\)/,
        "no ALLOW",
      );
      assert.equal(result.reached ? undefined : result.status, 403);
    },
  );

  proves(
    ["C-MESH-3", "C-MESH-2"],
    "a tenant that declared a host reaches it through the egress gateway",
    async (t) => {
      for (const [stack, graph] of [
        ["local", await stackGraph("local")],
        ["aws-prod", await prodWithStripe()],
      ] as const) {
        const result = followEgressConnection(graph, egress(t, graph), payments, "api.stripe.com");
        reached(result, stack);
        assert.match(
          result.trace.join(" → "),
          /in Istio mTLS.*ISTIO_MUTUAL \(caller identity known\)/,
          stack,
        );
      }
    },
  );

  proves(
    ["C-MESH-3", "C-MESH-2"],
    "without the egress ALLOW, or with TLS passthrough (no caller identity), the declared tenant gets a 403",
    async (t) => {
      const noAllow = without(await prodWithStripe(), authorizationPolicy, "allow-declared-egress");
      blocked(
        followEgressConnection(noAllow, egress(t, noAllow), payments, "api.stripe.com"),
        "AuthorizationPolicy",
        /no ALLOW policy matches \(applicable: istio-system\/allow-nothing\)/,
        "no ALLOW",
      );
      const old = await prodWithStripe(...passthrough);
      const result = followEgressConnection(old, egress(t, old), payments, "api.stripe.com");
      blocked(result, "AuthorizationPolicy", /no ALLOW policy matches/, "passthrough");
      assert.match(result.trace.join(" → "), /PASSTHROUGH \(caller identity unknown\)/);
    },
  );

  proves(
    ["C-MESH-3"],
    "a platform-wide egress host is open to every tenant through the egress gateway",
    async (t) => {
      const addons = JSON.parse(readStackFile("aws-prod").config["zt-blueprint:addons"] ?? "{}") as Record<
        string,
        Record<string, unknown>
      >;
      const { graph, error } = await captureStack("aws-prod", {
        overrides: {
          "zt-blueprint:addons": JSON.stringify({
            ...addons,
            mesh: { ...addons["mesh"], egressHosts: ["hooks.example.com"] },
          }),
        },
      });
      assert.equal(error, undefined, error?.message);
      for (const namespace of ["storefront", "payments", "analytics"]) {
        const caller = { namespace, serviceAccount: "default" };
        reached(followEgressConnection(graph, egress(t, graph), caller, "hooks.example.com"), namespace);
      }
    },
  );

  proves(["C-MESH-3", "C-MESH-2"], "an undeclared namespace cannot use the egress gateway", async (t) => {
    const graph = await prodWithStripe();
    const view = egress(t, graph);
    // Through its sidecar: no ServiceEntry, so REGISTRY_ONLY stops it before the gateway.
    blocked(
      followEgressConnection(graph, view, analytics, "api.stripe.com"),
      "sidecar (REGISTRY_ONLY)",
      /no ServiceEntry for api\.stripe\.com is visible to analytics/,
      "via sidecar",
    );
    // Straight to the gateway Service: no mesh certificate, so the mTLS server refuses it.
    blocked(
      followEgressConnection(graph, view, analytics, "api.stripe.com", "direct"),
      "Gateway listener",
      /refuses a handshake without a mesh certificate/,
      "direct",
    );
    // Even with its mesh identity, the gateway's authorization admits only the declaring namespace.
    const result = followEgressConnection(
      graph,
      view,
      analytics,
      "api.stripe.com",
      "direct-with-mesh-identity",
    );
    blocked(result, "AuthorizationPolicy", /no ALLOW policy matches/, "with identity");
    // The declared tenant on the same path is admitted: the refusal is about who, not how.
    reached(
      followEgressConnection(graph, view, payments, "api.stripe.com", "direct-with-mesh-identity"),
      "payments",
    );
  });

  proves(
    ["C-MESH-3"],
    "with the egress ALLOW open to every source, the undeclared namespace gets through",
    async (t) => {
      const open = editInputs(authorizationPolicy, (props) => {
        if ((props["metadata"] as Record<string, unknown>)["name"] !== "allow-declared-egress") return;
        const spec = props["spec"] as { rules: { from?: unknown }[] };
        for (const rule of spec.rules) delete rule.from;
      });
      const graph = await prodWithStripe(open);
      reached(
        followEgressConnection(
          graph,
          egress(t, graph),
          analytics,
          "api.stripe.com",
          "direct-with-mesh-identity",
        ),
        "the check sees the widened policy",
      );
    },
  );

  proves(["C-MESH-6"], "the local stack's ingress gateway is a NodePort with fixed ports", async (t) => {
    const graph = await stackGraph("local");
    const view = ingress(t, graph);
    assert.equal(view.serviceType, "NodePort");
    assert.deepEqual(
      view.ports.map((p) => [p.name, p.nodePort, p.port, p.targetPort]),
      [
        ["https", ingressNodePorts.https, 443, 443],
        ["status-port", ingressNodePorts.status, 15021, 15021],
      ],
    );
    // kind maps host ports to these nodePorts; the request then arrives at the targetPort.
    reached(
      followPublicRequest(graph, view, { nodePort: ingressNodePorts.https }, publicHost("local")),
      "https",
    );
    // The documented kind cluster maps host ports to exactly these nodePorts.
    assert.deepEqual(documentedKindNodePorts(), Object.values(ingressNodePorts).sort());
    // Cloud stacks keep a LoadBalancer, with no fixed nodePorts.
    const cloud = ingress(t, await stackGraph("aws-prod"));
    assert.equal(cloud.serviceType, "LoadBalancer");
    assert.deepEqual(
      cloud.ports.map((p) => p.nodePort),
      [undefined, undefined],
    );
  });

  proves(
    ["C-MESH-6"],
    "a LoadBalancer on the local stack has no fixed nodePort, and a ClusterIP is refused by name",
    async (t) => {
      const mesh = (type: string) => ({
        overrides: {
          "zt-blueprint:addons": JSON.stringify({ ...localAddons(), mesh: { ingressServiceType: type } }),
        },
      });
      const lb = await captureStack("local", mesh("LoadBalancer"));
      assert.equal(lb.error, undefined, lb.error?.message);
      blocked(
        followPublicRequest(
          lb.graph,
          ingress(t, lb.graph),
          { nodePort: ingressNodePorts.https },
          publicHost("local"),
        ),
        "Service",
        /has no nodePort 30443/,
        "LoadBalancer on kind",
      );
      const bad = await captureStack("local", mesh("ClusterIP"));
      assert.match(String(bad.error?.message), /zt-blueprint:addons\.mesh\.ingressServiceType/);
      assert.equal(bad.graph.resources.filter((r) => r.custom).length, 0, "nothing registered");
    },
  );
});

/** The local stack's addons, so an override of addons.mesh keeps the rest of the file. */
function localAddons(): Record<string, unknown> {
  return JSON.parse(readStackFile("local").config["zt-blueprint:addons"] ?? "{}") as Record<string, unknown>;
}

/** The containerPorts of the kind config in docs/operations.md (kind maps them from the host). */
function documentedKindNodePorts(): number[] {
  const doc = fs.readFileSync(path.join(repoRoot, "docs", "operations.md"), "utf8");
  const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => parseYaml(m[1] ?? "") as Record<string, unknown>)
    .find((y) => y?.["kind"] === "Cluster");
  assert.ok(block, "docs/operations.md has no kind Cluster config");
  const nodes = (block["nodes"] ?? []) as { extraPortMappings?: { containerPort: number }[] }[];
  return nodes.flatMap((n) => (n.extraPortMappings ?? []).map((m) => m.containerPort)).sort();
}
