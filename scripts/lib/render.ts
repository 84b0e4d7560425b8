/**
 * The offline render: run the real program for a stack under mocks and write what it would
 * deploy. resources.json (every resource), manifests/ (every Kubernetes object as YAML, one
 * file per component) and summary.md. Output is deterministic and never contains a secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { readClaims } from "../../controls/claims";
import { controls } from "../../controls/catalog";
import { controlsAnnotation } from "../../components/shared/labels";
import { loadConfig, readRawConfig, type PlatformConfig } from "../../infra/config";
import { at, type CapturedResource, type ResourceGraph } from "../../tests/harness/graph";
import { captureStack, readStackFile, repoRoot } from "../../tests/harness/run";

export const secretMarker = "[secret]";

export interface RenderResult {
  readonly outDir: string;
  readonly resources: number;
  readonly manifests: number;
}

export class RenderError extends Error {}

export interface RenderOptions {
  /** Folder holding Pulumi.<stack>.yaml; defaults to the repository's stacks/. */
  readonly stacksDir?: string;
}

export async function renderStack(
  stack: string,
  outDir: string,
  options: RenderOptions = {},
): Promise<RenderResult> {
  const file = readStackFile(stack, options.stacksDir);
  // Validate before anything runs: a bad stack config writes nothing (the error lists every problem).
  const config = loadConfig(readRawConfig(file.config), stack);
  const { graph, error } = await captureStack(
    stack,
    options.stacksDir ? { stacksDir: options.stacksDir } : {},
  );
  if (error) throw error;

  const files = new Map<string, string>();
  files.set("resources.json", `${JSON.stringify(graph.resources.map(toRecord), null, 2)}\n`);
  const manifests = manifestFiles(graph);
  for (const [name, content] of manifests) files.set(path.join("manifests", name), content);
  files.set("summary.md", summary(stack, config, graph));

  assertNoSecretLeaks(graph, files, plainConfigValues(file));
  writeAtomically(outDir, files);
  return { outDir, resources: graph.resources.length, manifests: graph.kubernetesObjects().length };
}

function toRecord(resource: CapturedResource) {
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    parent: resource.parent ?? null,
    provider: resource.provider ?? null,
    inputs: canonical(redact(resource.inputs, resource.secretPaths)),
    secretInputs: resource.secretPaths,
    dependsOn: resource.dependsOn,
  };
}

/**
 * Replaces every secret input by the marker. A secret object keeps its keys (which are not secret,
 * and which schema validation needs, e.g. a Secret's `stringData`) and loses every value.
 */
export function redact(
  inputs: Record<string, unknown>,
  secretPaths: readonly string[],
): Record<string, unknown> {
  const copy = structuredClone(inputs);
  for (const secretPath of secretPaths) {
    if (secretPath === "") return { [secretMarker]: secretMarker };
    const keys = secretPath.split(".");
    const last = keys.pop() as string;
    const holder = keys.length === 0 ? copy : at(copy, keys.join("."));
    if (holder && typeof holder === "object") {
      const record = holder as Record<string, unknown>;
      record[last] = maskLeaves(record[last]);
    }
  }
  return copy;
}

function maskLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskLeaves);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskLeaves(inner)]));
  }
  return secretMarker;
}

const leadingKeys = ["apiVersion", "kind", "metadata", "type", "name", "namespace"];

