/**
 * The one stack-config schema. Every key a stack file may set under `zt-blueprint:` is declared
 * here; unknown keys are errors (a typo must never silently drop a control). Rules that need
 * more than one key (tier-dependent refusals, tenant references, CIDR overlaps) live in
 * `config-rules.ts`.
 */
import { z } from "zod";
import { supportedKubernetesVersions } from "../components/versions";
import { parseCidr } from "./cidr";

const dnsLabel = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const groupName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const hostname = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const cpuQuantity = /^([1-9][0-9]*|[0-9]+m|[0-9]+\.[0-9]+)$/;
const memoryQuantity = /^[1-9][0-9]*(Mi|Gi|Ti)$/;

export const tiers = ["dev", "staging", "prod"] as const;
export const clouds = ["aws", "azure", "existing"] as const;
export const enforcementActions = ["dryrun", "warn", "deny"] as const;
export const secretBackends = ["cloud-vault", "kubernetes"] as const;

/** Namespaces the platform owns or Kubernetes reserves; a tenant may not take them. */
export const reservedNamespaces = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "istio-system",
  "istio-ingress",
  "istio-egress",
  "gatekeeper-system",
  "falco",
  "trivy-system",
  "monitoring",
  "external-secrets",
  "keycloak",
] as const;

const cidr = z
  .string()
  .refine((v) => parseCidr(v) !== undefined, {
    message: "must be an IPv4 CIDR with zero host bits, e.g. 10.40.0.0/16",
    abort: true,
  })
  .refine((v) => (parseCidr(v)?.prefix ?? 0) > 0, {
    message: "0.0.0.0/0 is never accepted: name a real range",
  });

const tenantName = z
  .string()
  .min(1, {
    message: "must not be empty: use 1-40 lowercase letters, digits or '-', starting with a letter",
    abort: true,
  })
  .max(40, "must be at most 40 characters (it prefixes generated names)")
  .regex(dnsLabel, "must be a DNS-1123 label: lowercase letters, digits or '-', starting with a letter")
  .refine((v) => !(reservedNamespaces as readonly string[]).includes(v) && !v.startsWith("kube-"), {
    message: `is reserved for the platform; reserved: ${reservedNamespaces.join(", ")}, kube-*`,
  });

const idpGroup = z
  .string()
  .min(1, {
    message: "must not be empty: name the IdP group whose members administer the tenant",
    abort: true,
  })
  .max(63, "must be at most 63 characters")
  .regex(groupName, "must be letters, digits, '.', '_' or '-', starting with a letter or digit");

const quota = z.strictObject({
  cpu: z.string().regex(cpuQuantity, 'must be a CPU quantity such as "2" or "500m"').optional(),
  memory: z.string().regex(memoryQuantity, 'must be a memory quantity such as "4Gi" or "512Mi"').optional(),
  pods: z.number().int().min(1).max(1000).optional(),
});

const tenant = z.strictObject({
  name: tenantName,
  idpGroup,
  quota: quota.optional(),
  allowedPeers: z.array(z.string()).optional(),
  egressHosts: z
    .array(
      z.string().regex(hostname, "must be a lowercase DNS hostname such as api.example.com or *.example.com"),
    )
    .optional(),
  secretPrefix: z
    .string()
    .regex(/^[a-z0-9][-a-z0-9/]*\/$/, "must be lowercase path segments ending in '/', e.g. tenants/payments/")
    .optional(),
  /** A route from the mesh ingress gateway to one of the tenant's services (C-MESH-6). */
  ingress: z
    .strictObject({
      host: z.string().regex(hostname, "must be a lowercase DNS hostname such as shop.example.com"),
      service: z.string().regex(dnsLabel, "must be a Service name (DNS-1123 label)"),
      port: z.number().int().min(1).max(65535),
      /** Require a valid end-user JWT from the platform's OIDC issuer (default true). */
      endUserAuth: z.boolean().optional(),
    })
    .optional(),
});

const toggle = { enabled: z.boolean().optional() };

