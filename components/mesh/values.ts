/**
 * Istio chart values. Exported so the render records exactly what is passed; verify templates
 * the charts with them (from the nearest chart snapshot, see docs/verification.md) and runs the
 * validators and our admission constraints on the output.
 */
import { images } from "../versions";
import type { GatewayServicePort, GatewayServiceType } from "./gateway-services";

export interface IstiodValuesArgs {
  readonly replicas: number;
  /** Workload certificate lifetime (C-MESH-5), e.g. "12h". */
  readonly workloadCertTtl: string;
}

/**
 * Pinned images, pulled on every start (authorised against the registry each time), for every
 * Istio chart; istiod also stamps them into the proxies it injects.
 */
const pinnedImages = { hub: images.istio.hub, tag: images.istio.tag, imagePullPolicy: "Always" };

/**
 * istiod's and the CNI agent's charts create NetworkPolicies for their own pods. Not the gateway
 * chart's: at the templated snapshot it renders duplicate label keys, which the API server's YAML
 * decoding refuses (docs/mesh.md).
 */
const chartNetworkPolicies = { networkPolicy: { enabled: true } };

const runtimeDefaultSeccomp = { type: "RuntimeDefault" };

/** Ephemeral storage requests and limits too, so a log flood cannot evict the node's pods. */
function resources(cpu: [string, string], memory: [string, string]) {
  return {
    requests: { cpu: cpu[0], memory: memory[0], "ephemeral-storage": "64Mi" },
    limits: { cpu: cpu[1], memory: memory[1], "ephemeral-storage": "512Mi" },
  };
}

/** Replicas of one component spread over nodes, so one node's loss leaves the rest serving. */
function spreadOverNodes(labels: Record<string, string>) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } },
        },
      ],
    },
  };
}

export function istiodValues(args: IstiodValuesArgs): Record<string, unknown> {
  const highlyAvailable = args.replicas > 1;
  return {
    pilot: {
      replicaCount: args.replicas,
      autoscaleEnabled: highlyAvailable,
      // The autoscaler may add replicas under load but never drop below what the tier asks for.
      ...(highlyAvailable
        ? { autoscaleMin: args.replicas, affinity: spreadOverNodes({ app: "istiod" }) }
        : {}),
      // Sidecars are set up by the CNI node agent, so tenant pods need no privileged init container.
      cni: { enabled: true },
      env: {
        DEFAULT_WORKLOAD_CERT_TTL: args.workloadCertTtl,
        MAX_WORKLOAD_CERT_TTL: args.workloadCertTtl,
      },
      resources: resources(["200m", "1"], ["512Mi", "1Gi"]),
      // C-ADM-2: our pod-security constraint requires a seccomp profile; the chart sets none.
      seccompProfile: runtimeDefaultSeccomp,
    },
    meshConfig: {
      // C-MESH-3: only hosts in the service registry (Services and declared ServiceEntries) are reachable.
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
      enableAutoMtls: true,
      accessLogFile: "/dev/stdout",
      defaultConfig: { holdApplicationUntilProxyStarts: true },
    },
    global: {
      ...pinnedImages,
      ...chartNetworkPolicies,
      proxy: { privileged: false, holdApplicationUntilProxyStarts: true },
    },
  };
}

/** The CNI node agent (kube-system): chained onto the cluster's CNI plugin. */
export function cniValues(): Record<string, unknown> {
  return {
    cni: { chained: true, resources: resources(["100m", "500m"], ["100Mi", "256Mi"]) },
    global: { ...pinnedImages, ...chartNetworkPolicies },
  };
}

export interface GatewayValuesArgs {
  /** LoadBalancer or NodePort only for the ingress gateway (the service-exposure constraint allows them there). */
  readonly serviceType: GatewayServiceType;
  /** The release name, which the chart uses as the pods' `app` label. */
  readonly name: string;
  /** The Service's ports, from gateway-services.ts; the chart copies them into the Service as given. */
  readonly ports: readonly GatewayServicePort[];
}

/** An ingress or egress gateway: two replicas at least, spread over nodes, never both evicted. */
export function gatewayValues(args: GatewayValuesArgs): Record<string, unknown> {
  return {
    service: { type: args.serviceType, ports: args.ports.map((p) => ({ ...p })) },
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
    podDisruptionBudget: { minAvailable: 1 },
    affinity: spreadOverNodes({ app: args.name }),
    resources: resources(["100m", "2"], ["128Mi", "1Gi"]),
    // Replaces the chart's pod securityContext, so its one setting (unprivileged ports from 0,
    // letting the non-root proxy bind 80/443) is repeated. C-ADM-2 requires the seccomp profile.
    securityContext: {
      sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
      seccompProfile: runtimeDefaultSeccomp,
    },
  };
}
