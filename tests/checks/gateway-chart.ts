/**
 * A gateway's Service and pods as the cluster would run them. Preferably from the gateway chart
 * itself, templated offline with exactly the values the program passes (scripts/verify/helm.ts;
 * the chart is the declared nearest chart of components/versions.ts, whose gateway templates
 * match release-1.31's). Without helm and the chart, from the values alone: the chart copies
 * `service.type` and `service.ports` into the Service as given, labels its pods
 * app=<release> and istio=<release without "istio-">, and uses `securityContext` as the pod's
 * securityContext when set (istio/istio@release-1.31 manifests/charts/gateway/templates/
 * service.yaml, deployment.yaml, _helpers.tpl). The view says which it was read from.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { upstream } from "../../components/versions";
import { helmTemplate, type HelmRelease } from "../../scripts/verify/helm";
import { goToolPath } from "../../scripts/verify/tools";
import { preparedNearestChartDir } from "../../scripts/verify/upstream";
import { at, type ResourceGraph } from "../harness/graph";
import type { GatewayView, ServicePort } from "./gateway-flows";
import type { Labels } from "./policy-semantics";

const releaseType = "kubernetes:helm.sh/v3:Release";

export function gatewayRelease(graph: ResourceGraph, name: string): HelmRelease {
  const release = graph.ofType(releaseType).find((r) => r.inputs["name"] === name);
  if (!release) throw new Error(`no Helm release ${name} in the captured graph`);
  return {
    name,
    namespace: String(release.inputs["namespace"]),
    chart: String(release.inputs["chart"]),
    version: String(release.inputs["version"]),
    values: (release.inputs["values"] ?? {}) as Record<string, unknown>,
  };
}

type Sysctl = { name: string; value: string };
const unprivilegedPortStart = (sysctls: unknown): number =>
  Number(
    ((sysctls ?? []) as Sysctl[]).find((s) => s.name === "net.ipv4.ip_unprivileged_port_start")?.value ??
      1024,
  );

/** The view from the values the program passes, following the chart's templates (see above). */
export function gatewayFromValues(release: HelmRelease): GatewayView {
  const values = release.values;
  return {
    serviceName: release.name,
    serviceType: String(at(values, "service.type")),
    ports: (at(values, "service.ports") ?? []) as ServicePort[],
    pod: {
      namespace: release.namespace,
      labels: { app: release.name, istio: release.name.replace(/^istio-/, "") },
    },
    unprivilegedPortStart: unprivilegedPortStart(at(values, "securityContext.sysctls")),
    readFrom: `values of release ${release.name}`,
  };
}

/** Why the chart cannot be templated here, or undefined when it can. */
export function chartUnavailable(): string | undefined {
  const nearest = upstream.istioGateway.nearestChart;
  const missing = [
    ...(fs.existsSync(goToolPath("helm")) ? [] : [goToolPath("helm")]),
    ...(fs.existsSync(preparedNearestChartDir(upstream.istioGateway, nearest))
      ? []
      : [preparedNearestChartDir(upstream.istioGateway, nearest)]),
  ];
  return missing.length > 0
    ? `not present: ${missing.join(", ")} (npm run tools, then npm run verify)`
    : undefined;
}

/** The view from the chart's own rendered Service and Deployment. */
export function gatewayFromChart(release: HelmRelease, kubernetesVersion = "1.35"): GatewayView {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-gateway-chart-"));
  try {
    const out = helmTemplate([release], kubernetesVersion, workDir);
    const file = out.templated[0]?.file;
    if (!file) throw new Error(`helm template failed: ${out.result.failures.join("; ")}`);
    const objects = parseAllDocuments(fs.readFileSync(file, "utf8")).map(
      (d) => d.toJSON() as Record<string, unknown>,
    );
    const of = (kind: string) =>
      objects.find((o) => o?.["kind"] === kind && at(o, "metadata.name") === release.name);
    const service = of("Service");
    const deployment = of("Deployment");
    if (!service || !deployment)
      throw new Error(`the chart rendered no Service or Deployment ${release.name}`);
    return {
      serviceName: release.name,
      serviceType: String(at(service, "spec.type")),
      ports: (at(service, "spec.ports") ?? []) as ServicePort[],
      pod: {
        namespace: String(at(service, "metadata.namespace")),
        labels: (at(deployment, "spec.template.metadata.labels") ?? {}) as Labels,
      },
      unprivilegedPortStart: unprivilegedPortStart(
        at(deployment, "spec.template.spec.securityContext.sysctls"),
      ),
      readFrom: `the ${release.chart} chart's rendered Service and Deployment (${upstream.istioGateway.nearestChart.module}@${upstream.istioGateway.nearestChart.version})`,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
