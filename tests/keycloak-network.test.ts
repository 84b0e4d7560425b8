/**
 * Keycloak's own flows, evaluated end to end on each stack's captured objects (tests/checks/
 * flow-paths.ts): NetworkPolicy, mesh authorization and the sidecar's registry under REGISTRY_ONLY
 * must all let the connection through (C-ID-1, C-MESH-3). Each has a companion that removes the
 * object the flow rests on and shows the connection refused.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { listStacks, resolvedStackConfig, stackGraph } from "./harness/run";
import { authorizationRefusal, connectionRefusals, podOf, type External } from "./checks/flow-paths";
import { editInputs } from "./fixtures";

const graph = (stack: string, ...transformations: pulumi.ResourceTransformation[]) =>
  stackGraph(stack, { transformations });
const keycloakStacks = listStacks().filter((s) => resolvedStackConfig(s).addons.identityProvider.enabled);
const managedStacks = keycloakStacks.filter(
  (s) => resolvedStackConfig(s).addons.identityProvider.database === "managed",
);
const clusteredStacks = keycloakStacks.filter(
  (s) => resolvedStackConfig(s).addons.identityProvider.replicas > 1,
);

/** Moves the named object out of the keycloak namespace, as if the program no longer created it. */
const without =
  (type: string, name: string): pulumi.ResourceTransformation =>
  (args) =>
    args.type === type && (args.props["metadata"] as Record<string, unknown> | undefined)?.["name"] === name
      ? { props: { ...args.props, metadata: { name, namespace: "removed-by-test" } }, opts: args.opts }
      : undefined;

/** The database Keycloak is configured to use, and the subnets the managed server lives in. */
function managedDatabase(g: ResourceGraph): { target: External; port: number } {
  const keycloak = g
    .ofType("kubernetes:apps/v1:Deployment")
    .find((d) => at(d.inputs, "metadata.namespace") === "keycloak");
  const env = (at(keycloak?.inputs, "spec.template.spec.containers.0.env") ?? []) as {
    name: string;
    value?: string;
  }[];
  const url = env.find((e) => e.name === "KC_DB_URL")?.value ?? "";
  const [, host = "", port = "0"] = /^jdbc:postgresql:\/\/([^:/]+):(\d+)\//.exec(url) ?? [];
  const idOf = (r: { name: string; outputs: Record<string, unknown> }) =>
    (r.outputs["id"] as string | undefined) ?? `${r.name}-id`;
  const rdsSubnets = (g.ofType("aws:rds/subnetGroup:SubnetGroup")[0]?.inputs["subnetIds"] ?? []) as string[];
  const awsCidrs = g
    .ofType("aws:ec2/subnet:Subnet")
    .filter((s) => rdsSubnets.includes(idOf(s)))
    .map((s) => String(s.inputs["cidrBlock"]));
  const delegated = g.ofType("azure:postgresql/flexibleServer:FlexibleServer")[0]?.inputs[
    "delegatedSubnetId"
  ];
  const azureCidrs = g
    .ofType("azure:network/subnet:Subnet")
    .filter((s) => idOf(s) === delegated)
    .flatMap((s) => (s.inputs["addressPrefixes"] ?? []) as string[]);
  return { target: { host, cidrs: [...awsCidrs, ...azureCidrs] }, port: Number(port) };
}

