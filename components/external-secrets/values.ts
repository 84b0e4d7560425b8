/**
 * Values for the External Secrets Operator chart. The chart's pod defaults already meet the
 * restricted profile (non-root, read-only root, no capabilities, RuntimeDefault seccomp); these
 * values keep them, move the user out of the host's UID range, size the deployments per tier and
 * turn off what the platform does not use: PushSecret would let a workload write into the vault,
 * so only vault → cluster flows remain.
 */
import { restrictedContainer } from "../shared/pod-security";

export interface ExternalSecretsValuesArgs {
  readonly replicas: number;
}

/** distroless "nonroot": high IDs never shared with a host user (kube-score, checkov CKV_K8S_40). */
const nonRootId = 65532;

// The chart renders a security context only when `enabled` is set.
const securityContext = { enabled: true, ...restrictedContainer(nonRootId) };

const resources = (cpu: string, memory: string) => ({
  requests: { cpu, memory, "ephemeral-storage": "64Mi" },
  limits: { cpu: "500m", memory: memory === "128Mi" ? "256Mi" : "128Mi", "ephemeral-storage": "256Mi" },
});

export function externalSecretsValues(args: ExternalSecretsValuesArgs): Record<string, unknown> {
  const ha = args.replicas > 1;
  const podDisruptionBudget = { enabled: ha, minAvailable: 1 };
  const deployment = (cpu: string, memory: string, component: string) => ({
    replicaCount: args.replicas,
    // Replicas on different nodes, so one node failure never takes the webhook or controller down.
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: "kubernetes.io/hostname",
              labelSelector: { matchLabels: { "app.kubernetes.io/name": component } },
            },
          },
        ],
      },
    },
    podDisruptionBudget,
    image: { pullPolicy: "Always" },
    securityContext,
    resources: resources(cpu, memory),
  });
  return {
    installCRDs: true,
    crds: { createPushSecret: false, createClusterPushSecret: false },
    processPushSecret: false,
    processClusterPushSecret: false,
    ...deployment("50m", "128Mi", "external-secrets"),
    // Several replicas need one leader, or they would all reconcile the same secrets.
    leaderElect: ha,
    livenessProbe: { enabled: true },
    webhook: deployment("20m", "64Mi", "external-secrets-webhook"),
    certController: deployment("20m", "64Mi", "external-secrets-cert-controller"),
  };
}
