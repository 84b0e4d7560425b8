/** The pieces of verify that are our own code: schema conversion, pin checking, skip matching. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { upstream } from "../components/versions";
import { strictSchema, writeCrdSchemas } from "../scripts/verify/crd-schema";
import { standaloneSchema } from "../scripts/verify/k8s-schemas";
import { checkChartVersion } from "../scripts/verify/upstream";
import { loadSkips } from "../scripts/verify/validators";

describe("verify internals", () => {
  test("CRD schemas become strict: declared properties close the object unless it preserves unknown fields", () => {
    const strict = strictSchema({
      type: "object",
      properties: {
        spec: { type: "object", properties: { mode: { type: "string", enum: ["STRICT"] } } },
        open: {
          type: "object",
          properties: { a: { type: "string" } },
          "x-kubernetes-preserve-unknown-fields": true,
        },
        port: { "x-kubernetes-int-or-string": true },
      },
    });
    const props = strict["properties"] as Record<string, Record<string, unknown>>;
    assert.equal(strict["additionalProperties"], false);
    assert.equal(props["spec"]?.["additionalProperties"], false);
    assert.equal(props["open"]?.["additionalProperties"], undefined);
    assert.deepEqual(props["port"]?.["anyOf"], [{ type: "integer" }, { type: "string" }]);
  });

  test("a CRD file becomes one schema per served version, with apiVersion and kind pinned", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-crd-"));
    const crd = path.join(dir, "crd.yaml");
    fs.writeFileSync(
      crd,
      [
        "apiVersion: apiextensions.k8s.io/v1",
        "kind: CustomResourceDefinition",
        "metadata: {name: widgets.example.com}",
        "spec:",
        "  group: example.com",
        "  names: {kind: Widget, plural: widgets}",
        "  scope: Namespaced",
        "  versions:",
        "    - name: v1",
        "      served: true",
        "      storage: true",
        "      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object}}}}",
      ].join("\n"),
    );
    assert.deepEqual(writeCrdSchemas([crd], path.join(dir, "out")), ["example.com/Widget v1"]);
    const schema = JSON.parse(
      fs.readFileSync(path.join(dir, "out", "example.com", "widget_v1.json"), "utf8"),
    ) as {
      properties: Record<string, { enum?: string[] }>;
    };
    assert.deepEqual(schema.properties["apiVersion"]?.enum, ["example.com/v1"]);
    assert.deepEqual(schema.properties["kind"]?.enum, ["Widget"]);
  });

  test("Kubernetes schemas are made self-contained with exactly the definitions they reach", () => {
    const defs = {
      A: { properties: { b: { $ref: "/api/_definitions.json#/$defs/B" } } },
      B: { type: "string" },
      Unused: { type: "integer" },
    };
    const out = standaloneSchema({ properties: { a: { $ref: "/api/_definitions.json#/$defs/A" } } }, defs);
    assert.deepEqual(Object.keys(out["$defs"] as object).sort(), ["A", "B"]);
    assert.match(JSON.stringify(out), /"#\/\$defs\/A"/);
    assert.doesNotMatch(JSON.stringify(out), /_definitions\.json/);
  });

  test("a module whose Chart.yaml is not the pinned chart version is refused", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-module-"));
    fs.mkdirSync(path.join(dir, "charts", "gatekeeper"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "charts", "gatekeeper", "Chart.yaml"),
      "name: gatekeeper\nversion: 3.99.0\n",
    );
    assert.throws(
      () => checkChartVersion(upstream.gatekeeper, dir),
      /carries gatekeeper chart 3\.99\.0, but components\/versions\.ts pins chart 3\.23\.1/,
    );
    fs.writeFileSync(
      path.join(dir, "charts", "gatekeeper", "Chart.yaml"),
      "name: gatekeeper\nversion: 3.23.1\n",
    );
    assert.doesNotThrow(() => checkChartVersion(upstream.gatekeeper, dir));
  });

  test("every skip names a validator, a check, an object and a reason", () => {
    const skips = loadSkips();
    assert.ok(skips.length > 0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-skips-"));
    const file = path.join(dir, "skips.yaml");
    fs.writeFileSync(file, "- validator: checkov\n  check: CKV_K8S_1\n  object: Pod/x/y\n");
    assert.throws(() => loadSkips(file), /entry 0: "reason" is required/);
  });
});
