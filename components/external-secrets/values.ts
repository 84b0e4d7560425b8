/**
 * Values for the External Secrets Operator chart. The chart's pod defaults already meet the
 * restricted profile (non-root, read-only root, no capabilities, RuntimeDefault seccomp); these
 * values keep them, size the deployments per tier and turn off what the platform does not use:
 * PushSecret would let a workload write into the vault, so only vault → cluster flows remain.
 */
export interface ExternalSecretsValuesArgs {
  readonly replicas: number;
}

export function externalSecretsValues(args: ExternalSecretsValuesArgs): Record<string, unknown> {
  const ha = args.replicas > 1;
  const podDisruptionBudget = { enabled: ha, minAvailable: 1 };
  return {
    installCRDs: true,
    crds: { createPushSecret: false, createClusterPushSecret: false },
    processPushSecret: false,
    processClusterPushSecret: false,
    replicaCount: args.replicas,
    // Several replicas need one leader, or they would all reconcile the same secrets.
    leaderElect: ha,
    podDisruptionBudget,
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    webhook: {
      replicaCount: args.replicas,
      podDisruptionBudget,
      resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    },
    certController: {
      replicaCount: 1,
      resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    },
  };
}