/** Sorted keys (leading Kubernetes keys first) so the output does not depend on registration order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => {
    const ia = leadingKeys.indexOf(a);
    const ib = leadingKeys.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
}

const kindOrder = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "Role"];

function manifestFiles(graph: ResourceGraph): Map<string, string> {
  const byFile = new Map<string, CapturedResource[]>();
  for (const resource of graph.kubernetesObjects()) {
    const owner = graph.owningComponent(resource);
    const fileName = owner ? `${slug(owner.type)}--${owner.name}.yaml` : "stack.yaml";
    // Appended in place: copying the list per object would be quadratic in a component's objects.
    const inFile = byFile.get(fileName) ?? [];
    inFile.push(resource);
    byFile.set(fileName, inFile);
  }
  const out = new Map<string, string>();
  for (const [fileName, resources] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const docs = resources.map((r) => canonical(redact(r.inputs, r.secretPaths)) as Record<string, unknown>);
    docs.sort((a, b) => rank(a).localeCompare(rank(b)));
    // YAML 1.1, as kubectl and most Kubernetes tooling read it: strings such as "yes" or "on"
    // must be quoted or they turn into booleans.
    out.set(
      fileName,
      docs
        .map((doc) => `---\n${stringify(doc, { lineWidth: 0, sortMapEntries: false, version: "1.1" })}`)
        .join(""),
    );
  }
  return out;
}

function rank(doc: Record<string, unknown>): string {
  const kind = String(doc["kind"]);
  const meta = (doc["metadata"] ?? {}) as Record<string, string>;
  const order = kindOrder.indexOf(kind);
  return `${order === -1 ? 9 : order}|${kind}|${meta["namespace"] ?? ""}|${meta["name"] ?? ""}`;
}

function slug(type: string): string {
  // zt-blueprint:tenancy:TenantNamespace -> tenancy-TenantNamespace
  return type
    .split(":")
    .slice(1)
    .join("-")
    .replace(/[^A-Za-z0-9-]/g, "-");
}

function summary(stack: string, config: PlatformConfig, graph: ResourceGraph): string {
  const lines = [
    `# Offline render: stack \`${stack}\``,
    "",
    `cloud \`${config.cloud}\` · tier \`${config.tier}\` · Kubernetes \`${config.kubernetesVersion}\` · ` +
      `${graph.resources.length} resources · ${graph.kubernetesObjects().length} Kubernetes objects`,
    "",
    "## Resources per component",
    "",
    "| component | resource type | count |",
    "|---|---|---|",
  ];
  const counts = new Map<string, number>();
  for (const resource of graph.resources.filter((r) => r.custom)) {
    const owner = graph.owningComponent(resource);
    const key = `${owner ? `${owner.type} \`${owner.name}\`` : "(stack)"}|${resource.type}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const [component, type] = key.split("|");
    lines.push(`| ${component} | \`${type}\` | ${count} |`);
  }

  const claims = readClaims(repoRoot);
  lines.push(
    "",
    "## Controls",
    "",
    "Objects: Kubernetes objects of this stack annotated as implementing the control. Tests: tests that",
    "claim the control (`npm run controls` shows whether they passed in the last `npm test`).",
    "",
    "| control | title | required | objects in this stack | tests |",
    "|---|---|---|---|---|",
  );
  for (const control of controls) {
    const objects = graph.kubernetesObjects().filter((r) => controlIdsOf(r).includes(control.id)).length;
    const tests = claims.filter((c) => c.controlId === control.id).length;
    lines.push(
      `| ${control.id} | ${control.title} | ${control.required ? "yes" : "option"} | ${objects} | ${tests === 0 ? "not yet" : tests} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function controlIdsOf(resource: CapturedResource): string[] {
  const annotations = (resource.inputs["metadata"] as { annotations?: Record<string, string> } | undefined)
    ?.annotations;
  return (annotations?.[controlsAnnotation] ?? "").split(",").filter(Boolean);
}

/**
 * Defence in depth: no secret input value may appear anywhere in the files we write. A value the
 * stack file itself holds in plain text (a provider may mark e.g. an Azure subscription ID secret)
 * is not revealed by the render, so it does not count.
 */
function assertNoSecretLeaks(
  graph: ResourceGraph,
  files: Map<string, string>,
  plainInConfig: ReadonlySet<string>,
): void {
  const secretValues = graph.resources.flatMap((r) =>
    r.secretPaths.flatMap((p) => leafStrings(p === "" ? r.inputs : at(r.inputs, p))),
  );
  for (const value of secretValues.filter((v) => v.length >= 4 && !plainInConfig.has(v))) {
    for (const [name, content] of files) {
      if (content.includes(value)) throw new RenderError(`a secret input value would be written to ${name}`);
    }
  }
}

function plainConfigValues(file: { config: Record<string, string>; secretKeys: string[] }): Set<string> {
  const values = Object.entries(file.config)
    .filter(([key]) => !file.secretKeys.includes(key))
    .flatMap(([, value]) => {
      try {
        return leafStrings(JSON.parse(value));
      } catch {
        return [value];
      }
    });
  return new Set(values);
}

function leafStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(leafStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(leafStrings);
  return [];
}

function writeAtomically(outDir: string, files: Map<string, string>): void {
  const staging = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const [name, content] of files) {
    const target = path.join(staging, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(staging, outDir);
}
