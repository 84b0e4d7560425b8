/**
 * The Pulumi program: read and validate stack config, build the cluster layer, compose the
 * platform, export outputs. All logic lives in components; this file only wires them.
 */
import * as pulumi from "@pulumi/pulumi";
import { kubeloginUser } from "../components/identity/kubectl-login";
import { ZeroTrustPlatform } from "../components/platform";
import { createCluster } from "./cluster";
import { loadConfig, readRawConfig } from "./config";
import { identityProviderArgs } from "./identity";
import { tierDefaults } from "./tiers";

export async function runProgram(): Promise<Record<string, unknown>> {
  const stackName = pulumi.getStack();
  // Validation comes first: a bad stack file must fail before any resource is registered.
  const config = loadConfig(readRawConfig(pulumi.runtime.allConfig()), stackName);
  for (const warning of config.charts.warnings) void pulumi.log.warn(warning);
  const cluster = await createCluster(config, stackName);
  const platform = new ZeroTrustPlatform("platform", {
    cluster,
    charts: config.charts.source,
    groupsPrefix: config.identity.oidcGroupsPrefix,
    platformAdminsGroup: config.identity.platformAdminsGroup,
    ...(config.identity.platformAdminsEntraGroupObjectId
      ? { platformAdminsRbacGroup: config.identity.platformAdminsEntraGroupObjectId }
      : {}),
    tenants: config.tenants.map((tenant) => ({
      name: tenant.name,
      idpGroup: tenant.idpGroup,
      quota: tenant.quota,
      allowedPeers: tenant.allowedPeers,
      egressHosts: tenant.egressHosts,
      secretPrefix: tenant.secretPrefix,
      ...(tenant.entraGroupObjectId ? { rbacGroup: tenant.entraGroupObjectId } : {}),
      ...(tenant.ingress
        ? {
            ingress: {
              host: tenant.ingress.host,
              service: tenant.ingress.service,
              port: tenant.ingress.port,
              ...(tenant.ingress.endUserAuth && config.identity.oidcIssuerUrl && config.identity.jwksUri
                ? { jwt: { issuer: config.identity.oidcIssuerUrl, jwksUri: config.identity.jwksUri } }
                : {}),
            },
          }
        : {}),
    })),
    ...(config.addons.mesh.enabled
      ? {
          mesh: {
            istiodReplicas: tierDefaults[config.tier].gatekeeperReplicas,
            workloadCertTtl: `${config.addons.mesh.workloadCertTtlHours}h`,
            rootCa: config.addons.mesh.rootCa,
            egressHosts: config.addons.mesh.egressHosts,
            // Who may send each external host's traffic through the egress gateway: the tenant that
            // declared it, or, for a platform-wide host, every tenant. Not Keycloak: its Sidecar and
            // NetworkPolicy reach only its namespace, istiod and its database, so a grant at the
            // gateway would admit a path that does not exist (least privilege).
            egressDeclarations: [
              ...config.addons.mesh.egressHosts.map((host) => ({
                host,
                namespaces: config.tenants.map((t) => t.name),
              })),
              ...config.tenants.flatMap((t) => t.egressHosts.map((host) => ({ host, namespaces: [t.name] }))),
            ],
            // Every tier: tenant NetworkPolicies allow egress only to the egress gateway, so direct
            // sidecar-to-internet traffic would be blocked anyway; one path everywhere.
            egressThroughGateway: true,
            ingressHosts: [
              ...(config.addons.identityProvider.enabled ? [config.addons.identityProvider.hostname] : []),
              ...config.tenants.flatMap((t) => (t.ingress ? [t.ingress.host] : [])),
            ],
            ingressTlsSecret: "ingress-tls",
            ingressServiceType: config.addons.mesh.ingressServiceType,
            permissivePorts: config.addons.mesh.permissivePorts,
          },
        }
      : {}),
    ...(config.addons.externalSecrets.enabled
      ? {
          externalSecrets: {
            refreshInterval: config.addons.externalSecrets.refreshInterval,
            replicas: config.addons.externalSecrets.replicas,
          },
        }
      : {}),
    ...(config.addons.identityProvider.enabled ? { identityProvider: identityProviderArgs(config) } : {}),
    ...(config.addons.admission.enabled
      ? {
          admission: {
            enforcementAction: config.enforcement.admission,
            constraintOverrides: config.enforcement.constraintOverrides,
            webhookFailOpen: config.addons.admission.webhookFailOpen,
            auditIntervalSeconds: config.addons.admission.auditIntervalSeconds,
            replicas: tierDefaults[config.tier].gatekeeperReplicas,
            allowedRegistries: config.addons.admission.allowedRegistries,
            requireDigests: config.tier === "prod",
            ingressNamespaces: ["istio-ingress"],
          },
        }
      : {}),
    ...(config.addons.monitoring.enabled
      ? {
          monitoring: {
            tier: config.tier,
            retentionDays: config.addons.monitoring.retentionDays,
            ...(config.cloud !== "existing" ? { nodeCidr: config.network.vpcCidr } : {}),
            ...(config.addons.monitoring.alertWebhookUrl
              ? { alertWebhookUrl: config.addons.monitoring.alertWebhookUrl }
              : {}),
          },
        }
      : {}),
    ...(config.addons.runtimeSecurity.enabled && config.addons.runtimeSecurity.neuvector
      ? {
          neuvector: {
            mode: config.addons.runtimeSecurity.neuvector,
            controllerReplicas: tierDefaults[config.tier].gatekeeperReplicas,
          },
        }
      : {}),
    ...(config.addons.runtimeSecurity.enabled && config.addons.runtimeSecurity.falco
      ? {
          runtimeSecurity: {
            sinks: config.addons.runtimeSecurity.alertSinks,
            minimumPriority: config.addons.runtimeSecurity.minimumPriority,
          },
        }
      : {}),
    ...(config.addons.scanning.enabled
      ? {
          scanning: {
            severity: config.addons.scanning.severity,
            ...(config.addons.scanning.dbRepository
              ? { dbRepository: config.addons.scanning.dbRepository }
              : {}),
            ...(config.addons.scanning.javaDbRepository
              ? { javaDbRepository: config.addons.scanning.javaDbRepository }
              : {}),
            // The chart's ServiceMonitor needs the monitoring add-on's CRDs; it comes with that add-on.
            serviceMonitor: false,
          },
        }
      : {}),
    ...(config.addons.admission.signatureVerification.enabled
      ? {
          signatures: {
            mode: config.addons.admission.signatureVerification.mode,
            authorities: config.addons.admission.signatureVerification.authorities,
            // What must be signed: the configured globs, else everything from the allowed registries.
            images:
              config.addons.admission.signatureVerification.images ??
              config.addons.admission.allowedRegistries.map((registry) => `${registry}/**`),
            webhookFailOpen: config.addons.admission.webhookFailOpen,
            replicas: tierDefaults[config.tier].gatekeeperReplicas,
          },
        }
      : {}),
  });
  return Promise.resolve({
    cloud: config.cloud,
    tier: config.tier,
    clusterName: cluster.name,
    tenantNamespaces: platform.tenantNamespaces,
    // C-ID-3: paste into ~/.kube/config (with the cluster entry) to sign in through Keycloak; EKS
    // trusts the issuer through its identity provider config (docs/identity.md for AKS).
    ...(config.addons.identityProvider.enabled && config.identity.oidcIssuerUrl
      ? {
          oidcIssuerUrl: config.identity.oidcIssuerUrl,
          kubectlOidcUser: kubeloginUser(config.identity.oidcIssuerUrl),
        }
      : {}),
  });
}
