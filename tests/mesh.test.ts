/**
 * The mesh (C-MESH-1/2/3/4/5) and tenant mesh authorization (C-TEN-3): each control asserted on the
 * stacks, then switched off by a stack transformation to prove its check fails.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { ingressGatewayPorts } from "../components/mesh/gateway-services";
import { checkGatewayNetwork } from "./checks/gateway-network";
import { editInputs } from "./fixtures";
import { at, type CapturedResource, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { captureStack, stackGraph, standInMirrorDigest } from "./harness/run";

const istio = {
  peerAuthentication: "kubernetes:security.istio.io/v1:PeerAuthentication",
  authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  sidecar: "kubernetes:networking.istio.io/v1:Sidecar",
  serviceEntry: "kubernetes:networking.istio.io/v1:ServiceEntry",
  release: "kubernetes:helm.sh/v3:Release",
};

const stack = (name: string, ...transformations: pulumi.ResourceTransformation[]): Promise<ResourceGraph> =>
  stackGraph(name, { transformations });

const inNamespace = (r: CapturedResource, ns: string) => at(r.inputs, "metadata.namespace") === ns;
const named = (r: CapturedResource, name: string) => at(r.inputs, "metadata.name") === name;

function istiodValues(graph: ResourceGraph): Record<string, unknown> {
  const release = graph.ofType(istio.release).find((r) => r.inputs["chart"] === "istiod");
  return (release?.inputs["values"] ?? {}) as Record<string, unknown>;
}

/** C-MESH-1: STRICT in the root namespace and nowhere a weaker mode. */
function checkStrictMtls(graph: ResourceGraph): string[] {
  const all = graph.ofType(istio.peerAuthentication);
  const root = all.find((p) => inNamespace(p, "istio-system") && named(p, "default"));
  const problems = at(root?.inputs, "spec.mtls.mode") === "STRICT" ? [] : ["mesh-wide mTLS is not STRICT"];
  for (const policy of all) {
    const modes = [
      at(policy.inputs, "spec.mtls.mode"),
      ...Object.values(
        (at(policy.inputs, "spec.portLevelMtls") ?? {}) as Record<string, { mode?: string }>,
      ).map((p) => p.mode),
    ];
    if (modes.some((m) => m === "PERMISSIVE" || m === "DISABLE"))
      problems.push(`${policy.name} relaxes mTLS`);
  }
  return problems;
}

type AuthzRule = {
  from?: { source: Record<string, string[]> }[];
  to?: { operation?: { ports?: string[] } }[];
};

/**
 * The one ALLOW that may admit every source: the public entry point, at the ingress gateway, on
 * its public HTTPS port only (tests/gateways.test.ts follows a request through it).
 */
function isPublicEntry(policy: CapturedResource, rule: AuthzRule): boolean {
  const publicPort = [String(ingressGatewayPorts.https.targetPort)];
  return (
    inNamespace(policy, "istio-ingress") &&
    at(policy.inputs, "spec.selector.matchLabels.istio") === "ingressgateway" &&
    (rule.to ?? []).length > 0 &&
    (rule.to ?? []).every((t) => JSON.stringify(t.operation?.ports) === JSON.stringify(publicPort))
  );
}

/** C-MESH-2 / C-TEN-3: allow-nothing mesh-wide; every ALLOW names sources, never a wildcard. */
function checkAuthorization(graph: ResourceGraph, declared: Map<string, string[]>): string[] {
  const policies = graph.ofType(istio.authorizationPolicy);
  const problems: string[] = [];
  const root = policies.find((p) => inNamespace(p, "istio-system") && named(p, "allow-nothing"));
  if (!root || JSON.stringify(root.inputs["spec"]) !== "{}")
    problems.push("no mesh-wide allow-nothing policy");
  for (const policy of policies.filter((p) => p !== root)) {
    const namespace = String(at(policy.inputs, "metadata.namespace"));
    for (const rule of (at(policy.inputs, "spec.rules") ?? []) as AuthzRule[]) {
      if ((!rule.from || rule.from.length === 0) && !isPublicEntry(policy, rule))
        problems.push(`${policy.name} allows every source`);
      for (const { source } of rule.from ?? []) {
        for (const principal of source["principals"] ?? []) {
          if (principal === "*" || principal.startsWith("cluster.local/ns/*"))
            problems.push(`${policy.name} allows principal ${principal}`);
        }
        for (const ns of source["namespaces"] ?? []) {
          if (ns === "*" || (ns !== namespace && !(declared.get(namespace) ?? []).includes(ns))) {
            problems.push(`${policy.name} allows undeclared namespace ${ns}`);
          }
        }
      }
    }
  }
  return problems;
}

