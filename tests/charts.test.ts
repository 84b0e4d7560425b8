/**
 * Charts from a local folder or a mirror (zt-blueprint:charts): every Helm release the program
 * registers takes its chart from the configured source, the local folder is checked against the
 * pins before anything is registered, and a bad folder is refused with the key and the fix.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { chartsInUse } from "../infra/charts";
import { chartUsers, ConfigError } from "../infra/config";
import { runProgram } from "../infra/program";
import { localChartDir, type PinnedChart } from "../components/shared/charts";
import { capture, readStackFile, resolvedStackConfig } from "./harness/run";

const releaseType = "kubernetes:helm.sh/v3:Release";
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zt-charts-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A folder of unpacked charts as `helm pull --untar` leaves them, one per pinned chart. */
function chartFolder(
  name: string,
  charts: readonly PinnedChart[],
  version = (c: PinnedChart) => c.chartVersion,
) {
  const dir = path.join(scratch, name);
  for (const chart of charts) {
    const chartDir = localChartDir(dir, chart);
    fs.mkdirSync(chartDir, { recursive: true });
    fs.writeFileSync(
      path.join(chartDir, "Chart.yaml"),
      `apiVersion: v2\nname: ${chart.chart}\nversion: ${version(chart)}\n`,
    );
  }
  return dir;
}

function run(stack: string, charts: Record<string, unknown>) {
  const { config, secretKeys } = readStackFile(stack);
  return capture(runProgram, {
    stack,
    secretKeys,
    config: { ...config, "zt-blueprint:charts": JSON.stringify(charts) },
  });
}

/** Only the root stack resource exists: not one resource of the blueprint was registered. */
const onlyTheStack = (graph: { resources: readonly { type: string }[] }) =>
  graph.resources.map((r) => r.type);

const inUse = (stack: string) => chartsInUse(chartUsers(resolvedStackConfig(stack)));

for (const stack of ["local", "aws-prod"]) {
  describe(`${stack}: charts.localDir`, () => {
    test("every Helm release installs its chart from the local folder, and each one was checked", async () => {
      const charts = inUse(stack);
      const dir = chartFolder(stack, charts);
      const { graph, error } = await run(stack, { localDir: dir });
      assert.equal(error, undefined);
      const releases = graph.ofType(releaseType);
      assert.ok(releases.length > 0);
      for (const release of releases) {
        assert.equal(release.inputs["repositoryOpts"], undefined, `${release.name} names a repository`);
      }
      // The releases use exactly the folders the pre-registration check looked at: a release the
      // check did not cover would deploy an unchecked folder.
      const used = [...new Set(releases.map((r) => String(r.inputs["chart"])))].sort();
      assert.deepEqual(used, [...new Set(charts.map((c) => localChartDir(dir, c)))].sort());
    });
  });
}

describe("a local chart folder that does not hold the pins is refused before anything is registered", () => {
  test("a missing chart names the key, the chart and where to unpack it", async () => {
    const charts = inUse("local");
    const missing = charts[0]!;
    const dir = chartFolder("missing", charts.slice(1));
    const { graph, error } = await run("local", { localDir: dir });
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /charts\.localDir/);
    assert.ok(error.message.includes(`${missing.chart} ${missing.chartVersion}`), error.message);
    assert.ok(error.message.includes(localChartDir(dir, missing)), error.message);
    assert.deepEqual(onlyTheStack(graph), ["pulumi:pulumi:Stack"]);
  });

  test("a chart of another version is refused unless a dev stack accepts nearest charts", async () => {
    const charts = inUse("local");
    const dir = chartFolder("nearest", charts, (c) => (c.chart === "gatekeeper" ? "0.0.1" : c.chartVersion));
    const refused = await run("local", { localDir: dir });
    assert.ok(refused.error instanceof ConfigError);
    assert.match(refused.error.message, /version 0\.0\.1, not the pinned 3\.23\.1/);
    const accepted = await run("local", { localDir: dir, acceptNearestCharts: true });
    assert.equal(accepted.error, undefined);
    assert.ok(accepted.graph.ofType(releaseType).length > 0);
  });

  test("acceptNearestCharts is refused outside dev and without a local folder", async () => {
    const prod = await run("aws-prod", {
      localDir: chartFolder("prod", inUse("aws-prod")),
      acceptNearestCharts: true,
    });
    assert.ok(prod.error instanceof ConfigError);
    assert.match(prod.error.message, /charts\.acceptNearestCharts/);
    assert.match(prod.error.message, /refused in prod/);
    const mirror = await run("local", {
      repository: "https://charts.internal.example.com",
      acceptNearestCharts: true,
    });
    assert.ok(mirror.error instanceof ConfigError);
    assert.match(mirror.error.message, /applies only to charts\.localDir/);
  });

  test("a folder that does not exist, and a folder together with a mirror, are refused", async () => {
    const none = await run("local", { localDir: path.join(scratch, "does-not-exist") });
    assert.ok(none.error instanceof ConfigError);
    assert.match(none.error.message, /is not a folder/);
    const both = await run("local", { localDir: scratch, repository: "oci://registry.example.com/charts" });
    assert.ok(both.error instanceof ConfigError);
    assert.match(both.error.message, /charts\.repository[\s\S]*cannot be set together with charts\.localDir/);
    assert.deepEqual(onlyTheStack(both.graph), ["pulumi:pulumi:Stack"]);
  });
});

describe("charts.repository: an internal mirror", () => {
  test("an oci:// mirror gives every release an oci chart reference at the pinned version", async () => {
    const { graph, error } = await run("local", { repository: "oci://registry.example.com/charts/" });
    assert.equal(error, undefined);
    for (const release of graph.ofType(releaseType)) {
      assert.match(String(release.inputs["chart"]), /^oci:\/\/registry\.example\.com\/charts\/[a-z-]+$/);
      assert.equal(release.inputs["repositoryOpts"], undefined);
      assert.ok(release.inputs["version"], `${release.name} has no pinned version`);
    }
  });

  test("an https mirror replaces every public repository, with the chart names and versions unchanged", async () => {
    const mirror = "https://charts.internal.example.com";
    const publicRun = await run("local", {});
    const { graph } = await run("local", { repository: mirror });
    const byName = (g: typeof graph) =>
      Object.fromEntries(
        g.ofType(releaseType).map((r) => [r.name, [r.inputs["chart"], r.inputs["version"]]]),
      );
    assert.deepEqual(byName(graph), byName(publicRun.graph));
    for (const release of graph.ofType(releaseType)) {
      assert.deepEqual(release.inputs["repositoryOpts"], { repo: mirror });
    }
    for (const release of publicRun.graph.ofType(releaseType)) {
      assert.notDeepEqual(release.inputs["repositoryOpts"], { repo: mirror });
    }
  });
});
