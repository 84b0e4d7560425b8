/**
 * `helm template` of every Helm release the program registers, offline, from the pinned chart
 * (or, where components/versions.ts declares one, its nearestChart) with exactly the values the
 * component passes. The rendered objects go on to kubeconform, kube-score and the gator step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { upstream, type NearestChart, type UpstreamRelease } from "../../components/versions";
import { cacheDir } from "./paths";
import { goToolPath } from "./tools";
import { droppedDependencies, preparedChartDir, preparedNearestChartDir, snapshotDate } from "./upstream";
import { offline, type ValidatorResult } from "./validators";

export interface HelmRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  readonly values: Record<string, unknown>;
}

export interface TemplatedChart {
  readonly release: HelmRelease;
  /** The chart's rendered objects. */
  readonly file: string;
}

export interface HelmOutput {
  readonly result: ValidatorResult;
  /** Files holding each chart's rendered objects, for kubeconform and kube-score. */
  readonly files: string[];
  readonly templated: TemplatedChart[];
}

const helmEnv = () => ({
  HELM_CACHE_HOME: path.join(cacheDir, "helm", "cache"),
  HELM_CONFIG_HOME: path.join(cacheDir, "helm", "config"),
  HELM_DATA_HOME: path.join(cacheDir, "helm", "data"),
});

/** Says, on every run, which chart stood in for the pinned one; the reader must not miss it. */
export function nearestChartNote(label: string, release: UpstreamRelease, nearest: NearestChart): string {
  return (
    `${label}: templated from the NEAREST CHART, not the ${release.chart} ${release.chartVersion} release: ` +
    `${nearest.module}@${nearest.version} ${nearest.chartDir}, the ${nearest.branch} snapshot of ` +
    `${snapshotDate(nearest.version)} (chart version ${nearest.chartVersion}); ${nearest.reason}`
  );
}

export const nearestChartCaveat =
  "a nearest chart proves our values pass that snapshot's values schema and templates and that the objects " +
  "it renders pass the validators below; it does not prove the pinned release's templates accept the same " +
  "values or render the same objects (docs/verification.md)";

type ChartSource = { dir: string; note?: string } | { unavailable: string };

/** Where the offline copy of a pinned chart is: its own, or its declared nearest chart. */
export function chartSource(label: string, pinned: UpstreamRelease): ChartSource {
  if (typeof pinned.chartDir === "string") return { dir: preparedChartDir(pinned) };
  const nearest = pinned.nearestChart;
  if (!nearest) return { unavailable: pinned.chartDir.unavailable };
  return { dir: preparedNearestChartDir(pinned, nearest), note: nearestChartNote(label, pinned, nearest) };
}

export function helmTemplate(
  releases: readonly HelmRelease[],
  kubernetesVersion: string,
  workDir: string,
): HelmOutput {
  const failures: string[] = [];
  const notes: string[] = [];
  const templated: TemplatedChart[] = [];
  let nearestChartUsed = false;
  const byChart = new Map<string, UpstreamRelease>(Object.values(upstream).map((u) => [u.chart, u]));
  for (const release of releases) {
    const pinned = byChart.get(release.chart);
    const label = `Release ${release.namespace}/${release.name} (${release.chart} ${release.version})`;
    if (!pinned) {
      failures.push(`${label}: chart is not pinned in components/versions.ts upstream`);
      continue;
    }
    if (pinned.chartVersion !== release.version) {
      failures.push(`${label}: version differs from the pinned chart ${pinned.chartVersion}`);
      continue;
    }
    const source = chartSource(label, pinned);
    if ("unavailable" in source) {
      notes.push(`${label}: not templated; ${source.unavailable}`);
      continue;
    }
    if (source.note) {
      notes.push(source.note);
      nearestChartUsed = true;
    }
    const enabledDropped = droppedDependencies(source.dir).filter(
      (dep) => (release.values[dep] as { enabled?: unknown } | undefined)?.enabled === true,
    );
    if (enabledDropped.length > 0) {
      failures.push(
        `${label}: values enable ${enabledDropped.join(", ")}, a dependency that cannot be had offline`,
      );
      continue;
    }
    fs.mkdirSync(workDir, { recursive: true });
    const valuesFile = path.join(workDir, `${release.name}.values.json`);
    fs.writeFileSync(valuesFile, JSON.stringify(release.values, null, 2));
    const result = offline(
      goToolPath("helm"),
      [
        "template",
        release.name,
        source.dir,
        "--namespace",
        release.namespace,
        "--values",
        valuesFile,
        "--kube-version",
        kubernetesVersion,
        "--include-crds",
      ],
      helmEnv(),
    );
    if (result.status !== 0) {
      failures.push(`${label}: helm template failed: ${result.stderr.trim()}`);
      continue;
    }
    const out = path.join(workDir, `${release.name}.yaml`);
    fs.writeFileSync(out, result.stdout);
    templated.push({ release, file: out });
  }
  if (nearestChartUsed) notes.push(nearestChartCaveat);
  return {
    result: { validator: "helm template (upstream charts)", objects: releases.length, failures, notes },
    files: templated.map((t) => t.file),
    templated,
  };
}
