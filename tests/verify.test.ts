/**
 * Proof that each validator of `npm run verify` is live: a deliberately broken fixture makes it
 * fail, and the message names the object. Needs the pinned tools (`npm run tools`); CI installs
 * them first, so there a missing tool fails the suite instead of skipping it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test, type TestContext } from "node:test";
import { upstream } from "../components/versions";
import { formatTable, verifyRender } from "../scripts/verify/index";
import { writeConstraintSchemas } from "../scripts/verify/constraint-schemas";
import { prepareKubernetesSchemas } from "../scripts/verify/k8s-schemas";
import { missingTools } from "../scripts/verify/tools";
import { prepareUpstream } from "../scripts/verify/upstream";
import { gatorVerify, offline, type ValidatorResult } from "../scripts/verify/validators";
import { chartAdmissionLabel, gatorTestCharts } from "../scripts/verify/chart-admission";
import { gatewayValues } from "../components/mesh/values";
import { egressServicePorts } from "../components/mesh/gateway-services";
import { systemNamespaces } from "../components/admission";
import { goToolPath } from "../scripts/verify/tools";
import { stringify } from "yaml";
import { constraintTemplate, policiesDir, templateSpecs } from "../components/admission/templates";
import { proves } from "./harness/proves";
import { repoRoot } from "./harness/run";

const fixtures = path.join(repoRoot, "tests", "fixtures", "verify");
const missing = missingTools();
const unavailable =
  missing.length > 0 ? `validators not installed (${missing.join(", ")}); run npm run tools` : "";

function requireTools(t: TestContext): boolean {
  if (!unavailable) return true;
  if (process.env["CI"]) assert.fail(unavailable);
  t.skip(unavailable);
  return false;
}

/** A render folder holding only the named fixtures, plus optional Helm releases in resources.json. */
function renderDirWith(fixtureNames: string[], releases: object[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-verify-"));
  fs.mkdirSync(path.join(dir, "manifests"));
  for (const name of fixtureNames)
    fs.copyFileSync(path.join(fixtures, name), path.join(dir, "manifests", name));
  const resources = releases.map((inputs) => ({ type: "kubernetes:helm.sh/v3:Release", name: "r", inputs }));
  fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(resources));
  return dir;
}

function row(rows: ValidatorResult[], validator: string): ValidatorResult {
  const found = rows.find((r) => r.validator === validator);
  assert.ok(found, `no ${validator} row in:\n${formatTable("rows", rows)}`);
  return found;
}

const verify = (dir: string) => verifyRender({ renderDir: dir, kubernetesVersion: "1.35" });

const gatewayRelease = (values: object) => ({
  name: "istio-egressgateway",
  namespace: "istio-egress",
  chart: upstream.istioGateway.chart,
  version: upstream.istioGateway.chartVersion,
  values,
});

const gatekeeperRelease = (values: object, version: string = upstream.gatekeeper.chartVersion) => ({
  name: "gatekeeper",
  namespace: "gatekeeper-system",
  chart: upstream.gatekeeper.chart,
  version,
  values,
});

