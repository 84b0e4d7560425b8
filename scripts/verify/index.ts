/**
 * Runs every validator on one rendered stack (or on a folder of manifests) and returns the table
 * rows: validator → objects checked → failures.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gatorTestCharts } from "./chart-admission";
import { helmTemplate, type HelmRelease } from "./helm";
import {
  checkov,
  gatorVerify,
  istioctlAnalyze,
  kubeScore,
  kubeconform,
  loadSkips,
  opaTest,
  type ValidatorResult,
} from "./validators";

export interface VerifyTarget {
  /** A rendered stack's folder (out/<stack>) or any folder with a manifests/ subfolder. */
  readonly renderDir: string;
  /** Kubernetes minor version the manifests target, e.g. "1.35". */
  readonly kubernetesVersion: string;
  /** Run the repository-wide suites (gator, opa) too; once per run is enough. */
  readonly includeSuites?: boolean;
}

export function manifestFiles(renderDir: string): string[] {
  const dir = path.join(renderDir, "manifests");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Helm releases as the program registers them (kubernetes:helm.sh/v3:Release), from resources.json. */
export function helmReleases(renderDir: string): HelmRelease[] {
  const file = path.join(renderDir, "resources.json");
  if (!fs.existsSync(file)) return [];
  const resources = JSON.parse(fs.readFileSync(file, "utf8")) as {
    type: string;
    inputs: Record<string, unknown>;
  }[];
  return resources
    .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
    .map((r) => ({
      name: text(r.inputs["name"]),
      namespace: text(r.inputs["namespace"]) || "default",
      chart: text(r.inputs["chart"]),
      version: text(r.inputs["version"]),
      values: (r.inputs["values"] ?? {}) as Record<string, unknown>,
    }));
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function verifyRender(target: VerifyTarget): ValidatorResult[] {
  const skips = loadSkips();
  const files = manifestFiles(target.renderDir);
  const helm = helmTemplate(
    helmReleases(target.renderDir),
    target.kubernetesVersion,
    path.join(target.renderDir, "charts"),
  );
  const rows: ValidatorResult[] = [
    kubeconform("kubeconform (our manifests)", files, target.kubernetesVersion),
    istioctlAnalyze("istioctl analyze (Istio objects)", files),
    checkov("checkov (our manifests)", path.join(target.renderDir, "manifests"), skips),
    kubeScore("kube-score (our manifests)", files, target.kubernetesVersion, skips),
    helm.result,
    kubeconform("kubeconform (chart output)", helm.files, target.kubernetesVersion),
    kubeScore("kube-score (chart output)", helm.files, target.kubernetesVersion, skips),
    gatorTestCharts(files, helm.templated, path.join(target.renderDir, "charts")),
  ];
  if (target.includeSuites) rows.push(gatorVerify(), opaTest());
  return rows;
}

export function formatTable(title: string, rows: readonly ValidatorResult[]): string {
  const width = Math.max(...rows.map((r) => r.validator.length), "validator".length);
  const lines = [
    title,
    `  ${"validator".padEnd(width)}  objects  failures`,
    ...rows.map(
      (r) =>
        `  ${r.validator.padEnd(width)}  ${String(r.objects).padStart(7)}  ${String(r.failures.length).padStart(8)}`,
    ),
  ];
  for (const row of rows) {
    for (const failure of row.failures) lines.push(`  FAIL ${row.validator}: ${failure}`);
    for (const note of row.notes ?? []) lines.push(`  note ${row.validator}: ${note}`);
  }
  return lines.join("\n");
}
