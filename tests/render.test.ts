/**
 * The offline render: deterministic, complete, secret-free, and all-or-nothing on bad config.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { renderStack, secretMarker } from "../scripts/lib/render";
import { proves } from "./harness/proves";
import { listStacks, repoRoot } from "./harness/run";

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
    }
  }
  return files;
}

const secretToken = "zt-test-token-5f0c1e9a";
const kubeconfigWithToken = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
  `users: [{name: u, user: {token: ${secretToken}}}]`,
  "contexts: [{name: ctx, context: {cluster: c, user: u}}]",
  "current-context: ctx",
].join("\n");

function writeStack(dir: string, name: string, config: Record<string, unknown>): void {
  const lines = Object.entries(config).map(([k, v]) => `  zt-blueprint:${k}: ${JSON.stringify(v)}`);
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), `config:\n${lines.join("\n")}\n`);
}

describe("offline render", () => {
  test("rendering the same stack twice gives byte-identical files", async () => {
    const first = tempDir("zt-render-a-");
    const second = tempDir("zt-render-b-");
    await renderStack("local", first);
    await renderStack("local", second);
    const a = readTree(first);
    const b = readTree(second);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [file, content] of a) assert.equal(b.get(file), content, `${file} differs between renders`);
  });

  test("writes resources.json, one manifest file per component, and a summary with the controls table", async () => {
    const out = tempDir("zt-render-");
    const result = await renderStack("local", out);
    const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as {
      type: string;
      name: string;
      parent: string | null;
      inputs: unknown;
      dependsOn: string[];
    }[];
    assert.equal(resources.length, result.resources);
    for (const r of resources)
      for (const key of ["type", "name", "parent", "inputs", "dependsOn"]) assert.ok(key in r);
    const manifests = fs.readdirSync(path.join(out, "manifests")).sort();
    assert.deepEqual(manifests, [
      "admission-Admission--admission.yaml",
      "admission-ImageSignatures--image-signatures.yaml",
      // The local vault namespaces belong to the cluster layer (its secret backend).
      "cluster-ExistingCluster--cluster.yaml",
      "identity-Keycloak--keycloak.yaml",
      "identity-PlatformAdmins--platform-admins.yaml",
      "mesh-Mesh--mesh.yaml",
      "runtime-Monitoring--monitoring.yaml",
      "runtime-RuntimeSecurity--runtime-security.yaml",
      "runtime-Scanning--scanning.yaml",
      "secrets-ExternalSecrets--external-secrets.yaml",
      "tenancy-TenantNamespace--tenant-analytics.yaml",
      "tenancy-TenantNamespace--tenant-payments.yaml",
      "tenancy-TenantNamespace--tenant-storefront.yaml",
    ]);
    const docs = manifests.flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(out, "manifests", file), "utf8")).map(
        (d) => d.toJS() as { kind: string },
      ),
    );
    assert.equal(docs.length, result.manifests);
    assert.equal(docs[0]?.kind, "Namespace", "namespaces come first so kubectl apply works in file order");
    const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
    assert.match(summary, /\| C-TEN-2 \| Default-deny network \| yes \| 17 \| (\d+|not yet) \|/);
    // The test column counts proving tests from the last `npm test` run, or says "not yet".
    assert.match(summary, /\| C-ID-2 \| MFA for every human \| yes \| [1-9]\d* \| (\d+|not yet) \|/);
  });

  proves(
    ["C-SEC-4"],
    "a kubeconfig given in config never appears in the render; its inputs show [secret]",
    async () => {
      const stacks = tempDir("zt-stacks-");
      writeStack(stacks, "withsecret", {
        cloud: "existing",
        tier: "dev",
        kubernetesVersion: "1.35",
        kubeconfig: kubeconfigWithToken,
        addons: {
          admission: { enabled: false },
          runtimeSecurity: { enabled: false },
          identityProvider: { enabled: false },
        },
      });
      const out = tempDir("zt-render-");
      await renderStack("withsecret", out, { stacksDir: stacks });
      const files = readTree(out);
      for (const [file, content] of files)
        assert.equal(content.includes(secretToken), false, `secret in ${file}`);
      const provider = (
        JSON.parse(files.get("resources.json") ?? "[]") as {
          type: string;
          inputs: Record<string, unknown>;
          secretInputs: string[];
        }[]
      ).find((r) => r.type === "pulumi:providers:kubernetes");
      assert.equal(provider?.inputs["kubeconfig"], secretMarker);
      assert.deepEqual(provider?.secretInputs, ["kubeconfig"]);
    },
  );

  proves(
    ["C-SEC-4"],
    "cloud stacks render their kubeconfig as [secret] and nowhere in plain text",
    async () => {
      for (const stack of ["aws-prod", "azure-prod"]) {
        const out = tempDir(`zt-render-${stack}-`);
        await renderStack(stack, out);
        for (const [file, content] of readTree(out)) {
          assert.doesNotMatch(
            content,
            /certificate-authority-data|get-token/,
            `${stack}: kubeconfig content in ${file}`,
          );
        }
        const provider = (
          JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as {
            type: string;
            inputs: Record<string, unknown>;
          }[]
        ).find((r) => r.type === "pulumi:providers:kubernetes");
        assert.equal(provider?.inputs["kubeconfig"], secretMarker, stack);
      }
    },
  );

  test("a bad stack config exits non-zero with the key path and writes nothing", () => {
    const stacks = tempDir("zt-stacks-");
    writeStack(stacks, "broken", {
      cloud: "existing",
      tier: "dev",
      kubernetesVersion: "1.35",
      tenants: [{ name: "", idpGroup: "g" }],
    });
    const out = path.join(tempDir("zt-render-"), "broken");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/render.ts", "--stack", "broken", "--stacks-dir", stacks, "--out", out],
      { cwd: repoRoot, encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /zt-blueprint:tenants\[0\]\.name: got ""; must not be empty/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    assert.equal(fs.existsSync(out), false, "nothing is written for a refused config");
    assert.deepEqual(fs.readdirSync(path.dirname(out)), []);
  });

  test("every shipped stack renders", async () => {
    assert.ok(listStacks().length > 0);
    for (const stack of listStacks()) {
      const result = await renderStack(stack, tempDir(`zt-render-${stack}-`));
      assert.ok(result.resources > 0, stack);
    }
  });
});
