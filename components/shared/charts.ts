/**
 * Where Helm releases take their charts from. By default each chart comes from its public
 * repository (components/versions.ts chartRepositories). Air-gapped and private clusters point
 * every release at a local folder of unpacked charts or at an internal mirror instead; the
 * pinned chart name and version never change, only the source.
 */
import * as path from "node:path";

export interface ChartSource {
  /**
   * A folder holding each pinned chart unpacked as `<chart>-<version>/` (what `helm pull
   * --untar --untardir <dir>/<chart>-<version>` leaves, one level down). The program checks every
   * chart's Chart.yaml against the pins before it registers anything (infra/charts.ts).
   */
  readonly localDir?: string;
  /**
   * A mirror serving every pinned chart: an https:// Helm repository (index.yaml) or an oci://
   * registry path under which each chart is pushed by its name (`helm push` to oci://host/path).
   */
  readonly repository?: string;
}

export interface PinnedChart {
  readonly chart: string;
  readonly chartVersion: string;
}

/** The Helm Release inputs that pick the chart: chart, version and repository options. */
export interface ReleaseChartInputs {
  readonly chart: string;
  readonly version?: string;
  readonly repositoryOpts?: { readonly repo: string };
}

/** The folder a pinned chart is expected in under `localDir`. */
export function localChartDir(localDir: string, chart: PinnedChart): string {
  return path.resolve(localDir, `${chart.chart}-${chart.chartVersion}`);
}

/**
 * The chart inputs of a release. A local chart is a path (Helm uses a path as is and ignores
 * `version`, so the version is checked against Chart.yaml before registration instead); an OCI
 * mirror is a chart reference `oci://…/<chart>` with the pinned version; an HTTP mirror or the
 * public repository is a repository URL.
 */
export function releaseChart(
  chart: PinnedChart,
  publicRepository: string,
  source: ChartSource = {},
): ReleaseChartInputs {
  if (source.localDir) return { chart: localChartDir(source.localDir, chart) };
  const repository = source.repository ?? publicRepository;
  if (repository.startsWith("oci://")) {
    return { chart: `${repository.replace(/\/+$/, "")}/${chart.chart}`, version: chart.chartVersion };
  }
  return { chart: chart.chart, version: chart.chartVersion, repositoryOpts: { repo: repository } };
}
