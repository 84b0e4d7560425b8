/**
 * Upstream data at the pinned versions, fetched with `go mod download` into .cache/gomod:
 * each project's CRDs (converted to JSON schemas for kubeconform) and its Helm chart (copied
 * to .cache/charts for `helm template`). A module whose Chart.yaml disagrees with the pinned
 * chart version is an error, so the chart we validate is the chart we deploy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { upstream, type NearestChart, type UpstreamRelease } from "../../components/versions";
import { crdFiles, writeCrdSchemas } from "./crd-schema";
import { runOrThrow } from "./exec";
import { cacheDir, chartsDir, goModCache, schemasDir } from "./paths";

export const crdSchemasDir = path.join(schemasDir, "crds");
const stampFile = path.join(schemasDir, "upstream.json");

export function moduleDir(release: UpstreamRelease): string {
  return downloadModule(`${release.module}@${release.moduleVersion}`);
}

function downloadModule(moduleAtVersion: string): string {
  fs.mkdirSync(cacheDir, { recursive: true });
  const out = runOrThrow("go", ["mod", "download", "-json", moduleAtVersion], {
    cwd: cacheDir,
    env: { GOMODCACHE: goModCache, GOFLAGS: "-modcacherw", GO111MODULE: "on" },
  });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

function chartYamlVersion(moduleAtVersion: string, chartYaml: string, chartDir: string): string {
  if (!fs.existsSync(chartYaml)) throw new Error(`${moduleAtVersion} has no ${chartDir}/Chart.yaml`);
  return String((parseYaml(fs.readFileSync(chartYaml, "utf8")) as { version: unknown }).version);
}

/** The chart version a module really carries; throws when it is not the pinned one. */
export function checkChartVersion(release: UpstreamRelease, dir: string): void {
  if (typeof release.chartDir !== "string") return;
  const moduleAtVersion = `${release.module}@${release.moduleVersion}`;
  const carried = chartYamlVersion(
    moduleAtVersion,
    path.join(dir, release.chartDir, "Chart.yaml"),
    release.chartDir,
  );
  if (carried !== release.chartVersion) {
    throw new Error(
      `${moduleAtVersion} carries ${release.chart} chart ${carried}, but ` +
        `components/versions.ts pins chart ${release.chartVersion}; pin the module version that carries it`,
    );
  }
}

/**
 * The one place the chart-version check gives way: a declared nearestChart must carry the chart
 * version it declares (never the pinned one, which would make the substitution needless).
 */
export function checkNearestChartVersion(release: UpstreamRelease, nearest: NearestChart, dir: string): void {
  const moduleAtVersion = `${nearest.module}@${nearest.version}`;
  const carried = chartYamlVersion(
    moduleAtVersion,
    path.join(dir, nearest.chartDir, "Chart.yaml"),
    nearest.chartDir,
  );
  if (carried !== nearest.chartVersion) {
    throw new Error(
      `${moduleAtVersion} carries ${release.chart} chart ${carried}, but its nearestChart in ` +
        `components/versions.ts declares ${nearest.chartVersion}`,
    );
  }
  if (carried === release.chartVersion) {
    throw new Error(
      `${moduleAtVersion} carries the pinned ${release.chart} chart ${carried}: make it chartDir, not nearestChart`,
    );
  }
}

export function preparedChartDir(release: UpstreamRelease): string {
  return path.join(chartsDir, `${release.chart}-${release.chartVersion}`);
}

/** Kept apart from preparedChartDir so a stand-in can never be mistaken for the pinned chart. */
export function preparedNearestChartDir(release: UpstreamRelease, nearest: NearestChart): string {
  return path.join(chartsDir, `${release.chart}-nearest-${nearest.chartVersion}-${nearest.version}`);
}

/** The UTC date a module pseudo-version (v0.0.0-yyyymmddhhmmss-commit) was committed. */
export function snapshotDate(version: string): string {
  const stamp = /-(\d{4})(\d{2})(\d{2})\d{6}-[0-9a-f]{12}$/.exec(version);
  if (!stamp) throw new Error(`${version} is not a module pseudo-version`);
  return `${stamp[1]}-${stamp[2]}-${stamp[3]}`;
}

/**
 * Copies the chart out of the read-only module cache. Dependencies that are not vendored in the
 * chart (ESO's optional bitwarden-sdk-server, behind a condition that is off by default) cannot be
 * fetched offline; they are dropped from the copy, and values that switch them on are refused by
 * the helm validator.
 */
function prepareChart(source: string, target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, { recursive: true });
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
    if (release.module) {
      const started = Date.now();
      const dir = moduleDir(release);
      checkChartVersion(release, dir);
      schemas.push(
        ...writeCrdSchemas(
          release.crds.flatMap((crd) => crdFiles(path.join(dir, crd))),
          crdSchemasDir,
        ),
      );
      if (typeof release.chartDir === "string")
        prepareChart(path.join(dir, release.chartDir), preparedChartDir(release));
      log(
        `upstream ${name}: ${release.module}@${release.moduleVersion} ready in ${Math.round((Date.now() - started) / 1000)}s`,
      );
    }
    const nearest = release.nearestChart;
    if (nearest) {
      const dir = downloadModule(`${nearest.module}@${nearest.version}`);
      checkNearestChartVersion(release, nearest, dir);
      prepareChart(path.join(dir, nearest.chartDir), preparedNearestChartDir(release, nearest));
      log(
        `upstream ${name}: NEAREST CHART, not the pinned ${release.chart} ${release.chartVersion}: ` +
          `${nearest.module}@${nearest.version} ${nearest.chartDir} (chart ${nearest.chartVersion}, snapshot of ${snapshotDate(nearest.version)})`,
      );
    }
  }
  fs.mkdirSync(schemasDir, { recursive: true });
  fs.writeFileSync(stampFile, JSON.stringify({ pins, schemas }));
  return { schemas };
}

export function droppedDependencies(chartDir: string): string[] {
  const file = path.join(chartDir, ".zt-dropped-dependencies.json");
  if (!fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { name: string }[]).map((d) => d.name);
}
