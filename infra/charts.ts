/**
 * The charts a stack's releases use, and the check that a local chart folder really holds them.
 * Helm takes a local chart path as is and never compares its version with anything, so without
 * this check a stale or wrong folder would be deployed silently. It runs inside loadConfig, before
 * any resource is registered, and reports through the same ConfigError as every other key.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { localChartDir, type PinnedChart } from "../components/shared/charts";
import { upstream, type UpstreamRelease } from "../components/versions";
import type { ConfigProblem } from "./config-rules";

/** What chartsInUse needs to know about the stack: which add-ons register a release. */
export interface ChartUsers {
  readonly mesh: boolean;
  readonly admission: boolean;
  readonly signatures: boolean;
  readonly falco: boolean;
  readonly neuvector: boolean;
  readonly scanning: boolean;
  readonly monitoring: boolean;
  readonly externalSecrets: boolean;
}

/** Every pinned chart the stack's enabled add-ons install (each once). */
export function chartsInUse(users: ChartUsers): readonly UpstreamRelease[] {
  return [
    ...(users.mesh ? [upstream.istioBase, upstream.istioCni, upstream.istio, upstream.istioGateway] : []),
    ...(users.admission ? [upstream.gatekeeper] : []),
    ...(users.signatures ? [upstream.policyController] : []),
    ...(users.falco ? [upstream.falco] : []),
    ...(users.neuvector ? [upstream.neuvector] : []),
    ...(users.scanning ? [upstream.trivyOperator] : []),
    ...(users.monitoring ? [upstream.kubePrometheusStack] : []),
    ...(users.externalSecrets ? [upstream.externalSecrets] : []),
  ];
}

export interface LocalChartCheck {
  readonly problems: readonly ConfigProblem[];
  /** Accepted differences (acceptNearestCharts), for the program to log. */
  readonly warnings: readonly string[];
}

const localDirPath = ["charts", "localDir"];

/** Checks that `<localDir>/<chart>-<version>/Chart.yaml` exists and names the pinned chart. */
export function checkLocalCharts(
  localDir: string,
  charts: readonly PinnedChart[],
  acceptNearestCharts: boolean,
): LocalChartCheck {
  if (!isDirectory(localDir)) {
    return {
      problems: [
        { path: localDirPath, message: `"${localDir}" is not a folder; point it at the unpacked charts` },
      ],
      warnings: [],
    };
  }
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  for (const chart of charts) {
    const dir = localChartDir(localDir, chart);
    const file = path.join(dir, "Chart.yaml");
    const found = readChartYaml(file);
    const want = `${chart.chart} ${chart.chartVersion}`;
    if (!found) {
      problems.push({
        path: localDirPath,
        message: `has no chart ${want} (expected ${file}); unpack it there, e.g. \`helm pull <repo>/${chart.chart} --version ${chart.chartVersion} --untar --untardir <tmp>\` and move <tmp>/${chart.chart} to ${dir}`,
      });
    } else if (found.name !== chart.chart) {
      problems.push({
        path: localDirPath,
        message: `${file} names chart "${found.name}", not the pinned "${chart.chart}"`,
      });
    } else if (found.version !== chart.chartVersion) {
      const difference = `${file} is version ${found.version}, not the pinned ${chart.chartVersion}`;
      if (acceptNearestCharts) warnings.push(`${difference} (accepted: charts.acceptNearestCharts)`);
      else
        problems.push({
          path: localDirPath,
          message: `${difference}; unpack the pinned version (or, in dev, set charts.acceptNearestCharts)`,
        });
    }
  }
  return { problems, warnings };
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function readChartYaml(file: string): { name: string; version: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const doc = parse(text) as { name?: unknown; version?: unknown } | null;
  const field = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : "";
  return { name: field(doc?.name), version: field(doc?.version) };
}