/** C-MESH-3: REGISTRY_ONLY mesh-wide and per tenant; ServiceEntries only for declared hosts. */
function checkEgress(graph: ResourceGraph, declaredHosts: Map<string, string[]>): string[] {
  const problems: string[] = [];
  if (at(istiodValues(graph), "meshConfig.outboundTrafficPolicy.mode") !== "REGISTRY_ONLY")
    problems.push("mesh egress is not REGISTRY_ONLY");
  for (const sidecar of graph.ofType(istio.sidecar)) {
    if (at(sidecar.inputs, "spec.outboundTrafficPolicy.mode") !== "REGISTRY_ONLY")
      problems.push(`${sidecar.name} allows any egress`);
  }
  for (const entry of graph.ofType(istio.serviceEntry)) {
    const ns = String(at(entry.inputs, "metadata.namespace"));
    if (ns === "istio-egress") continue;
    for (const host of (at(entry.inputs, "spec.hosts") ?? []) as string[]) {
      if (!(declaredHosts.get(ns) ?? []).includes(host))
        problems.push(`${ns} reaches undeclared host ${host}`);
    }
  }
  return problems;
}

const localPeers = new Map([
  ["analytics", ["payments"]],
  ["payments", ["storefront"]],
  ["storefront", []],
  // The egress gateway admits the namespaces that declared an external host (payments: api.stripe.com).
  ["istio-egress", ["payments"]],
]);

