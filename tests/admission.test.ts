/**
 * Admission control: Gatekeeper fails closed with audit on (C-ADM-1), every constraint of the
 * library is deployed with the tier's enforcement action (C-ADM-6) and the right parameters. The
 * Rego itself is proven by the gator suites (tests/verify.test.ts, C-POL-3).
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { constraintNames, systemNamespaces } from "../components/admission";
import {
  admission,
  checkGatekeeper,
  checkSignatureVerification,
  constraints,
  enforcementActions,
  gatekeeperRelease,
} from "./checks/admission";
import { editInputs } from "./fixtures";
import { at, type ResourceGraph } from "./harness/graph";
import { proves } from "./harness/proves";
import { stackGraph as stack } from "./harness/run";

const every = (action: string) => Object.fromEntries(constraintNames.map((name) => [name, action]));
const constraintNamed = (graph: ResourceGraph, name: string) => {
  const found = constraints(graph).find((c) => at(c.inputs, "metadata.name") === name);
  assert.ok(found, `no constraint ${name}`);
  return found;
};

describe("admission control", () => {
  proves(
    ["C-ADM-1"],
    "Gatekeeper fails closed, audits, and exempts only system namespaces, in every tier",
    async () => {
      for (const [name, tier] of [
        ["local", "dev"],
        ["aws-staging", "staging"],
        ["aws-prod", "prod"],
      ] as const) {
        const graph = await stack(name);
        assert.deepEqual(checkGatekeeper(graph, tier), [], name);
        const values = gatekeeperRelease(graph).inputs["values"] as Record<string, unknown>;
        assert.equal(values["validatingWebhookFailurePolicy"], "Fail", name);
        assert.deepEqual(at(values, "controllerManager.exemptNamespaces"), [...systemNamespaces]);
      }
    },
  );

  proves(
    ["C-ADM-1"],
    "the Gatekeeper check fails when prod's webhook fails open or a tenant namespace is exempted",
    async () => {
      const failOpen = editInputs(admission.release, (props) => {
        (props["values"] as Record<string, unknown>)["validatingWebhookFailurePolicy"] = "Ignore";
      });
      assert.match(
        checkGatekeeper(await stack("aws-prod", { transformations: [failOpen] }), "prod").join(),
        /fails open/,
      );
      const exemptTenant = editInputs(admission.custom("ZtPodSecurity"), (props) => {
        ((props["spec"] as Record<string, Record<string, unknown>>)["match"] as Record<string, unknown>)[
          "excludedNamespaces"
        ] = ["kube-system", "payments"];
      });
      assert.match(
        checkGatekeeper(await stack("aws-prod", { transformations: [exemptTenant] }), "prod").join(),
        /excludes non-system namespace payments/,
      );
    },
  );

  proves(
    ["C-ADM-6"],
    "every constraint's enforcement action follows the tier: dev dryrun, staging warn, prod deny",
    async () => {
      assert.deepEqual(enforcementActions(await stack("local")), every("dryrun"));
      assert.deepEqual(enforcementActions(await stack("aws-staging")), every("warn"));
      assert.deepEqual(enforcementActions(await stack("aws-prod")), every("deny"));
    },
  );

  proves(["C-ADM-6"], "a per-constraint override changes that constraint only", async () => {
    const graph = await stack("local", {
      overrides: {
        "zt-blueprint:enforcement": JSON.stringify({ constraintOverrides: { "pod-security": "deny" } }),
      },
    });
    assert.deepEqual(enforcementActions(graph), { ...every("dryrun"), "pod-security": "deny" });
  });

  proves(
    ["C-ADM-2", "C-ADM-4", "C-ADM-7", "C-MESH-4"],
    "the pod-security, hygiene, exposure and mesh-injection constraints are deployed with their parameters",
    async () => {
      const graph = await stack("aws-prod");
      assert.ok(constraintNamed(graph, "pod-security"));
      assert.deepEqual(at(constraintNamed(graph, "resource-hygiene").inputs, "spec.parameters"), {
        requiredLabels: ["owner", "team"],
      });
      assert.deepEqual(at(constraintNamed(graph, "service-exposure").inputs, "spec.parameters"), {
        allowedNamespaces: ["istio-ingress"],
      });
      const tenants = ["storefront", "payments", "analytics"];
      for (const name of ["allowed-images", "resource-hygiene", "mesh-injection"]) {
        assert.deepEqual(at(constraintNamed(graph, name).inputs, "spec.match.namespaces"), tenants, name);
      }
      assert.deepEqual(
        at(constraintNamed(graph, "service-exposure").inputs, "spec.match.excludedNamespaces"),
        [...systemNamespaces],
      );
      // Falco's node agent needs host access: the one exemption beyond the system namespaces.
      assert.deepEqual(at(constraintNamed(graph, "pod-security").inputs, "spec.match.excludedNamespaces"), [
        ...systemNamespaces,
        "falco",
      ]);
      assert.deepEqual(at(constraintNamed(graph, "mesh-injection").inputs, "spec.match.namespaces"), [
        "storefront",
        "payments",
        "analytics",
      ]);
    },
  );

  proves(
    ["C-ADM-3", "C-CL-10"],
    "images are allowed only from the cluster's private registry, by digest in prod",
    async () => {
      const prod = at(constraintNamed(await stack("aws-prod"), "allowed-images").inputs, "spec.parameters");
      assert.deepEqual(prod, {
        registries: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
        requireDigest: true,
      });
      const azureDev = at(
        constraintNamed(await stack("azure-dev"), "allowed-images").inputs,
        "spec.parameters",
      );
      assert.deepEqual(azureDev, { registries: ["ztazuredevplatform.azurecr.io"], requireDigest: false });
      const local = at(constraintNamed(await stack("local"), "allowed-images").inputs, "spec.parameters");
      assert.deepEqual(local, { registries: ["localhost:5001"], requireDigest: false });
    },
  );

  proves(
    ["C-ADM-2"],
    "Gatekeeper's own namespace enforces Pod Security restricted and default-deny networking",
    async () => {
      const graph = await stack("aws-prod");
      const ns = graph
        .ofType("kubernetes:core/v1:Namespace")
        .find((n) => at(n.inputs, "metadata.name") === "gatekeeper-system");
      assert.equal(
        (at(ns?.inputs, "metadata.labels") as Record<string, string>)["pod-security.kubernetes.io/enforce"],
        "restricted",
      );
      const policies = graph
        .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .filter((p) => at(p.inputs, "metadata.namespace") === "gatekeeper-system")
        .map((p) => String(at(p.inputs, "metadata.name")));
      assert.ok(policies.includes("default-deny"));
    },
  );

  proves(
    ["C-ADM-5"],
    "image signatures are verified for every tenant namespace: warn in dev, enforced in staging and prod",
    async () => {
      const dev = await stack("local");
      assert.deepEqual(checkSignatureVerification(dev, "dev"), []);
      const devPolicy = dev.ofType("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy")[0];
      assert.equal(at(devPolicy?.inputs, "spec.mode"), "warn");
      assert.deepEqual(at(devPolicy?.inputs, "spec.images"), [{ glob: "localhost:5001/**" }]);
      for (const name of ["aws-staging", "aws-prod", "azure-prod"]) {
        const graph = await stack(name);
        assert.deepEqual(checkSignatureVerification(graph, "prod"), [], name);
      }
      const prod = (await stack("aws-prod")).ofType(
        "kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy",
      )[0];
      assert.deepEqual(at(prod?.inputs, "spec.images"), [
        { glob: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/**" },
      ]);
    },
  );

  proves(
    ["C-ADM-5"],
    "the signature check fails when prod verification drops to warn or a tenant namespace is not opted in",
    async () => {
      const warn = editInputs("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy", (props) => {
        (props["spec"] as Record<string, unknown>)["mode"] = "warn";
      });
      assert.match(
        checkSignatureVerification(await stack("aws-prod", { transformations: [warn] }), "prod").join(),
        /warn mode/,
      );
      const unlabel = editInputs("kubernetes:core/v1:Namespace", (props) => {
        const labels = (props["metadata"] as Record<string, Record<string, string>>)["labels"] ?? {};
        delete labels["policy.sigstore.dev/include"];
      });
      assert.match(
        checkSignatureVerification(await stack("aws-prod", { transformations: [unlabel] }), "prod").join(),
        /tenant namespace storefront is not verified/,
      );
    },
  );
});
