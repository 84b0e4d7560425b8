/**
 * Trivy operator chart values (C-RT-2): every scanner on, the tier's severity threshold, scan jobs
 * restricted (non-root, no privilege, read-only root, no API token, bounded resources), metrics
 * exported. Exported so the render carries them and verify templates the chart with them.
 */
export const severities = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type Severity = (typeof severities)[number];

/** The threshold and everything above it: "HIGH" reports HIGH and CRITICAL. */
export function severitiesFrom(threshold: Severity): Severity[] {
  return severities.slice(severities.indexOf(threshold));
}

export interface TrivyValuesArgs {
  readonly severity: Severity;
  /** An internal mirror of the vulnerability databases, for clusters without internet egress. */
  readonly dbRepository?: string;
  readonly javaDbRepository?: string;
  readonly serviceMonitor: boolean;
}

const nonRoot = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  seccompProfile: { type: "RuntimeDefault" },
};
const locked = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};
const bounded = (cpu: string, memory: string) => ({
  requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "128Mi" },
  limits: { cpu, memory, "ephemeral-storage": "2Gi" },
});

export function trivyOperatorValues(args: TrivyValuesArgs): Record<string, unknown> {
  return {
    operator: {
      vulnerabilityScannerEnabled: true,
      configAuditScannerEnabled: true,
      exposedSecretScannerEnabled: true,
      rbacAssessmentScannerEnabled: true,
      // The node collector needs hostPath mounts, which the pod-security constraint denies.
      infraAssessmentScannerEnabled: false,
      scanJobsConcurrentLimit: 3,
      metricsVulnIdEnabled: true,
    },
    // Every pull is authorised against the registry, even for an image already on the node.
    image: { pullPolicy: "Always" },
    serviceMonitor: { enabled: args.serviceMonitor, labels: { "zt-blueprint.io/scrape": "true" } },
    podSecurityContext: nonRoot,
    securityContext: locked,
    resources: bounded("500m", "512Mi"),
    trivyOperator: {
      scanJobAutomountServiceAccountToken: false,
      scanJobPodTemplatePodSecurityContext: nonRoot,
      scanJobPodTemplateContainerSecurityContext: locked,
    },
    trivy: {
      severity: severitiesFrom(args.severity).join(","),
      ignoreUnfixed: false,
      resources: bounded("1", "1Gi"),
      ...(args.dbRepository ? { dbRepository: args.dbRepository } : {}),
      ...(args.javaDbRepository ? { javaDbRepository: args.javaDbRepository } : {}),
    },
  };
}
