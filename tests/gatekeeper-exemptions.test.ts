/**
 * C-ADM-1 behaviour: which namespaces the API server sends to Gatekeeper's fail-closed webhook.
 * The webhook is the one the pinned chart renders (`helm template` with the component's exact
 * values, the upstream engine); its namespaceSelector is evaluated against every namespace the
 * stack creates plus those every cluster brings, as the API server stores them (with the
 * immutable kubernetes.io/metadata.name label). Modelled: label-selector semantics only
 * (tests/checks/label-selector.ts). Needs the pinned helm and chart (`npm run tools`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import { parseAllDocuments } from "yaml";
import { runProgram } from "../infra/program";
import { helmTemplate, type HelmRelease } from "../scripts/verify/helm";
import { missingTools } from "../scripts/verify/tools";
import { selectorMatches, storedNamespaceLabels, type LabelSelector } from "./checks/label-selector";
import { at } from "./harness/graph";
import { proves } from "./harness/proves";
import { capture, listStacks, readStackFile, resolvedStackConfig } from "./harness/run";

/** Namespaces every cluster has before the platform is installed. */
const clusterNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** What must never be judged by a fail-closed webhook: Kubernetes' own, and Gatekeeper's. */
const mustBeExempt = ["gatekeeper-system", "kube-node-lease", "kube-public", "kube-system"];

const unavailable = missingTools().includes("helm") ? "helm not installed; run npm run tools" : "";
function requireHelm(t: TestContext): boolean {
  if (!unavailable) return true;
  if (process.env["CI"]) assert.fail(unavailable);
  t.skip(unavailable);
  return false;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "zt-gatekeeper-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Webhook {
  readonly name: string;
  readonly failurePolicy?: string;
  readonly namespaceSelector?: LabelSelector;
  readonly rules?: readonly { readonly resources?: readonly string[] }[];
}

interface StackView {
  readonly release: HelmRelease;
  readonly namespaces: readonly { name: string; labels: Record<string, string> }[];
  readonly kubernetesVersion: string;
}

async function stackView(stack: string): Promise<StackView> {
  const { config, secretKeys } = readStackFile(stack);
  const { graph, error } = await capture(runProgram, { stack, config, secretKeys });
  assert.equal(error, undefined);
  const gatekeeper = graph
    .ofType("kubernetes:helm.sh/v3:Release")
    .find((r) => r.inputs["chart"] === "gatekeeper");
  assert.ok(gatekeeper, `${stack} registers no Gatekeeper release`);
  const created = graph.ofType("kubernetes:core/v1:Namespace").map((ns) => ({
    name: String(at(ns.inputs, "metadata.name")),
    labels: (at(ns.inputs, "metadata.labels") ?? {}) as Record<string, string>,
  }));
  return {
    release: {
      name: String(gatekeeper.inputs["name"]),
      namespace: String(gatekeeper.inputs["namespace"]),
      chart: "gatekeeper",
      version: String(gatekeeper.inputs["version"]),
      values: gatekeeper.inputs["values"] as Record<string, unknown>,
    },
    namespaces: [...created, ...clusterNamespaces.map((name) => ({ name, labels: {} }))],
    kubernetesVersion: `${resolvedStackConfig(stack).kubernetesVersion}.0`,
  };
}

/** The chart's real admission webhooks for these values. */
function renderedWebhooks(view: StackView, values: Record<string, unknown>, label: string): Webhook[] {
  const out = helmTemplate([{ ...view.release, values }], view.kubernetesVersion, path.join(work, label));
  assert.deepEqual(out.result.failures, []);
  const docs = parseAllDocuments(fs.readFileSync(out.files[0]!, "utf8")).map((d) => d.toJS() as unknown);
  return docs
    .filter(
      (d): d is { kind: string; webhooks: Webhook[] } =>
        (d as { kind?: string })?.kind === "ValidatingWebhookConfiguration",
    )
    .flatMap((d) => d.webhooks);
}

/** The webhook that judges workloads (every resource), not the one for namespace labels. */
const workloadWebhook = (webhooks: Webhook[]) => {
  const webhook = webhooks.find((w) => w.rules?.some((r) => r.resources?.includes("*")));
  assert.ok(webhook, `no workload webhook among ${webhooks.map((w) => w.name).join(", ")}`);
  return webhook;
};

const exempt = (view: StackView, webhook: Webhook) =>
  view.namespaces
    .filter((ns) => !selectorMatches(webhook.namespaceSelector, storedNamespaceLabels(ns.name, ns.labels)))
    .map((ns) => ns.name)
    .sort();

const stacks = listStacks().filter((stack) => resolvedStackConfig(stack).addons.admission.enabled);

for (const stack of stacks) {
  describe(`${stack}: Gatekeeper's webhook`, () => {
    proves(
      ["C-ADM-1"],
      `${stack}: the fail-closed webhook skips exactly kube-system, kube-public, kube-node-lease and gatekeeper-system`,
      async (t) => {
        if (!requireHelm(t)) return;
        const view = await stackView(stack);
        const webhook = workloadWebhook(renderedWebhooks(view, view.release.values, `${stack}-fixed`));
        if (!resolvedStackConfig(stack).addons.admission.webhookFailOpen) {
          assert.equal(webhook.failurePolicy, "Fail");
        }
        assert.deepEqual(exempt(view, webhook), mustBeExempt);
        // Every namespace the platform creates is judged (tenants, mesh, identity, add-ons).
        for (const ns of view.namespaces.filter((n) => !mustBeExempt.includes(n.name))) {
          assert.ok(
            selectorMatches(webhook.namespaceSelector, storedNamespaceLabels(ns.name, ns.labels)),
            ns.name,
          );
        }
      },
    );
  });
}

proves(
  ["C-ADM-1"],
  "without the name-label exemption the fail-closed webhook judges kube-system (the check fails)",
  async (t) => {
    if (!requireHelm(t)) return;
    const view = await stackView(stacks.includes("aws-prod") ? "aws-prod" : stacks[0]!);
    const values = { ...view.release.values };
    delete values["validatingWebhookExemptNamespacesLabels"];
    const webhook = workloadWebhook(renderedWebhooks(view, values, "broken"));
    assert.deepEqual(exempt(view, webhook), ["gatekeeper-system"]);
    assert.notDeepEqual(exempt(view, webhook), mustBeExempt);
  },
);

test("label selectors follow Kubernetes' semantics on the documented cases", () => {
  const notInSystem: LabelSelector = {
    matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }],
  };
  assert.equal(selectorMatches(notInSystem, storedNamespaceLabels("kube-system")), false);
  assert.equal(selectorMatches(notInSystem, storedNamespaceLabels("shop")), true);
  // NotIn also selects objects without the key.
  assert.equal(selectorMatches(notInSystem, {}), true);
  const ignore: LabelSelector = {
    matchExpressions: [{ key: "admission.gatekeeper.sh/ignore", operator: "DoesNotExist" }],
  };
  assert.equal(selectorMatches(ignore, { "admission.gatekeeper.sh/ignore": "yes" }), false);
  assert.equal(selectorMatches(ignore, {}), true);
  assert.equal(selectorMatches({ matchLabels: { a: "1" } }, { a: "1", b: "2" }), true);
  assert.equal(selectorMatches({ matchLabels: { a: "1" } }, { a: "2" }), false);
  assert.equal(
    selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["prod"] }] }, {}),
    false,
  );
  assert.equal(selectorMatches({}, {}), true);
});