describe("keycloak's flows", () => {
  proves(["C-ID-1", "C-MESH-3"], "keycloak reaches its managed database through the mesh", async () => {
    assert.ok(managedStacks.length >= 3, managedStacks.join());
    for (const stack of managedStacks) {
      const g = await graph(stack);
      const { target, port } = managedDatabase(g);
      assert.ok(target.host.length > 0 && target.cidrs.length > 0, `${stack}: database not found`);
      assert.equal(port, 5432);
      assert.deepEqual(connectionRefusals(g, podOf(g, "keycloak", "keycloak"), target, port), [], stack);
    }
  });

  proves(
    ["C-ID-1", "C-MESH-3"],
    "without its ServiceEntry or subnet egress keycloak cannot reach the database",
    async () => {
      for (const stack of ["aws-prod", "azure-prod"]) {
        const noEntry = await graph(
          stack,
          without("kubernetes:networking.istio.io/v1:ServiceEntry", "managed-database"),
        );
        const { target, port } = managedDatabase(noEntry);
        const refused = connectionRefusals(noEntry, podOf(noEntry, "keycloak", "keycloak"), target, port);
        assert.ok(
          refused.some((r) => r.startsWith("no ServiceEntry")),
          `${stack}: ${refused.join("; ")}`,
        );
        const wrongSubnet = await graph(
          stack,
          editInputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", (props) => {
            for (const rule of (at(props, "spec.egress") ?? []) as {
              to?: { ipBlock?: { cidr: string } }[];
            }[])
              for (const peer of rule.to ?? []) if (peer.ipBlock) peer.ipBlock.cidr = "192.0.2.0/24";
          }),
        );
        assert.ok(
          connectionRefusals(wrongSubnet, podOf(wrongSubnet, "keycloak", "keycloak"), target, port).some(
            (r) => r.startsWith("NetworkPolicy egress"),
          ),
          stack,
        );
      }
    },
  );

  proves(["C-ID-1"], "keycloak reaches its in-cluster dev database through the mesh", async () => {
    const dev = keycloakStacks.filter(
      (s) => resolvedStackConfig(s).addons.identityProvider.database === "in-cluster",
    );
    assert.ok(dev.length > 0);
    for (const stack of dev) {
      const g = await graph(stack);
      const refused = connectionRefusals(
        g,
        podOf(g, "keycloak", "keycloak"),
        podOf(g, "keycloak", "keycloak-postgres"),
        5432,
      );
      assert.deepEqual(refused, [], stack);
    }
    const noService = await graph("local", without("kubernetes:core/v1:Service", "keycloak-postgres"));
    const keycloak = podOf(noService, "keycloak", "keycloak");
    assert.ok(
      connectionRefusals(noService, keycloak, podOf(noService, "keycloak", "keycloak-postgres"), 5432).some(
        (r) => r.startsWith("no Service"),
      ),
    );
  });

  proves(["C-ID-1", "C-MESH-3"], "keycloak replicas form a cluster over jgroups", async () => {
    assert.ok(clusteredStacks.length >= 3, clusteredStacks.join());
    for (const stack of clusteredStacks) {
      const g = await graph(stack);
      const replica = podOf(g, "keycloak", "keycloak");
      const ports = (at(
        g
          .ofType("kubernetes:apps/v1:Deployment")
          .find((d) => at(d.inputs, "metadata.namespace") === "keycloak")?.inputs,
        "spec.template.spec.containers.0.ports",
      ) ?? []) as { containerPort: number }[];
      for (const port of [7800, 57800]) {
        assert.ok(
          ports.some((p) => p.containerPort === port),
          `${stack}: container does not declare ${port}`,
        );
        assert.deepEqual(connectionRefusals(g, replica, replica, port), [], `${stack} port ${port}`);
      }
    }
  });

  proves(
    ["C-ID-1", "C-MESH-3"],
    "without the cluster Service replicas' JGroups traffic is black-holed",
    async () => {
      const g = await graph("aws-prod", without("kubernetes:core/v1:Service", "keycloak-cluster"));
      const replica = podOf(g, "keycloak", "keycloak");
      for (const port of [7800, 57800])
        assert.ok(
          connectionRefusals(g, replica, replica, port).some((r) => r.startsWith("no Service")),
          String(port),
        );
      // Only Keycloak's identity is admitted on the JGroups ports.
      const realmJob = { namespace: "tenant-x", labels: replica.labels, serviceAccount: "keycloak" };
      assert.ok(connectionRefusals(await graph("aws-prod"), realmJob, replica, 7800).length > 0);
    },
  );

  proves(
    ["C-ID-1", "C-MESH-2"],
    "inside the keycloak namespace only Keycloak's own identity reaches the JGroups ports",
    async () => {
      const g = await graph("aws-staging");
      const replica = podOf(g, "keycloak", "keycloak");
      const realmJob = { namespace: "keycloak", labels: { job: "realm" }, serviceAccount: "keycloak-realm" };
      for (const port of [7800, 57800]) {
        assert.deepEqual(authorizationRefusal(g, replica, replica, port), [], String(port));
        assert.ok(authorizationRefusal(g, realmJob, replica, port).length > 0, `realm job on ${port}`);
      }
      // The realm job still reaches Keycloak's HTTP port through the same-namespace policy.
      assert.deepEqual(authorizationRefusal(g, realmJob, replica, 8080), []);
      // Switched off: without the cluster policy even Keycloak's own identity is refused there.
      const broken = await graph(
        "aws-staging",
        without("kubernetes:security.istio.io/v1:AuthorizationPolicy", "allow-keycloak-cluster"),
      );
      assert.ok(authorizationRefusal(broken, replica, replica, 7800).length > 0);
    },
  );
});
