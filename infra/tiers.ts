/**
 * Environment-tier defaults, in one place. A tier changes enforcement and sizing, never whether
 * a control exists (shared/design.md): every field here is a strength or a size, not an on/off.
 */

export type Tier = "dev" | "staging" | "prod";
export type EnforcementAction = "dryrun" | "warn" | "deny";

export interface TierDefaults {
  /** Gatekeeper enforcementAction for every constraint (C-ADM-6). */
  readonly admissionEnforcement: EnforcementAction;
  /** Availability zones the cloud network spans. */
  readonly availabilityZones: number;
  readonly nodes: { readonly minSize: number; readonly desiredSize: number; readonly maxSize: number };
  /** Days control-plane and admission audit logs are kept (C-RT-4). */
  readonly auditLogRetentionDays: number;
  /** NeuVector's mode for new services, when NeuVector is selected (C-RT-5). */
  readonly neuvectorMode: "Discover" | "Monitor" | "Protect";
  /** Days Prometheus keeps metrics, Gatekeeper's audit results among them (C-RT-4). */
  readonly metricsRetentionDays: number;
  /** Gatekeeper controller replicas (the webhook fails closed, so it must stay available). */
  readonly gatekeeperReplicas: number;
  /** Quota applied to a tenant that does not declare its own (C-TEN-4). */
  readonly tenantQuota: { readonly cpu: string; readonly memory: string; readonly pods: number };
  /** Keycloak sizing and the longest sessions the tier allows (C-ID-1, C-ID-5). */
  readonly identity: {
    readonly keycloakReplicas: number;
    readonly database: "in-cluster" | "managed";
    readonly maxAccessTokenMinutes: number;
    readonly maxSsoSessionIdleMinutes: number;
    readonly maxSsoSessionHours: number;
  };
  /** External Secrets controller and webhook replicas. */
  readonly externalSecretsReplicas: number;
}

export const tierDefaults: Readonly<Record<Tier, TierDefaults>> = {
  dev: {
    admissionEnforcement: "dryrun",
    availabilityZones: 2,
    nodes: { minSize: 1, desiredSize: 2, maxSize: 3 },
    auditLogRetentionDays: 30,
    gatekeeperReplicas: 2,
    metricsRetentionDays: 15,
    neuvectorMode: "Discover",
    tenantQuota: { cpu: "2", memory: "4Gi", pods: 20 },
    identity: {
      keycloakReplicas: 1,
      database: "in-cluster",
      maxAccessTokenMinutes: 15,
      maxSsoSessionIdleMinutes: 60,
      maxSsoSessionHours: 24,
    },
    externalSecretsReplicas: 1,
  },
  staging: {
    admissionEnforcement: "warn",
    availabilityZones: 3,
    nodes: { minSize: 2, desiredSize: 3, maxSize: 6 },
    auditLogRetentionDays: 90,
    gatekeeperReplicas: 2,
    metricsRetentionDays: 30,
    neuvectorMode: "Monitor",
    tenantQuota: { cpu: "4", memory: "8Gi", pods: 40 },
    identity: {
      keycloakReplicas: 2,
      database: "managed",
      maxAccessTokenMinutes: 10,
      maxSsoSessionIdleMinutes: 30,
      maxSsoSessionHours: 12,
    },
    externalSecretsReplicas: 2,
  },
  prod: {
    admissionEnforcement: "deny",
    availabilityZones: 3,
    nodes: { minSize: 3, desiredSize: 3, maxSize: 12 },
    auditLogRetentionDays: 365,
    gatekeeperReplicas: 3,
    metricsRetentionDays: 90,
    neuvectorMode: "Protect",
    tenantQuota: { cpu: "8", memory: "16Gi", pods: 80 },
    identity: {
      keycloakReplicas: 3,
      database: "managed",
      maxAccessTokenMinutes: 5,
      maxSsoSessionIdleMinutes: 30,
      maxSsoSessionHours: 10,
    },
    externalSecretsReplicas: 2,
  },
};
