/**
 * Mesh: Istio (sidecar mode) from its pinned charts: base, the CNI node agent (so workloads need no
 * privileged init container), istiod, an ingress and an egress gateway, each in its own namespace.
 * On top: STRICT mTLS mesh-wide (C-MESH-1), allow-nothing authorization (C-MESH-2), REGISTRY_ONLY
 * egress with platform-wide ServiceEntries (C-MESH-3), and explicit short workload certificates
 * (C-MESH-5). Tenants add their own policies (components/tenant/mesh.ts).
 *
 * Root CA: by default istiod's self-signed root (simple, but the root key lives in the cluster and
 * another cluster cannot trust it). With `rootCa: plugged-in`, istiod signs with the intermediate
 * you place in the istio-system/cacerts Secret (roots stay offline, multi-cluster trust works); the
 * Secret must exist before istiod starts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import { controlAnnotations, managedByLabel, podSecurityLabels } from "../shared/labels";
import { chartRepositories, podSecurityStandardVersion, upstream } from "../versions";
import { namespacePolicies } from "../shared/platform-namespace";
import {
  egressGatewayAuthorization,
  ingressGatewayAuthorization,
  type EgressDeclaration,
} from "./gateway-authorization";
import { egressServicePorts, ingressServicePorts } from "./gateway-services";
import { egressGateway, egressGatewayMtls, egressRoutes, publicGateway } from "./gateways";
import { egressGatewayPolicies, ingressGatewayPolicies } from "./network-policies";
import { allowNothing, istioRootNamespace, strictPeerAuthentication } from "./policies";
import { cniValues, gatewayValues, istiodValues } from "./values";
import { releaseChart, type ChartSource } from "../shared/charts";

export { istioRootNamespace, spiffePrincipal } from "./policies";
export type { EgressDeclaration } from "./gateway-authorization";

export const ingressNamespace = "istio-ingress";
export const egressNamespace = "istio-egress";

export interface MeshArgs {
  /** Where the Helm charts come from (public repositories unless set; components/shared/charts.ts). */
  readonly charts?: ChartSource;
  readonly cluster: ClusterHandle;
  readonly istiodReplicas: number;
  /** Workload certificate lifetime, e.g. "12h" (C-MESH-5). */
  readonly workloadCertTtl: string;
  readonly rootCa: "istiod-self-signed" | "plugged-in";
  /** External hosts every workload may reach (platform-wide ServiceEntries). */
  readonly egressHosts: readonly string[];
  /**
   * Every external host of the platform and its tenants, with the namespaces that declared it: each
   * host is routed through the egress gateway, which admits only those namespaces for it.
   */
  readonly egressDeclarations?: readonly EgressDeclaration[];
  /** Route external traffic through the egress gateway. */
  readonly egressThroughGateway: boolean;
  /** Hosts the public ingress gateway serves (from tenants' ingress routes). */
  readonly ingressHosts: readonly string[];
  /** The ingress gateway's Service: LoadBalancer on a cloud, NodePort (fixed ports) on kind. */
  readonly ingressServiceType?: "LoadBalancer" | "NodePort";
  /** Secret in istio-ingress holding the ingress certificate (the secrets component can supply it). */
  readonly ingressTlsSecret: string;
  /** Weakens C-MESH-1: narrow, reasoned per-port PERMISSIVE exceptions (refused in prod without a key). */
  readonly permissivePorts?: readonly {
    readonly namespace: string;
    readonly workloadLabels: Readonly<Record<string, string>>;
    readonly port: number;
    readonly reason: string;
  }[];
}

export class Mesh extends pulumi.ComponentResource {
  readonly ready: pulumi.Resource;

  constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:mesh:Mesh", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };
    const ns = (namespace: string) =>
      new k8s.core.v1.Namespace(
        `${name}-${namespace}`,
        {
          metadata: {
            name: namespace,
            labels: { ...managedByLabel, ...podSecurityLabels("restricted", podSecurityStandardVersion) },
            annotations: controlAnnotations("C-MESH-1"),
          },
        },
        child,
      );
    const system = ns(istioRootNamespace);
    const ingress = ns(ingressNamespace);
    const egress = ns(egressNamespace);
    namespacePolicies(`${name}-ingress`, ingress.metadata.name, "C-MESH-6", ingressGatewayPolicies(), child);
    namespacePolicies(`${name}-egress`, egress.metadata.name, "C-MESH-3", egressGatewayPolicies(), child);