describe("service mesh", () => {
  proves(
    ["C-MESH-3", "C-MESH-6"],
    "the gateway namespaces deny by default; the egress gateway leaves on HTTPS only",
    async () => {
      for (const name of ["local", "aws-prod", "azure-prod"]) {
        assert.deepEqual(checkGatewayNetwork(await stack(name)), [], name);
      }
      const open = editInputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", (props) => {
        const meta = props["metadata"] as Record<string, unknown>;
        // The namespace is an Output here; the policy's name is unique to the egress gateway.
        if (meta["name"] === "allow-https-out-and-control-plane") {
          (props["spec"] as Record<string, unknown>)["egress"] = [{}];
        }
      });
      assert.ok(checkGatewayNetwork(await stack("aws-prod", open)).some((p) => p.includes("beyond HTTPS")));
    },
  );

  proves(["C-MESH-1"], "mesh-wide PeerAuthentication is STRICT and nothing relaxes it", async () => {
    assert.deepEqual(checkStrictMtls(await stack("aws-prod")), []);
    const permissive = editInputs(istio.peerAuthentication, (props) => {
      (props["spec"] as Record<string, Record<string, string>>)["mtls"] = { mode: "PERMISSIVE" };
    });
    assert.match(checkStrictMtls(await stack("aws-prod", permissive)).join(), /not STRICT/);
  });

  proves(
    ["C-MESH-2", "C-TEN-3"],
    "allow-nothing mesh-wide; tenants admit only themselves and their declared peers",
    async () => {
      const graph = await stack("local");
      assert.deepEqual(checkAuthorization(graph, localPeers), []);
      const payments = graph
        .ofType(istio.authorizationPolicy)
        .find((p) => inNamespace(p, "payments") && named(p, "allow-declared-peers"));
      assert.deepEqual(at(payments?.inputs, "spec.rules"), [
        { from: [{ source: { namespaces: ["storefront"] } }] },
      ]);
    },
  );

  proves(
    ["C-MESH-2"],
    "the authorization check fails without allow-nothing or with a wildcard principal",
    async () => {
      const remove = editInputs(istio.authorizationPolicy, (props) => {
        if ((props["metadata"] as Record<string, string>)["name"] === "allow-nothing")
          props["spec"] = { action: "ALLOW", rules: [{}] };
      });
      assert.match(
        checkAuthorization(await stack("local", remove), localPeers).join(),
        /no mesh-wide allow-nothing/,
      );
      const wildcard = editInputs(istio.authorizationPolicy, (props) => {
        if ((props["metadata"] as Record<string, string>)["name"] === "allow-declared-peers") {
          props["spec"] = { action: "ALLOW", rules: [{ from: [{ source: { principals: ["*"] } }] }] };
        }
      });
      assert.match(
        checkAuthorization(await stack("local", wildcard), localPeers).join(),
        /allows principal \*/,
      );
      // The public entry point admits every source on its HTTPS port only; on every port it is reported.
      const everyPort = editInputs(istio.authorizationPolicy, (props) => {
        if ((props["metadata"] as Record<string, string>)["name"] === "allow-public-https") {
          (props["spec"] as Record<string, unknown>)["rules"] = [{}];
        }
      });
      assert.match(
        checkAuthorization(await stack("local", everyPort), localPeers).join(),
        /mesh-authz-ingress-gateway allows every source/,
      );
    },
  );

  proves(["C-TEN-3"], "the check fails when a tenant admits a peer it did not declare", async () => {
    const extra = editInputs(istio.authorizationPolicy, (props) => {
      if ((props["metadata"] as Record<string, string>)["name"] === "allow-declared-peers") {
        props["spec"] = {
          action: "ALLOW",
          rules: [{ from: [{ source: { namespaces: ["storefront", "intruder"] } }] }],
        };
      }
    });
    assert.match(
      checkAuthorization(await stack("local", extra), localPeers).join(),
      /undeclared namespace intruder/,
    );
  });

  proves(
    ["C-MESH-3"],
    "egress is REGISTRY_ONLY; only declared hosts get ServiceEntries, visible to their tenant only",
    async () => {
      const graph = await stack("local");
      assert.deepEqual(checkEgress(graph, new Map([["payments", ["api.stripe.com"]]])), []);
      const entry = graph.ofType(istio.serviceEntry).find((e) => inNamespace(e, "payments"));
      assert.deepEqual(at(entry?.inputs, "spec.exportTo"), [".", "istio-egress"]);
      const allowAny = editInputs(istio.release, (props) => {
        if (props["chart"] === "istiod") {
          (
            (props["values"] as Record<string, Record<string, unknown>>)["meshConfig"] as Record<
              string,
              unknown
            >
          )["outboundTrafficPolicy"] = { mode: "ALLOW_ANY" };
        }
      });
      assert.match(
        checkEgress(await stack("local", allowAny), new Map([["payments", ["api.stripe.com"]]])).join(),
        /not REGISTRY_ONLY/,
      );
    },
  );

  proves(["C-MESH-4"], "tenant namespaces are labelled for sidecar injection", async () => {
    const graph = await stack("aws-prod");
    for (const ns of graph.ofType("kubernetes:core/v1:Namespace")) {
      const labels = (at(ns.inputs, "metadata.labels") ?? {}) as Record<string, string>;
      if (labels["zt-blueprint.io/tenant"]) assert.equal(labels["istio-injection"], "enabled", ns.name);
    }
  });

  proves(["C-MESH-5"], "workload certificates are short-lived, set explicitly", async () => {
    const values = istiodValues(await stack("aws-prod"));
    const env = at(values, "pilot.env") as Record<string, string>;
    assert.equal(env["DEFAULT_WORKLOAD_CERT_TTL"], "12h");
    assert.equal(env["MAX_WORKLOAD_CERT_TTL"], "12h");
    assert.equal(at(values, "pilot.cni.enabled"), true, "no privileged init containers");
  });

  proves(
    ["C-MESH-6"],
    "one public gateway serves HTTPS only (TLS 1.2+); end-user routes require a JWT from the platform issuer",
    async () => {
      const graph = await stack("aws-prod");
      const gateways = graph
        .ofType("kubernetes:networking.istio.io/v1:Gateway")
        .filter((g) => inNamespace(g, "istio-ingress"));
      assert.equal(gateways.length, 1);
      const servers = at(gateways[0]?.inputs, "spec.servers") as {
        port: { protocol: string };
        tls: Record<string, string>;
        hosts: string[];
      }[];
      assert.deepEqual(
        servers.map((sv) => sv.port.protocol),
        ["HTTPS"],
      );
      assert.equal(servers[0]?.tls["minProtocolVersion"], "TLSV1_2");
      assert.equal(servers[0]?.tls["credentialName"], "ingress-tls");
      // Keycloak's login endpoints and the tenants' routes share the one public gateway.
      assert.deepEqual(servers[0]?.hosts, ["id.aws-prod.example.com", "shop.aws-prod.example.com"]);
      const jwt = graph
        .ofType("kubernetes:security.istio.io/v1:RequestAuthentication")
        .find((r) => inNamespace(r, "storefront"));
      assert.equal(
        at(jwt?.inputs, "spec.jwtRules.0.issuer"),
        "https://id.aws-prod.example.com/realms/platform",
      );
      const allow = graph
        .ofType(istio.authorizationPolicy)
        .find((p) => inNamespace(p, "storefront") && named(p, "allow-ingress-gateway"));
      assert.deepEqual(at(allow?.inputs, "spec.rules.0.from.0.source"), {
        principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"],
        requestPrincipals: ["https://id.aws-prod.example.com/realms/platform/*"],
      });
    },
  );

  proves(["C-MESH-3"], "in every tier every external host leaves through the egress gateway", async () => {
    const withHost = {
      overrides: {
        "zt-blueprint:tenants": JSON.stringify([
          { name: "payments", idpGroup: "team-payments", egressHosts: ["api.stripe.com"] },
        ]),
      },
    };
    const { graph, error } = await captureStack("aws-prod", withHost);
    assert.equal(error, undefined, error?.message);
    const routes = graph
      .ofType("kubernetes:networking.istio.io/v1:VirtualService")
      .filter((v) => inNamespace(v, "istio-egress"));
    assert.equal(routes.length, 1);
    assert.deepEqual(at(routes[0]?.inputs, "spec.hosts"), ["api.stripe.com"]);
    assert.match(
      JSON.stringify(at(routes[0]?.inputs, "spec.tls")),
      /istio-egressgateway\.istio-egress\.svc\.cluster\.local/,
    );
    // Dev too: its tenant NetworkPolicies allow egress only to the gateway, like prod's.
    const dev = await captureStack("aws-dev", withHost);
    assert.equal(
      dev.graph
        .ofType("kubernetes:networking.istio.io/v1:VirtualService")
        .filter((v) => inNamespace(v, "istio-egress")).length,
      1,
    );
  });

  proves(
    ["C-MESH-1"],
    "a reasoned per-port mTLS exemption is narrow in dev, and refused in prod without the explicit key",
    async () => {
      const exemption = {
        "zt-blueprint:addons": JSON.stringify({
          admission: { enabled: false },
          runtimeSecurity: { enabled: false },
          identityProvider: {
            hostname: "id.example.com",
            // aws-prod's own ECR repository: prod takes Keycloak from nowhere else.
            image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/zt-aws-prod/platform@sha256:${standInMirrorDigest}`,
          },
          mesh: {
            permissivePorts: [
              {
                namespace: "monitoring",
                workloadLabels: { app: "legacy-exporter" },
                port: 9100,
                reason: "node metrics scraped by an out-of-mesh collector",
              },
            ],
          },
        }),
      };
      const dev = await captureStack("local", { overrides: exemption });
      assert.equal(dev.error, undefined, dev.error?.message);
      const exempt = dev.graph.ofType(istio.peerAuthentication).find((p) => named(p, "permissive-port-9100"));
      assert.deepEqual(at(exempt?.inputs, "spec.portLevelMtls"), { "9100": { mode: "PERMISSIVE" } });
      assert.equal(at(exempt?.inputs, "spec.mtls.mode"), "STRICT");
      assert.match(
        checkStrictMtls(dev.graph).join(),
        /mesh-permissive-port-0 relaxes mTLS/,
        "the check still reports it",
      );
      const prod = await captureStack("aws-prod", { overrides: exemption });
      assert.match(
        String(prod.error?.message),
        /zt-blueprint:addons\.mesh\.permissivePorts: got .*is refused in prod/,
      );
    },
  );
});