describe("verify: every validator is live", () => {
  before(() => {
    if (!unavailable) {
      prepareKubernetesSchemas();
      prepareUpstream(() => undefined);
      writeConstraintSchemas();
    }
  });

  test("well-formed objects pass every validator", (t) => {
    if (!requireTools(t)) return;
    const rows = verify(renderDirWith(["valid.yaml"]));
    for (const r of rows) assert.deepEqual(r.failures, [], r.validator);
    assert.equal(row(rows, "kubeconform (our manifests)").objects, 2);
  });

  proves(["C-POL-4"], "kubeconform rejects a Deployment with an unknown field and names it", (t) => {
    if (!requireTools(t)) return;
    const failures = row(
      verify(renderDirWith(["unknown-field.yaml"])),
      "kubeconform (our manifests)",
    ).failures;
    assert.equal(failures.length, 1);
    assert.match(failures[0] ?? "", /Deployment\/typo-app .*replicaz/);
  });

  proves(
    ["C-POL-4"],
    "kubeconform validates Istio objects against the pinned CRD schema (mode STRICTT)",
    (t) => {
      if (!requireTools(t)) return;
      const failures = row(verify(renderDirWith(["strictt.yaml"])), "kubeconform (our manifests)").failures;
      assert.equal(failures.length, 1);
      assert.match(failures[0] ?? "", /PeerAuthentication\/default .*(STRICTT|mode)/);
    },
  );

  proves(["C-POL-4"], "a kind with no schema fails instead of being skipped", (t) => {
    if (!requireTools(t)) return;
    const failures = row(
      verify(renderDirWith(["unknown-kind.yaml"])),
      "kubeconform (our manifests)",
    ).failures;
    assert.match(failures.join("\n"), /Widget\/mystery .*could not find schema/);
  });

  proves(
    ["C-POL-4", "C-MESH-6"],
    "istioctl analyze rejects a VirtualService bound to a missing gateway, naming it",
    (t) => {
      if (!requireTools(t)) return;
      const rows = verify(renderDirWith(["missing-gateway.yaml"]));
      const analyze = row(rows, "istioctl analyze (Istio objects)");
      assert.equal(analyze.objects, 1);
      assert.match(
        analyze.failures.join("\n"),
        /VirtualService shop\/broken: IST0101: Referenced gateway not found/,
      );
    },
  );

  test("checkov and kube-score both flag a privileged pod, naming it", (t) => {
    if (!requireTools(t)) return;
    const rows = verify(renderDirWith(["privileged-pod.yaml"]));
    const checkov = row(rows, "checkov (our manifests)").failures.join("\n");
    assert.match(checkov, /Pod\/shop\/root-shell: CKV_K8S_16/, "checkov: privileged container");
    const kubeScore = row(rows, "kube-score (our manifests)").failures.join("\n");
    assert.match(kubeScore, /Pod\/shop\/root-shell: container-security-context-privileged/);
  });

  test("helm templates a pinned upstream chart offline with the release's values, and kubeconform checks the output", (t) => {
    if (!requireTools(t)) return;
    const rows = verify(renderDirWith([], [gatekeeperRelease({ replicas: 2 })]));
    assert.deepEqual(row(rows, "helm template (upstream charts)").failures, []);
    const output = row(rows, "kubeconform (chart output)");
    assert.ok(output.objects > 10, `chart output has ${output.objects} objects`);
    assert.deepEqual(output.failures, []);
  });

  test("values of the wrong type make the chart output fail kubeconform, naming the object", (t) => {
    if (!requireTools(t)) return;
    const rows = verify(renderDirWith([], [gatekeeperRelease({ replicas: "three" })]));
    assert.match(
      row(rows, "kubeconform (chart output)").failures.join("\n"),
      /Deployment\/gatekeeper-controller-manager .*replicas/,
    );
    assert.match(
      row(rows, "kube-score (chart output)").failures.join("\n"),
      /could not read the input.*replicas/,
    );
  });

  test("a release of a chart version other than the pinned one fails", (t) => {
    if (!requireTools(t)) return;
    const rows = verify(renderDirWith([], [gatekeeperRelease({}, "3.0.0")]));
    assert.match(
      row(rows, "helm template (upstream charts)").failures.join("\n"),
      /Release gatekeeper-system\/gatekeeper \(gatekeeper 3\.0\.0\): version differs from the pinned chart/,
    );
  });

  test("an Istio chart is templated from its declared nearest chart, and verify says so", (t) => {
    if (!requireTools(t)) return;
    const nearest = upstream.istioGateway.nearestChart;
    const values = gatewayValues({
      name: "istio-egressgateway",
      serviceType: "ClusterIP",
      ports: egressServicePorts(),
    });
    const rows = verify(renderDirWith([], [gatewayRelease(values)]));
    const helm = row(rows, "helm template (upstream charts)");
    assert.deepEqual(helm.failures, []);
    assert.match(
      (helm.notes ?? []).join("\n"),
      new RegExp(
        `Release istio-egress/istio-egressgateway \\(gateway 1\\.31\\.1\\): templated from the NEAREST CHART, ` +
          `not the gateway 1\\.31\\.1 release: ${nearest.module}@${nearest.version} ${nearest.chartDir}, ` +
          `the master snapshot of 2026-08-27 \\(chart version 1\\.0\\.0\\)`,
      ),
    );
    const output = row(rows, "kubeconform (chart output)");
    assert.ok(output.objects >= 5, `gateway chart output has ${output.objects} objects`);
    assert.deepEqual(output.failures, []);
  });

  test("the nearest chart's values schema refuses an unknown key and a value of the wrong type", (t) => {
    if (!requireTools(t)) return;
    const helm = (values: object) =>
      row(
        verify(renderDirWith([], [gatewayRelease(values)])),
        "helm template (upstream charts)",
      ).failures.join("\n");
    assert.match(
      helm({ servce: { type: "ClusterIP" } }),
      /Release istio-egress\/istio-egressgateway \(gateway 1\.31\.1\): helm template failed: .*servce/s,
    );
    assert.match(
      helm({ replicaCount: "two" }),
      /Release istio-egress\/istio-egressgateway \(gateway 1\.31\.1\): helm template failed: .*replicaCount/s,
    );
  });

  proves(
    ["C-ADM-2"],
    "a chart's Deployment without a seccomp profile fails our pod-security constraint, naming chart, object and constraint",
    (t) => {
      if (!requireTools(t)) return;
      const spec = templateSpecs.find((s) => s.folder === "pod-security");
      assert.ok(spec);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-chart-admission-"));
      // The constraint as the admission component renders it: system namespaces exempt.
      const admission = path.join(dir, "admission.yaml");
      const constraint = {
        apiVersion: "constraints.gatekeeper.sh/v1beta1",
        kind: spec.kind,
        metadata: { name: spec.folder },
        spec: {
          enforcementAction: "dryrun",
          match: { kinds: spec.matchKinds, excludedNamespaces: [...systemNamespaces] },
        },
      };
      fs.writeFileSync(admission, `${stringify(constraintTemplate(spec))}---\n${stringify(constraint)}`);
      const fixture = path.join(fixtures, "chart-deployment-without-seccomp.yaml");
      const withSeccomp = path.join(dir, "with-seccomp.yaml");
      fs.writeFileSync(
        withSeccomp,
        fs
          .readFileSync(fixture, "utf8")
          .replace("runAsUser: 65532", "runAsUser: 65532\n        seccompProfile: { type: RuntimeDefault }"),
      );
      const chart = (file: string, namespace: string) => ({
        release: { name: "addon", namespace, chart: "addon", version: "1.0.0", values: {} },
        file,
      });
      const check = (file: string, namespace: string) =>
        gatorTestCharts([admission], [chart(file, namespace)], dir);

      const denied = check(fixture, "addon-system");
      assert.equal(denied.validator, chartAdmissionLabel);
      assert.equal(denied.objects, 1);
      assert.deepEqual(denied.failures, [
        "addon chart (Release addon-system/addon): Deployment/addon-system/addon-controller: " +
          "ZtPodSecurity/pod-security (dryrun): [Implied by expand-workloads] container controller must use " +
          "the RuntimeDefault seccomp profile",
      ]);
      assert.deepEqual(
        check(withSeccomp, "addon-system").failures,
        [],
        "the seccomp profile is the only fault",
      );
      assert.deepEqual(
        check(fixture, "kube-system").failures,
        [],
        "the constraint's exemptions are respected",
      );
    },
  );

  proves(
    ["C-ADM-2"],
    "a workload of our own render without a seccomp profile fails the same step, named as ours",
    (t) => {
      if (!requireTools(t)) return;
      const spec = templateSpecs.find((s) => s.folder === "pod-security");
      assert.ok(spec);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-own-admission-"));
      const constraint = {
        apiVersion: "constraints.gatekeeper.sh/v1beta1",
        kind: spec.kind,
        metadata: { name: spec.folder },
        spec: { enforcementAction: "deny", match: { kinds: spec.matchKinds } },
      };
      // The fixture placed in a namespace, as a component of ours would register it.
      const own = fs
        .readFileSync(path.join(fixtures, "chart-deployment-without-seccomp.yaml"), "utf8")
        .replace("  name: addon-controller\n", "  name: addon-controller\n  namespace: keycloak\n");
      const render = path.join(dir, "identity.yaml");
      fs.writeFileSync(
        render,
        `${stringify(constraintTemplate(spec))}---\n${stringify(constraint)}---\n${own}`,
      );
      const result = gatorTestCharts([render], [], dir);
      assert.deepEqual(result.failures, [
        "our manifests: Deployment/keycloak/addon-controller: ZtPodSecurity/pod-security (deny): " +
          "[Implied by expand-workloads] container controller must use the RuntimeDefault seccomp profile",
      ]);
    },
  );

  proves(
    ["C-POL-3", "C-ADM-2", "C-ADM-3", "C-ADM-4", "C-ADM-7", "C-MESH-4"],
    "every ConstraintTemplate has a gator suite, and every suite passes against the shipped Rego",
    (t) => {
      if (!requireTools(t)) return;
      const result = gatorVerify();
      assert.equal(result.objects, templateSpecs.length);
      assert.deepEqual(result.failures, []);
    },
  );

  proves(["C-POL-3"], "breaking a template's Rego makes its gator suite fail, naming the case", (t) => {
    if (!requireTools(t)) return;
    const spec = templateSpecs.find((s) => s.folder === "pod-security");
    assert.ok(spec);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-gator-broken-"));
    fs.cpSync(path.join(policiesDir, spec.folder), dir, { recursive: true });
    const template = constraintTemplate(spec);
    const target = template.spec.targets[0];
    assert.ok(target);
    const broken = target.rego.replace(
      '["securityContext", "privileged"], false) == true',
      '["securityContext", "privileged"], false) == "never"',
    );
    assert.notEqual(broken, target.rego, "the mutation must apply");
    target.rego = broken;
    fs.writeFileSync(path.join(dir, "template.yaml"), stringify(template));
    const run = offline(goToolPath("gator"), ["verify", dir]);
    assert.equal(run.status, 1);
    assert.match(run.stdout + run.stderr, /FAIL: privileged/);
  });

  test("npm run verify exits non-zero and prints the table when a validator fails", (t) => {
    if (!requireTools(t)) return;
    const dir = renderDirWith(["unknown-field.yaml", "valid.yaml"]);
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/verify.ts", "--manifests", dir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /kubeconform \(our manifests\)\s+3\s+1/);
    assert.match(run.stdout, /FAIL kubeconform \(our manifests\): Deployment\/typo-app/);
  });
});