    const release = (
      id: string,
      chart: { chart: string; chartVersion: string },
      namespace: pulumi.Input<string>,
      values: Record<string, unknown>,
      dependsOn: pulumi.Resource[] = [],
    ) =>
      new k8s.helm.v3.Release(
        `${name}-${id}`,
        {
          name: id,
          ...releaseChart(chart, chartRepositories.istio, args.charts),
          namespace,
          createNamespace: false,
          atomic: true,
          cleanupOnFail: true,
          values,
        },
        { ...child, dependsOn },
      );

    const ingressServiceType = args.ingressServiceType ?? "LoadBalancer";
    const base = release("istio-base", upstream.istioBase, system.metadata.name, {});
    // The CNI agent runs in kube-system (a node agent, exempt as a system namespace).
    const cni = release("istio-cni", upstream.istioCni, "kube-system", cniValues(), [base]);
    const istiod = release(
      "istiod",
      upstream.istio,
      system.metadata.name,
      istiodValues({ replicas: args.istiodReplicas, workloadCertTtl: args.workloadCertTtl }),
      [base, cni],
    );
    release(
      "istio-ingressgateway",
      upstream.istioGateway,
      ingress.metadata.name,
      gatewayValues({
        name: "istio-ingressgateway",
        serviceType: ingressServiceType,
        ports: ingressServicePorts(ingressServiceType),
      }),
      [istiod],
    );
    release(
      "istio-egressgateway",
      upstream.istioGateway,
      egress.metadata.name,
      gatewayValues({ name: "istio-egressgateway", serviceType: "ClusterIP", ports: egressServicePorts() }),
      [istiod],
    );

    const custom = (
      id: string,
      object: { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: unknown },
      controls: string[],
      annotations: Record<string, string> = {},
    ) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${id}`,
        {
          ...object,
          metadata: {
            ...object.metadata,
            labels: managedByLabel,
            annotations: {
              ...annotations,
              ...controlAnnotations(...controls),
              ...(args.rootCa === "plugged-in"
                ? { "zt-blueprint.io/root-ca": "plugged-in (istio-system/cacerts)" }
                : {}),
            },
          },
        },
        { ...child, dependsOn: [istiod] },
      );
    custom("strict-mtls", strictPeerAuthentication(), ["C-MESH-1", "C-MESH-5"]);
    this.ready = custom("allow-nothing", allowNothing(), ["C-MESH-2"]);
    if (args.ingressHosts.length > 0) {
      custom("public-gateway", publicGateway(args.ingressHosts, args.ingressTlsSecret), ["C-MESH-6"]);
      custom("authz-ingress-gateway", ingressGatewayAuthorization(), ["C-MESH-2", "C-MESH-6"]);
    }
    const declarations = args.egressDeclarations ?? [];
    const externalHosts = [...new Set([...args.egressHosts, ...declarations.map((d) => d.host)])].sort();
    if (args.egressThroughGateway && externalHosts.length > 0) {
      custom("gateway-egress", egressGateway(externalHosts), ["C-MESH-3"]);
      custom("destinationrule-egress-gateway", egressGatewayMtls(externalHosts), ["C-MESH-1", "C-MESH-3"]);
      for (const route of egressRoutes(externalHosts))
        custom(`virtualservice-${route.metadata.name}`, route, ["C-MESH-3"]);
      custom("authz-egress-gateway", egressGatewayAuthorization(declarations), ["C-MESH-2", "C-MESH-3"]);
    }
    (args.permissivePorts ?? []).forEach((exemption, i) =>
      custom(
        `permissive-port-${i}`,
        {
          apiVersion: "security.istio.io/v1",
          kind: "PeerAuthentication",
          metadata: { name: `permissive-port-${exemption.port}`, namespace: exemption.namespace },
          spec: {
            selector: { matchLabels: { ...exemption.workloadLabels } },
            mtls: { mode: "STRICT" },
            portLevelMtls: { [String(exemption.port)]: { mode: "PERMISSIVE" } },
          },
        },
        ["C-MESH-1"],
        { "zt-blueprint.io/mtls-exemption-reason": exemption.reason },
      ),
    );
    args.egressHosts.forEach((host, i) =>
      custom(
        `egress-${i}`,
        {
          apiVersion: "networking.istio.io/v1",
          kind: "ServiceEntry",
          metadata: { name: `platform-egress-${i}`, namespace: egressNamespace },
          spec: {
            hosts: [host],
            location: "MESH_EXTERNAL",
            resolution: "DNS",
            ports: [{ number: 443, name: "tls", protocol: "TLS" }],
            exportTo: ["*"],
          },
        },
        ["C-MESH-3"],
      ),
    );
    this.registerOutputs({ rootNamespace: istioRootNamespace, ingressNamespace, egressNamespace });
  }
}
