/**
 * Istio chart values. Exported so the render records exactly what is passed (the release charts
 * cannot be templated offline; see docs/verification.md).
 */
export interface IstiodValuesArgs {
  readonly replicas: number;
  /** Workload certificate lifetime (C-MESH-5), e.g. "12h". */
  readonly workloadCertTtl: string;
}

export function istiodValues(args: IstiodValuesArgs): Record<string, unknown> {
  return {
    pilot: {
      replicaCount: args.replicas,
      autoscaleEnabled: args.replicas > 1,
      // Sidecars are set up by the CNI node agent, so tenant pods need no privileged init container.
      cni: { enabled: true },
      env: {
        DEFAULT_WORKLOAD_CERT_TTL: args.workloadCertTtl,
        MAX_WORKLOAD_CERT_TTL: args.workloadCertTtl,
      },
      resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    },
    meshConfig: {
      // C-MESH-3: only hosts in the service registry (Services and declared ServiceEntries) are reachable.
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
      enableAutoMtls: true,
      accessLogFile: "/dev/stdout",
      defaultConfig: { holdApplicationUntilProxyStarts: true },
    },
    global: { proxy: { privileged: false, holdApplicationUntilProxyStarts: true } },
  };
}
