/**
 * The Gatekeeper chart values the component passes. Exported so the render (resources.json)
 * carries them and `npm run verify` templates the pinned chart with exactly these values.
 */
export interface GatekeeperValuesArgs {
  readonly replicas: number;
  readonly auditIntervalSeconds: number;
  /** Weakens C-ADM-1: requests pass when Gatekeeper is unreachable. dev only. */
  readonly webhookFailOpen: boolean;
  readonly exemptNamespaces: readonly string[];
  /** Namespaces the API server never sends to the webhook (by their immutable name label). */
  readonly webhookExemptNamespaces: readonly string[];
}

export function gatekeeperValues(args: GatekeeperValuesArgs): Record<string, unknown> {
  return {
    replicas: args.replicas,
    auditInterval: args.auditIntervalSeconds,
    disableAudit: false,
    constraintViolationsLimit: 100,
    // The chart's default is Ignore (fail open); the blueprint fails closed unless dev says otherwise.
    validatingWebhookFailurePolicy: args.webhookFailOpen ? "Ignore" : "Fail",
    validatingWebhookTimeoutSeconds: 5,
    // A fail-closed webhook over kube-system deadlocks the cluster when Gatekeeper is down (its
    // own pods, DNS and the CNI cannot be recreated). The `admission.gatekeeper.sh/ignore` label
    // would need someone to label kube-system; `kubernetes.io/metadata.name` is set by the API
    // server on every namespace and cannot be changed, so the chart's NotIn on it exempts exactly
    // these. Upstream: gatekeeper v3.23.1 website/docs/failing-closed.md ("exempting kube-system
    // is a good starting place") and charts/gatekeeper/templates/…-validatingwebhookconfiguration
    // (the release namespace is always added to this list).
    validatingWebhookExemptNamespacesLabels: {
      "kubernetes.io/metadata.name": [...args.webhookExemptNamespaces],
    },
    // No mutation: admission only accepts or rejects, so what is deployed is what was written.
    disableMutation: true,
    emitAdmissionEvents: true,
    emitAuditEvents: true,
    logDenies: true,
    metricsBackends: ["prometheus"],
    enableRuntimeDefaultSeccompProfile: true,
    // Every pull is authorised against the registry, even for an image already on the node.
    image: { pullPolicy: "Always" },
    // The namespace is created and labelled by the component, and the webhook is probed by
    // Pulumi's own readiness checks: no extra hook Jobs with images of their own.
    postInstall: { labelNamespace: { enabled: false }, probeWebhook: { enabled: false } },
    controllerManager: {
      exemptNamespaces: [...args.exemptNamespaces],
      resources: resources("1", "512Mi"),
      securityContext: highUid,
    },
    audit: { resources: resources("1", "512Mi"), securityContext: highUid },
    // The Job that upgrades Gatekeeper's CRDs on chart upgrades.
    crds: { resources: resources("500m", "256Mi") },
  };
}

/** A UID/GID outside the range host users and images commonly take (the image needs none). */
const highUid = { runAsUser: 65532, runAsGroup: 65532 };

function resources(cpuLimit: string, memoryLimit: string) {
  return {
    requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
    limits: { cpu: cpuLimit, memory: memoryLimit, "ephemeral-storage": "512Mi" },
  };
}