const addons = z.strictObject({
  mesh: z
    .strictObject({
      ...toggle,
      egressHosts: z
        .array(z.string().regex(hostname, "must be a lowercase DNS hostname such as api.example.com"))
        .optional(),
      /** istiod's self-signed root, or the CA placed in istio-system/cacerts (C-MESH-5). */
      rootCa: z.enum(["istiod-self-signed", "plugged-in"]).optional(),
      /** Workload certificate lifetime in hours (C-MESH-5). */
      workloadCertTtlHours: z.number().int().min(1).max(24).optional(),
      /** Weakens C-MESH-1: per-port PERMISSIVE mTLS for a platform workload that truly needs plaintext. */
      permissivePorts: z
        .array(
          z.strictObject({
            namespace: z.string().regex(dnsLabel, "must be a namespace"),
            workloadLabels: z.record(z.string(), z.string()),
            port: z.number().int().min(1).max(65535),
            reason: z.string().min(10, "must say why the port cannot use mTLS"),
          }),
        )
        .optional(),
      /** Must be true for permissivePorts in prod. */
      allowPermissivePortsInProd: z.boolean().optional(),
    })
    .optional(),
  admission: z
    .strictObject({
      ...toggle,
      /** Weakens C-ADM-1: the webhook lets requests through when Gatekeeper is down. Refused in prod. */
      webhookFailOpen: z.boolean().optional(),
      auditIntervalSeconds: z.number().int().min(30).max(3600).optional(),
      allowedRegistries: z
        .array(z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "must be a registry host[/path]"))
        .optional(),
      signatureVerification: z
        .strictObject({
          enabled: z.boolean().optional(),
          /** dev runs in warn mode unless this is true; staging and prod always enforce. */
          enforceInDev: z.boolean().optional(),
          authorities: z
            .array(
              z.union([
                z.strictObject({
                  name: z.string().regex(dnsLabel, "must be a DNS-1123 label"),
                  publicKey: z
                    .string()
                    .regex(
                      /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/,
                      "must be a PEM public key",
                    ),
                }),
                z.strictObject({
                  name: z.string().regex(dnsLabel, "must be a DNS-1123 label"),
                  keyless: z.strictObject({
                    issuer: z.url({ protocol: /^https$/, error: "must be an https OIDC issuer URL" }),
                    subject: z.string().min(1).optional(),
                    subjectRegExp: z.string().min(1).optional(),
                  }),
                }),
              ]),
            )
            .optional(),
          /** Image globs that must be signed; defaults to everything from the cluster's registry. */
          images: z.array(z.string().min(1)).optional(),
          /** Weakens C-ADM-5: must be set to switch verification off in staging or prod. */
          allowDisabledOutsideDev: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  runtimeSecurity: z
    .strictObject({
      ...toggle,
      /** Where falcosidekick sends alerts (C-RT-1); at least one. */
      alertSinks: z
        .array(
          z.discriminatedUnion(
            "type",
            [
              z.strictObject({
                type: z.literal("webhook"),
                url: z.url({ protocol: /^https$/, error: "must be an https URL" }),
              }),
              z.strictObject({
                type: z.literal("cloudwatch-logs"),
                logGroupArn: z
                  .string()
                  .regex(
                    /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]+$/,
                    "must be a CloudWatch log group ARN",
                  ),
              }),
              z.strictObject({
                type: z.literal("azure-event-hub"),
                eventHubId: z
                  .string()
                  .regex(
                    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.EventHub\/namespaces\/[^/]+\/eventhubs\/[^/]+$/i,
                    "must be an Event Hub resource ID",
                  ),
              }),
            ],
            { error: 'must be a sink of type "webhook", "cloudwatch-logs" or "azure-event-hub"' },
          ),
        )
        .optional(),
      minimumPriority: z.enum(["critical", "error", "warning", "notice"]).optional(),
      /** falco (default), neuvector, or both (C-RT-5). */
      engine: z.enum(["falco", "neuvector", "both"]).optional(),
      /** NeuVector's mode for new services; defaults to the tier's (Discover/Monitor/Protect). */
      neuvectorMode: z.enum(["Discover", "Monitor", "Protect"]).optional(),
    })
    .optional(),
  scanning: z
    .strictObject({
      ...toggle,
      severity: z.enum(["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]).optional(),
      /** Internal mirrors of Trivy's databases (air-gapped clusters), e.g. registry.example.com/aquasec/trivy-db. */
      dbRepository: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, "must be a registry/repository path")
        .optional(),
      javaDbRepository: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, "must be a registry/repository path")
        .optional(),
    })
    .optional(),
  monitoring: z
    .strictObject({
      ...toggle,
      /** Where Alertmanager sends security alerts; defaults to the runtime webhook sink. */
      alertWebhookUrl: z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
    })
    .optional(),
  externalSecrets: z
    .strictObject({
      ...toggle,
      /** How often ExternalSecrets re-read the vault (C-SEC-4). */
      refreshInterval: z
        .string()
        .regex(/^[1-9][0-9]*(m|h)$/, "must be a duration in minutes or hours, e.g. 15m or 1h")
        .optional(),
      /** cloud-vault (Secrets Manager / Key Vault, the default on aws/azure) or kubernetes (local only). */
      backend: z.enum(secretBackends).optional(),
    })
    .optional(),
  identityProvider: z
    .strictObject({
      ...toggle,
      /** Public hostname of Keycloak behind the ingress gateway, e.g. id.example.com (C-ID-1). */
      hostname: z
        .string()
        .regex(hostname, "must be a lowercase DNS hostname such as id.example.com")
        .optional(),
      realm: z.string().regex(dnsLabel, "must be a DNS-1123 label such as platform").optional(),
      /** Keycloak replicas; defaults to the tier's (1 dev, 2 staging, 3 prod). */
      replicas: z.number().int().min(1).max(10).optional(),
      /** in-cluster Postgres (dev only) or the cloud's managed Postgres (default above dev). */
      database: z.enum(["in-cluster", "managed"]).optional(),
      /** Access-token lifetime (C-ID-5); at most the tier's maximum. */
      accessTokenMinutes: z.number().int().min(1).optional(),
      /** SSO session idle timeout (C-ID-5); at most the tier's maximum. */
      ssoSessionIdleMinutes: z.number().int().min(5).optional(),
      /** SSO session maximum lifetime (C-ID-5); at most the tier's maximum. */
      ssoSessionMaxHours: z.number().int().min(1).optional(),
      /** Offer WebAuthn security keys as an alternative second factor to OTP (C-ID-2). */
      webAuthn: z.boolean().optional(),
      /** Keycloak image, e.g. a mirror in your registry by digest; defaults to the pinned official image. */
      image: z
        .string()
        .regex(
          /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+(:[\w.-]+|@sha256:[a-f0-9]{64})$/,
          "must be an image reference with a tag or digest",
        )
        .optional(),
    })
    .optional(),
});

export const stackConfigSchema = z.strictObject({
  cloud: z.enum(clouds),
  tier: z.enum(tiers),
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/, "must be a cloud region name such as eu-west-1")
    .optional(),
  kubernetesVersion: z.enum(supportedKubernetesVersions),
  /**
   * The AWS account ID or Azure subscription ID the stack deploys into. The cloud provider is
   * pinned to it, so credentials for another account fail instead of deploying there.
   */
  cloudAccount: z
    .string()
    .regex(
      /^(\d{12}|[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12})$/,
      "must be a 12-digit AWS account ID or an Azure subscription ID (GUID)",
    )
    .optional(),
  existingCluster: z
    .strictObject({
      /** kubeconfig context to use; the provider reads $KUBECONFIG / ~/.kube/config. */
      context: z.string().min(1).optional(),
    })
    .optional(),
  /** A kubeconfig document for the existing cluster; set it with `pulumi config set --secret`. */
  kubeconfig: z.string().min(1).optional(),
  network: z
    .strictObject({
      vpcCidr: cidr.optional(),
      serviceCidr: cidr.optional(),
      podCidr: cidr.optional(),
      availabilityZones: z.number().int().optional(),
      /** Weakens C-CL-1: a public API endpoint reachable from these CIDRs. dev only. */
      allowPublicEndpointCidrs: z.array(cidr).optional(),
      /**
       * How `pulumi up` reaches the API server for the platform layer: from a runner inside the
       * VPC/VNet (the only choice outside dev), or over the dev-only public CIDR allowlist.
       */
      apiAccess: z.enum(["in-network-runner", "public-cidr-allowlist"]).optional(),
    })
    .optional(),
  access: z
    .strictObject({
      /** IAM roles given cluster-admin through EKS access entries (C-CL-4). */
      adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "must be an IAM role ARN"))
        .optional(),
      /** Entra ID groups given cluster-admin through Azure RBAC (C-CL-4). */
      adminGroupObjectIds: z
        .array(
          z
            .string()
            .regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/, "must be an Entra ID object ID (a GUID)"),
        )
        .optional(),
    })
    .optional(),
  nodes: z
    .strictObject({
      instanceType: z.string().min(1).optional(),
      minSize: z.number().int().min(1).optional(),
      desiredSize: z.number().int().min(1).optional(),
      maxSize: z.number().int().min(1).max(1000).optional(),
      diskSizeGiB: z.number().int().min(20).max(2000).optional(),
    })
    .optional(),
  identity: z
    .strictObject({
      /** Prefix the API server puts before OIDC group names (EKS identity provider config). */
      oidcGroupsPrefix: z
        .string()
        .regex(/^[a-z0-9:-]*$/, "must be lowercase letters, digits, ':' or '-'")
        .optional(),
      platformAdminsGroup: idpGroup.optional(),
      /** The OIDC issuer end users authenticate with (Keycloak realm URL); JWTs at the ingress must come from it. */
      oidcIssuerUrl: z.url({ protocol: /^https$/, error: "must be an https issuer URL" }).optional(),
      /** JWKS of the issuer; defaults to Keycloak's <issuer>/protocol/openid-connect/certs. */
      jwksUri: z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
    })
    .optional(),
  addons: addons.optional(),
  enforcement: z
    .strictObject({
      admission: z.enum(enforcementActions).optional(),
      constraintOverrides: z
        .record(z.string().regex(dnsLabel, "must be a constraint name"), z.enum(enforcementActions))
        .optional(),
      /** Must be set for any admission enforcement weaker than `deny` in prod. */
      allowProdOverrides: z.boolean().optional(),
    })
    .optional(),
  tenants: z.array(tenant).optional(),
});

export type StackConfigInput = z.infer<typeof stackConfigSchema>;

/** Top-level keys whose values Pulumi hands over as plain strings (all others are JSON). */
export const stringKeys: ReadonlySet<string> = new Set([
  "cloud",
  "tier",
  "region",
  "kubernetesVersion",
  "kubeconfig",
  "cloudAccount",
]);

/** Keys whose values are never printed, even in error messages. */
export const secretKeys: ReadonlySet<string> = new Set(["kubeconfig"]);
