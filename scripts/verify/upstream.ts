/**
 * Upstream data at the pinned versions, fetched with `go mod download` into .cache/gomod:
 * each project's CRDs (converted to JSON schemas for kubeconform) and its Helm chart (copied
 * to .cache/charts for `helm template`). A module whose Chart.yaml disagrees with the pinned
 * chart version is an error, so the chart we validate is the chart we deploy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { upstream, type UpstreamRelease } from "../../components/versions";
import { crdFiles, writeCrdSchemas } from "./crd-schema";
import { runOrThrow } from "./exec";
import { cacheDir, chartsDir, goModCache, schemasDir } from "./paths";

export const crdSchemasDir = path.join(schemasDir, "crds");
const stampFile = path.join(schemasDir, "upstream.json");

export function moduleDir(release: UpstreamRelease): string {
  fs.mkdirSync(cacheDir, { recursive: true });
  const out = runOrThrow("go", ["mod", "download", "-json", `${release.module}@${release.moduleVersion}`], {
    cwd: cacheDir,
    env: { GOMODCACHE: goModCache, GOFLAGS: "-modcacherw", GO111MODULE: "on" },
  });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

/** The chart version a module really carries; throws when it is not the pinned one. */
export function checkChartVersion(release: UpstreamRelease, dir: string): void {
  if (typeof release.chartDir !== "string") return;
  const chartYaml = path.join(dir, release.chartDir, "Chart.yaml");
  if (!fs.existsSync(chartYaml)) {
    throw new Error(`${release.module}@${release.moduleVersion} has no ${release.chartDir}/Chart.yaml`);
  }
  const carried = String((parseYaml(fs.readFileSync(chartYaml, "utf8")) as { version: unknown }).version);
  if (carried !== release.chartVersion) {
    throw new Error(
      `${release.module}@${release.moduleVersion} carries ${release.chart} chart ${carried}, but ` +
        `components/versions.ts pins chart ${release.chartVersion}; pin the module version that carries it`,
    );
  }
}

export function preparedChartDir(release: UpstreamRelease): string {
  return path.join(chartsDir, `${release.chart}-${release.chartVersion}`);
}

/**
 * Copies the chart out of the read-only module cache. Dependencies that are not vendored in the
 * chart (ESO's optional bitwarden-sdk-server, behind a condition that is off by default) cannot be
 * fetched offline; they are dropped from the copy, and values that switch them on are refused by
 * the helm validator.
 */
function prepareChart(release: UpstreamRelease, dir: string): void {
  if (typeof release.chartDir !== "string") return;
  const target = preparedChartDir(release);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(dir, release.chartDir), target, { recursive: true });
  const chartYaml = path.join(target, "Chart.yaml");
  const chart = parseYaml(fs.readFileSync(chartYaml, "utf8")) as { dependencies?: { name: string }[] };
  const vendored = (name: string) => fs.existsSync(path.join(target, "charts", name));
  const dropped = (chart.dependencies ?? []).filter((d) => !vendored(d.name));
  if (dropped.length > 0) {
    chart.dependencies = (chart.dependencies ?? []).filter((d) => vendored(d.name));
    fs.writeFileSync(chartYaml, stringify(chart));
    fs.rmSync(path.join(target, "Chart.lock"), { force: true });
    fs.writeFileSync(path.join(target, ".zt-dropped-dependencies.json"), JSON.stringify(dropped));
  }
}

export interface PreparedUpstream {
  readonly schemas: string[];
}

/** Fetches and prepares every upstream release once per pin set; later calls reuse the cache. */
export function prepareUpstream(log: (line: string) => void = console.log): PreparedUpstream {
  const pins = JSON.stringify(upstream);
  if (fs.existsSync(stampFile)) {
    const stamp = JSON.parse(fs.readFileSync(stampFile, "utf8")) as { pins: string; schemas: string[] };
    if (stamp.pins === pins) return { schemas: stamp.schemas };
  }
  fs.rmSync(crdSchemasDir, { recursive: true, force: true });
  const schemas: string[] = [];
  for (const [name, release] of Object.entries(upstream) as [string, UpstreamRelease][]) {
    if (!release.module) continue; // nothing to fetch: the chart is reported as not templated
    const started = Date.now();
    const dir = moduleDir(release);
    checkChartVersion(release, dir);
    schemas.push(
      ...writeCrdSchemas(
        release.crds.flatMap((crd) => crdFiles(path.join(dir, crd))),
        crdSchemasDir,
      ),
    );
    prepareChart(release, dir);
    log(
      `upstream ${name}: ${release.module}@${release.moduleVersion} ready in ${Math.round((Date.now() - started) / 1000)}s`,
    );
  }
  fs.mkdirSync(schemasDir, { recursive: true });
  fs.writeFileSync(stampFile, JSON.stringify({ pins, schemas }));
  return { schemas };
}

export function droppedDependencies(release: UpstreamRelease): string[] {
  const file = path.join(preparedChartDir(release), ".zt-dropped-dependencies.json");
  if (!fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { name: string }[]).map((d) => d.name);
}
