/**
 * The harness itself: it must see what a zero-trust test asks about (parents, providers,
 * dependencies, secrets), or every test built on it could pass vacuously.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { capture } from "./harness/run";

class Probe extends pulumi.ComponentResource {
  constructor(name: string) {
    super("zt-blueprint:test:Probe", name);
    const provider = new k8s.Provider(
      "probe-k8s",
      { kubeconfig: pulumi.secret("kubeconfig-body") },
      { parent: this },
    );
    const ns = new k8s.core.v1.Namespace(
      "probe-ns",
      { metadata: { name: "probe" } },
      { parent: this, provider },
    );
    const marker = new k8s.core.v1.ConfigMap(
      "probe-marker",
      {
        metadata: { name: "marker", namespace: "probe" },
        data: { k: "v", token: pulumi.secret("cm-token-value") },
      },
      { parent: this, provider },
    );
    new k8s.core.v1.Secret(
      "probe-secret",
      {
        metadata: { name: "creds", namespace: ns.metadata.name },
        stringData: { password: pulumi.secret("hunter2-hunter2"), user: "app" },
      },
      { parent: this, provider, dependsOn: [marker] },
    );
    this.registerOutputs({});
  }
}

describe("the mocked graph capture", () => {
  test("records type, name, parent, provider, inputs, dependencies and secret inputs", async () => {
    const { graph, error } = await capture(() => {
      new Probe("probe");
    });
    assert.equal(error, undefined);
    const component = graph.named("zt-blueprint:test:Probe", "probe");
    const provider = graph.named("pulumi:providers:kubernetes", "probe-k8s");
    const ns = graph.named("kubernetes:core/v1:Namespace", "probe-ns");
    const marker = graph.named("kubernetes:core/v1:ConfigMap", "probe-marker");
    const secret = graph.named("kubernetes:core/v1:Secret", "probe-secret");

    assert.equal(secret.parent, component.urn);
    assert.equal(secret.provider, provider.urn);
    assert.deepEqual(provider.secretPaths, ["kubeconfig"]);
    // A nested secret is recorded at its own path; the Kubernetes SDK marks a Secret's whole
    // stringData as secret, so that is recorded whole.
    assert.deepEqual(marker.secretPaths, ["data.token"]);
    assert.deepEqual(secret.secretPaths, ["stringData"]);
    assert.equal((secret.inputs["stringData"] as Record<string, string>)["password"], "hunter2-hunter2");
    assert.ok(secret.dependsOn.includes(ns.urn), "implicit dependency through metadata.namespace");
    assert.ok(secret.dependsOn.includes(marker.urn), "explicit dependsOn");
    assert.deepEqual(secret.propertyDependencies["metadata"], [ns.urn]);
    assert.deepEqual(
      graph
        .descendantsOf(component.urn)
        .map((r) => r.name)
        .sort(),
      ["probe-k8s", "probe-marker", "probe-ns", "probe-secret"],
    );
    assert.equal(graph.owningComponent(secret)?.urn, component.urn);
  });

  test("reports the program's error and what was registered before it", async () => {
    const { graph, error } = await capture(() => {
      new k8s.core.v1.Namespace("first", { metadata: { name: "first" } });
      throw new Error("boom");
    });
    assert.equal(error?.message, "boom");
    assert.deepEqual(graph.resources.map((r) => r.name).sort(), ["first", "zt-blueprint-test"]);
  });

  test("captures are independent: nothing leaks from one run into the next", async () => {
    await capture(() => {
      new k8s.core.v1.Namespace("only-in-first", { metadata: { name: "x" } });
    });
    const { graph } = await capture(() => undefined);
    assert.deepEqual(
      graph.resources.map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
  });
});
