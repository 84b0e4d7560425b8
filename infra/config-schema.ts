/**
 * The one stack-config schema. Every key a stack file may set under `zt-blueprint:` is declared
 * here; unknown keys are errors (a typo must never silently drop a control). Rules that need
 * more than one key (tier-dependent refusals, tenant references, CIDR overlaps) live in
 * `config-rules.ts`.
 */
import { z } from "zod";
import { ingressNodePorts } from "../components/mesh/gateway-services";
import { supportedKubernetesVersions } from "../components/versions";
import { parseCidr } from "./cidr";
import { oneOfForms } from "./config-union";
import { imageReferenceProblem } from "./image-reference";
import { reservedNamespaceReason, reservedNamespaceSummary } from "./platform-namespaces";

const dnsLabel = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const groupName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const hostname = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const cpuQuantity = /^([1-9][0-9]*|[0-9]+m|[0-9]+\.[0-9]+)$/;
const memoryQuantity = /^[1-9][0-9]*(Mi|Gi|Ti)$/;

export const tiers = ["dev", "staging", "prod"] as const;
export const clouds = ["aws", "azure", "existing"] as const;
export const enforcementActions = ["dryrun", "warn", "deny"] as const;
export const secretBackends = ["cloud-vault", "kubernetes"] as const;

/**
 * A DNS name the ingress gateway serves (`*.` allowed where noted): each label at most 63
 * characters, the whole name at most 253 (RFC 1123; what a Gateway/VirtualService host accepts).
 */
const dnsName = (example: string) =>
  z
    .string()
    .regex(hostname, `must be a lowercase DNS hostname such as ${example}`)
    .refine((v) => v.length <= 253 && v.split(".").every((label) => label.length <= 63), {
      message: "must be at most 253 characters with each dot-separated label at most 63",
    });

/** A Kubernetes object name that must be a DNS-1123 label (namespaces, Services): at most 63. */
const objectLabel = (what: string) =>
  z
    .string()
    .max(63, `must be at most 63 characters (a ${what} name is a DNS-1123 label)`)
    .regex(
      dnsLabel,
      `must be a ${what} name (DNS-1123 label: lowercase letters, digits or '-', starting with a letter)`,
    );

/** Label keys and values as Kubernetes validates them (a selector with others never matches). */
const labelKey =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

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
  .superRefine((v, ctx) => {
    const reason = reservedNamespaceReason(v);
    if (reason) {
      ctx.addIssue({
        code: "custom",
        message: `is reserved: ${reason}; pick another tenant name (reserved: ${reservedNamespaceSummary})`,
      });
    }
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
  cpu: z.string().regex(cpuQuantity, 'must be a CPU quantity such as "2" or "500m"').optional().meta({
    description:
      "CPU for the whole namespace (requests and limits); at least 500m, one container's default limit.",
  }),
  memory: z
    .string()
    .regex(memoryQuantity, 'must be a memory quantity such as "4Gi" or "512Mi"')
    .optional()
    .meta({
      description:
        "Memory for the whole namespace (requests and limits); at least 512Mi, one container's default limit.",
    }),
  pods: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .meta({ description: "Pods the namespace may run at once." }),
});

const tenant = z.strictObject({
  name: tenantName.meta({
    description: "The tenant's namespace: unique, not a platform or kube-* namespace.",
    controls: ["C-TEN-1"],
  }),
  idpGroup: idpGroup.meta({
    description: "IdP group bound to the tenant's Role; its members, and nobody else, work in the namespace.",
    controls: ["C-TEN-5", "C-ID-4"],
  }),
  entraGroupObjectId: z
    .string()
    .regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/, "must be an Entra ID group object ID (a GUID)")
    .optional()
    .meta({
      description:
        "azure only, and required there: the Entra ID group bound to the tenant's Role. AKS authenticates people with Entra ID, whose group claims are object IDs.",
      controls: ["C-TEN-5", "C-ID-4"],
    }),
  quota: quota.optional().meta({
    description: "ResourceQuota and LimitRange of the namespace; unset fields take the tier's tenant quota.",
    controls: ["C-TEN-4"],
  }),
  allowedPeers: z
    .array(z.string())
    .optional()
    .meta({
      description:
        "Tenants that may call into this one. The callee declares the flow once; the caller's egress NetworkPolicy and Sidecar are derived from it.",
      controls: ["C-TEN-2", "C-TEN-3"],
    }),
  egressHosts: z
    .array(dnsName("api.example.com or *.example.com"))
    .optional()
    .meta({
      description:
        "External hosts (`*.` prefix allowed) the tenant may reach through the mesh: one ServiceEntry each, visible to the tenant (and the egress gateway) only.",
      controls: ["C-MESH-3"],
    }),
  secretPrefix: z
    .string()
    .regex(/^[a-z0-9][-a-z0-9/]*\/$/, "must be lowercase path segments ending in '/', e.g. tenants/payments/")
    .optional()
    .meta({
      description: "The tenant's path in the cloud vault; must not overlap another tenant's prefix.",
      controls: ["C-SEC-2", "C-TEN-6"],
    }),
  ingress: z
    .strictObject({
      host: dnsName("shop.example.com").meta({
        description:
          "Public hostname the ingress gateway serves for the tenant (`*.` allowed); must not overlap another route's or the identity provider's host.",
      }),
      service: objectLabel("Service").meta({ description: "The tenant's Service the route leads to." }),
      port: z.number().int().min(1).max(65535).meta({ description: "Port of that Service." }),
      endUserAuth: z
        .boolean()
        .optional()
        .meta({
          description: "Require a valid end-user JWT from identity.oidcIssuerUrl on the route.",
          controls: ["C-MESH-6"],
        }),
    })
    .optional()
    .meta({
      description:
        "A route from the public ingress gateway to one of the tenant's services; only the gateway's identity may use it.",
      controls: ["C-MESH-6", "C-TEN-3"],
    }),
});

const toggle = {
  enabled: z.boolean().optional().meta({
    description: "Deploys the add-on. Only a dev stack may set false: add-ons carry zero-trust controls.",
  }),
};

const addons = z.strictObject({
  mesh: z
    .strictObject({
      ...toggle,
      egressHosts: z
        .array(dnsName("api.example.com"))
        .optional()
        .meta({
          description:
            "External hosts every tenant may reach through the egress gateway (platform-wide ServiceEntries).",
          controls: ["C-MESH-3"],
        }),
      rootCa: z
        .enum(["istiod-self-signed", "plugged-in"])
        .optional()
        .meta({
          description:
            "istiod's self-signed root, or the intermediate CA placed in istio-system/cacerts before istiod starts (docs/mesh.md).",
          controls: ["C-MESH-5"],
        }),
      workloadCertTtlHours: z
        .number()
        .int()
        .min(1)
        .max(24)
        .optional()
        .meta({ description: "Workload certificate lifetime in hours.", controls: ["C-MESH-5"] }),
      ingressServiceType: z
        .enum(["LoadBalancer", "NodePort"])
        .optional()
        .meta({
          description: `The ingress gateway's Service type. Default NodePort on an existing (kind/k3d) cluster, whose nodePorts are fixed (${ingressNodePorts.https} HTTPS, ${ingressNodePorts.status} status) for kind's extraPortMappings (docs/operations.md); LoadBalancer on a cloud, where the cloud's load balancer serves it.`,
          controls: ["C-MESH-6"],
        }),
      permissivePorts: z
        .array(
          z.strictObject({
            namespace: objectLabel("namespace").meta({ description: "Namespace of the workload." }),
            workloadLabels: z
              .record(
                z.string().regex(labelKey, "must be a Kubernetes label key ([prefix/]name, name at most 63)"),
                z.string().regex(labelValue, "must be a Kubernetes label value (at most 63 characters)"),
              )
              .meta({ description: "Labels selecting the workload." }),
            port: z
              .number()
              .int()
              .min(1)
              .max(65535)
              .meta({ description: "The one port that accepts plaintext." }),
            reason: z
              .string()
              .min(10, "must say why the port cannot use mTLS")
              .meta({ description: "Why the port cannot use mTLS; recorded as an annotation." }),
          }),
        )
        .optional()
        .meta({
          description:
            "Weakens C-MESH-1: per-port PERMISSIVE mTLS for a platform workload that truly needs plaintext. Refused in prod unless allowPermissivePortsInProd is true.",
          controls: ["C-MESH-1"],
        }),
      allowPermissivePortsInProd: z
        .boolean()
        .optional()
        .meta({
          description: "Must be true for permissivePorts in prod: records the decision.",
          controls: ["C-MESH-1"],
        }),
    })
    .optional()
    .meta({
      description:
        "The Istio service mesh: STRICT mTLS, allow-nothing authorization, REGISTRY_ONLY egress, gateways.",
      controls: ["C-MESH-1", "C-MESH-2", "C-MESH-3", "C-MESH-4", "C-MESH-5", "C-MESH-6"],
    }),
  admission: z
    .strictObject({
      ...toggle,
      webhookFailOpen: z
        .boolean()
        .optional()
        .meta({
          description:
            "Weakens C-ADM-1: the webhook lets requests through when Gatekeeper is down. Refused in prod.",
          controls: ["C-ADM-1"],
        }),
      auditIntervalSeconds: z
        .number()
        .int()
        .min(30)
        .max(3600)
        .optional()
        .meta({
          description: "How often Gatekeeper audits existing objects against the constraints, in seconds.",
          controls: ["C-ADM-6"],
        }),
      allowedRegistries: z
        .array(z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "must be a registry host[/path]"))
        .optional()
        .meta({
          description:
            "Registries (host[/path]) images may come from, besides the cluster's own registry; unset means the cluster's registry only.",
          controls: ["C-ADM-3"],
        }),
      signatureVerification: z
        .strictObject({
          enabled: z
            .boolean()
            .optional()
            .meta({
              description:
                "Verify image signatures in tenant namespaces (follows admission.enabled when unset); false outside dev needs allowDisabledOutsideDev.",
              controls: ["C-ADM-5"],
            }),
          enforceInDev: z
            .boolean()
            .optional()
            .meta({
              description:
                "dev runs signature verification in warn mode unless this is true; staging and prod always enforce.",
              controls: ["C-ADM-5"],
            }),
          authorities: z
            .array(
              oneOfForms([
                {
                  label: "a cosign key {name, publicKey}",
                  schema: z.strictObject({
                    name: z.string().regex(dnsLabel, "must be a DNS-1123 label"),
                    publicKey: z
                      .string()
                      .regex(
                        /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/,
                        "must be a PEM public key",
                      ),
                  }),
                },
                {
                  label: "a keyless identity {name, keyless: {issuer, subject | subjectRegExp}}",
                  schema: z.strictObject({
                    name: z.string().regex(dnsLabel, "must be a DNS-1123 label"),
                    keyless: z.strictObject({
                      issuer: z.url({ protocol: /^https$/, error: "must be an https OIDC issuer URL" }),
                      subject: z.string().min(1).optional(),
                      subjectRegExp: z.string().min(1).optional(),
                    }),
                  }),
                },
              ]),
            )
            .optional()
            .meta({
              description:
                "Who images must be signed by: cosign public keys ({name, publicKey}) or keyless identities ({name, keyless: {issuer, subject | subjectRegExp}}); at least one when verification is on.",
              controls: ["C-ADM-5"],
            }),
          images: z
            .array(z.string().min(1))
            .optional()
            .meta({
              description:
                "Image globs that must be signed; unset means everything from the allowed registries.",
              controls: ["C-ADM-5"],
            }),
          allowDisabledOutsideDev: z
            .boolean()
            .optional()
            .meta({
              description: "Weakens C-ADM-5: must be true to switch verification off in staging or prod.",
              controls: ["C-ADM-5"],
            }),
        })
        .optional()
        .meta({
          description: "sigstore policy-controller: image signatures verified for tenant namespaces.",
          controls: ["C-ADM-5"],
        }),
    })
    .optional()
    .meta({
      description: "Gatekeeper and the constraint library.",
      controls: ["C-ADM-1", "C-ADM-2", "C-ADM-3", "C-ADM-4", "C-ADM-7"],
    }),
  runtimeSecurity: z
    .strictObject({
      ...toggle,
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
            {
              error:
                'must be a sink of type "webhook" (with url), "cloudwatch-logs" (with logGroupArn, aws) or "azure-event-hub" (with eventHubId, azure)',
            },
          ),
        )
        .optional()
        .meta({
          description:
            "Where falcosidekick sends alerts; at least one while Falco runs. webhook URLs must be https; cloudwatch-logs needs aws, azure-event-hub needs azure.",
          controls: ["C-RT-1"],
        }),
      minimumPriority: z
        .enum(["critical", "error", "warning", "notice"])
        .optional()
        .meta({ description: "Lowest Falco priority sent to the sinks.", controls: ["C-RT-1"] }),
      engine: z
        .enum(["falco", "neuvector", "both"])
        .optional()
        .meta({
          description: "Runtime detection engine: falco, neuvector, or both.",
          controls: ["C-RT-1", "C-RT-5"],
        }),
      neuvectorMode: z
        .enum(["Discover", "Monitor", "Protect"])
        .optional()
        .meta({
          description:
            "NeuVector's mode for new services when NeuVector runs; weaker than Protect in prod needs enforcement.allowProdOverrides.",
          controls: ["C-RT-5"],
        }),
    })
    .optional()
    .meta({ description: "Runtime threat detection (Falco, optionally NeuVector).", controls: ["C-RT-1"] }),
  scanning: z
    .strictObject({
      ...toggle,
      severity: z
        .enum(["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"])
        .optional()
        .meta({ description: "Lowest vulnerability severity the Trivy operator reports." }),
      dbRepository: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, "must be a registry/repository path")
        .optional()
        .meta({
          description:
            "Internal mirror of Trivy's vulnerability database (air-gapped clusters), e.g. registry.example.com/aquasec/trivy-db; unset means upstream.",
        }),
      javaDbRepository: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, "must be a registry/repository path")
        .optional()
        .meta({
          description:
            "Internal mirror of Trivy's Java database (air-gapped clusters); unset means upstream.",
        }),
    })
    .optional()
    .meta({ description: "In-cluster vulnerability scanning (Trivy operator).", controls: ["C-RT-2"] }),
  monitoring: z
    .strictObject({
      ...toggle,
      alertWebhookUrl: z
        .url({ protocol: /^https$/, error: "must be an https URL" })
        .optional()
        .meta({
          description:
            "Where Alertmanager sends security alerts (https); unset means the first webhook alert sink.",
          controls: ["C-RT-3"],
        }),
    })
    .optional()
    .meta({
      description: "kube-prometheus-stack with the platform's security alert rules.",
      controls: ["C-RT-3", "C-RT-4"],
    }),
  externalSecrets: z
    .strictObject({
      ...toggle,
      refreshInterval: z
        .string()
        .regex(/^[1-9][0-9]*(m|h)$/, "must be a duration in minutes or hours, e.g. 15m or 1h")
        .optional()
        .meta({
          description: "How often External Secrets re-reads the vault, in minutes or hours (e.g. 15m, 1h).",
          controls: ["C-SEC-4"],
        }),
      backend: z
        .enum(secretBackends)
        .optional()
        .meta({
          description:
            "cloud-vault (AWS Secrets Manager / Azure Key Vault; the default on aws and azure) or kubernetes (Secrets in a locked-down namespace; the default on existing clusters, refused outside dev).",
          controls: ["C-SEC-1", "C-SEC-3"],
        }),
    })
    .optional()
    .meta({
      description:
        "External Secrets Operator: a platform ClusterSecretStore and one SecretStore per tenant, reading the vault through workload identity.",
      controls: ["C-SEC-1", "C-SEC-2", "C-TEN-6"],
    }),
  identityProvider: z
    .strictObject({
      ...toggle,
      hostname: dnsName("id.example.com")
        .optional()
        .meta({
          description:
            "Public hostname the ingress gateway serves Keycloak on, e.g. id.example.com; required while the identity provider is on. The issuer is https://<hostname>/realms/<realm>.",
          controls: ["C-ID-1", "C-MESH-6"],
        }),
      realm: z
        .string()
        .regex(dnsLabel, "must be a DNS-1123 label such as platform")
        .optional()
        .meta({ description: "Name of the platform realm.", controls: ["C-ID-2"] }),
      replicas: z
        .number()
        .int()
        .min(1)
        .max(10)
        .optional()
        .meta({ description: "Keycloak replicas; defaults to the tier's.", controls: ["C-ID-1"] }),
      database: z
        .enum(["in-cluster", "managed"])
        .optional()
        .meta({
          description:
            "in-cluster Postgres (dev only) or the cloud's managed Postgres (RDS / flexible server; the default above dev).",
          controls: ["C-ID-1"],
        }),
      accessTokenMinutes: z
        .number()
        .int()
        .min(1)
        .optional()
        .meta({ description: "Access-token lifetime; at most the tier's maximum.", controls: ["C-ID-5"] }),
      ssoSessionIdleMinutes: z
        .number()
        .int()
        .min(5)
        .optional()
        .meta({ description: "SSO session idle timeout; at most the tier's maximum.", controls: ["C-ID-5"] }),
      ssoSessionMaxHours: z
        .number()
        .int()
        .min(1)
        .optional()
        .meta({
          description: "SSO session maximum lifetime; at most the tier's maximum.",
          controls: ["C-ID-5"],
        }),
      webAuthn: z
        .boolean()
        .optional()
        .meta({
          description: "Offer WebAuthn security keys as an alternative second factor to OTP.",
          controls: ["C-ID-2"],
        }),
      credentialsVersion: z
        .number()
        .int()
        .min(1)
        .optional()
        .meta({
          description:
            "Generation of a managed database's password (staging, prod): increase it to rotate it (it reaches the vault and the server through write-only inputs). The admin password, and an in-cluster database's, are generated in the cluster once; delete their Secret to have a new one made.",
          controls: ["C-SEC-4"],
        }),
      publicIssuer: z
        .strictObject({
          dnsName: z
            .string()
            .regex(hostname, "must be a lowercase DNS hostname such as id.example.com")
            .meta({
              description:
                "The public DNS record you manage for the issuer, pointing at the ingress gateway's load balancer; must equal hostname.",
            }),
          certificate: z
            .literal("public-ca", {
              error:
                'must be "public-ca": EKS accepts only an issuer whose certificate a public CA signed (no self-signed or private CA)',
            })
            .meta({
              description:
                "States that the ingress certificate for hostname (the vault's ingress-tls entry) is issued by a public CA.",
            }),
        })
        .optional()
        .meta({
          description:
            "Required on aws: the prerequisites you provide so EKS can trust Keycloak as the API server's OIDC issuer (public HTTPS with a CA-signed certificate); elsewhere optional, checked the same way. See docs/identity.md 'First deploy order'.",
          controls: ["C-ID-3", "C-MESH-6"],
        }),
      image: z
        .string()
        .superRefine((v, ctx) => {
          const problem = imageReferenceProblem(v, "Keycloak");
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional()
        .meta({
          description:
            "Keycloak image; defaults to the pinned official image. Prod: by real digest, from the stack's own registry or a mirror in admission.allowedRegistries (docs/operations.md).",
          controls: ["C-ID-1"],
        }),
    })
    .optional()
    .meta({
      description:
        "Keycloak, the people's OIDC issuer: MFA realm, kubectl client, groups for platform admins and tenants.",
      controls: ["C-ID-1", "C-ID-2", "C-ID-3", "C-ID-5"],
    }),
});

export const stackConfigSchema = z.strictObject({
  cloud: z.enum(clouds).meta({
    description:
      "aws builds EKS, azure builds AKS; existing (a kubeconfig cluster such as kind) is accepted for dev stacks only.",
  }),
  tier: z.enum(tiers).meta({
    description: "The environment tier: changes enforcement and sizing, never which controls exist.",
    controls: ["C-ADM-6"],
  }),
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/, "must be a cloud region name such as eu-west-1")
    .optional()
    .meta({
      description:
        "Cloud region, e.g. eu-west-1 or westeurope; required for aws and azure, and one the cloud has (infra/data/cloud-regions.json).",
    }),
  kubernetesVersion: z.enum(supportedKubernetesVersions).meta({
    description: "Kubernetes minor version; one of supportedKubernetesVersions in components/versions.ts.",
    controls: ["C-CL-7"],
  }),
  cloudAccount: z
    .string()
    .regex(
      /^(\d{12}|[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12})$/,
      "must be a 12-digit AWS account ID or an Azure subscription ID (GUID)",
    )
    .optional()
    .meta({
      description:
        "The AWS account ID or Azure subscription ID the stack deploys into; required for aws and azure. The cloud provider is pinned to it, so credentials for another account fail instead of deploying there.",
    }),
  existingCluster: z
    .strictObject({
      context: z.string().min(1).optional().meta({
        description:
          "kubeconfig context to use (existing only); the provider reads `$KUBECONFIG` / `~/.kube/config` and, unset, their current context.",
      }),
    })
    .optional()
    .meta({ description: "The kubeconfig cluster a cloud: existing stack deploys onto." }),
  kubeconfig: z.string().min(1).optional().meta({
    description:
      "A kubeconfig document for the existing cluster (existing only); set it with `pulumi config set --secret`. Never printed, even in errors.",
  }),
  charts: z
    .strictObject({
      localDir: z.string().min(1).optional().meta({
        description:
          "A folder with every pinned chart unpacked as `<chart>-<version>/` (air-gapped clusters, CI); a relative path is resolved from the project folder. Each Chart.yaml is checked against the pins before anything is registered.",
      }),
      repository: z
        .string()
        .regex(/^(https|oci):\/\/[^\s]+$/, "must be an https:// Helm repository or an oci:// registry path")
        .optional()
        .meta({
          description:
            "An internal mirror serving every pinned chart: an https:// Helm repository, or an oci:// path under which each chart is pushed by name.",
        }),
      acceptNearestCharts: z.boolean().optional().meta({
        description:
          "dev only, with localDir: accept a chart whose Chart.yaml version differs from the pin (e.g. Istio's master-branch charts say 1.0.0); each difference is logged as a warning.",
      }),
    })
    .optional()
    .meta({
      description:
        "Where Helm releases take their charts from; unset, each chart's public repository (components/versions.ts). Set one of localDir or repository.",
    }),
  network: z
    .strictObject({
      vpcCidr: cidr.optional().meta({ description: "VPC/VNet range, /16 to /24, host bits zero." }),
      serviceCidr: cidr
        .optional()
        .meta({ description: "Kubernetes Service range; must not overlap vpcCidr or podCidr." }),
      podCidr: cidr.optional().meta({
        description: "Pod range, when the CNI uses one apart from the VPC; must not overlap the others.",
      }),
      availabilityZones: z.number().int().optional().meta({
        description: "Availability zones the network and nodes span: dev 2-6, staging and prod 3-6.",
      }),
      allowPublicEndpointCidrs: z
        .array(cidr)
        .optional()
        .meta({
          description:
            "Weakens C-CL-1: a public API endpoint reachable from these CIDRs (each /16 or narrower, never 0.0.0.0/0). dev and aws/azure only.",
          controls: ["C-CL-1"],
        }),
      apiAccess: z
        .enum(["in-network-runner", "public-cidr-allowlist"])
        .optional()
        .meta({
          description:
            "How `pulumi up` reaches the API server for the platform layer: from a runner inside the VPC/VNet (the only choice outside dev), or over the dev-only public CIDR allowlist (exactly when allowPublicEndpointCidrs is set; docs/cluster.md).",
          controls: ["C-CL-1"],
        }),
      runnerCidrs: z
        .array(cidr)
        .optional()
        .meta({
          description:
            "aws with in-network-runner: the runner's address ranges (inside the VPC or a peered network); each gets a 443 ingress rule on the EKS cluster security group so the runner reaches the private endpoint.",
          controls: ["C-CL-1"],
        }),
      runnerVnetId: z
        .string()
        .regex(
          /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i,
          "must be a virtual network resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…)",
        )
        .optional()
        .meta({
          description:
            "azure (required): the VNet the `pulumi up` runner runs in. The stack peers it with the cluster VNet (both directions) and links it to the Key Vault private DNS zone, so the runner can write the KMS key and secrets into the private vaults; the deployer needs Network Contributor on it.",
          controls: ["C-CL-1", "C-SEC-3"],
        }),
      runnerSecurityGroupIds: z
        .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group ID (sg-…)"))
        .optional()
        .meta({
          description:
            "aws with in-network-runner: the runner's security groups (same VPC or a peered one); each gets a 443 ingress rule on the EKS cluster security group.",
          controls: ["C-CL-1"],
        }),
    })
    .optional()
    .meta({
      description: "The cloud network and the cluster's API endpoint.",
      controls: ["C-CL-1", "C-CL-9"],
    }),
  access: z
    .strictObject({
      adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "must be an IAM role ARN"))
        .optional()
        .meta({
          description:
            "IAM roles given cluster-admin through EKS access entries (aws only); include the role that runs `pulumi up`.",
          controls: ["C-CL-4"],
        }),
      autoscalingServiceLinkedRole: z.enum(["existing", "create"]).optional().meta({
        description:
          "aws only: whether the account already has AWSServiceRoleForAutoScaling (the default; checked before anything is created) or the stack creates it (a fresh account). The node-volume key policy names that role, and KMS refuses a policy naming a role that does not exist.",
      }),
      encryptionAtHost: z.enum(["registered", "register"]).optional().meta({
        description:
          "azure only: the subscription feature Microsoft.Compute/EncryptionAtHost that host encryption (C-CL-6) needs. registered (the default): the stack imports the existing registration, so a preview fails early where it is missing; register: the stack registers it (a fresh subscription). Either way it is kept on destroy.",
      }),
      adminGroupObjectIds: z
        .array(
          z
            .string()
            .regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/, "must be an Entra ID object ID (a GUID)"),
        )
        .optional()
        .meta({
          description: "Entra ID groups given cluster-admin through Azure RBAC (azure only).",
          controls: ["C-CL-4"],
        }),
    })
    .optional()
    .meta({
      description: "Who administers the cluster; there is no implicit creator admin.",
      controls: ["C-CL-4"],
    }),
  nodes: z
    .strictObject({
      instanceType: z.string().min(1).optional().meta({
        description:
          "Node instance type; unset, the cluster component picks its cloud's default (EKS m7i.large, AKS Standard_D4ds_v5).",
      }),
      minSize: z.number().int().min(1).optional().meta({ description: "Fewest nodes; at most maxSize." }),
      desiredSize: z
        .number()
        .int()
        .min(1)
        .optional()
        .meta({ description: "Nodes at creation; at most maxSize." }),
      maxSize: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .meta({ description: "Most nodes the autoscaler may add." }),
      diskSizeGiB: z
        .number()
        .int()
        .min(20)
        .max(2000)
        .optional()
        .meta({ description: "Node root volume size in GiB." }),
    })
    .optional()
    .meta({
      description: "The cluster's node group (hardened image, encrypted disks).",
      controls: ["C-CL-6"],
    }),
  identity: z
    .strictObject({
      oidcGroupsPrefix: z
        .string()
        .regex(/^[a-z0-9:-]*$/, "must be lowercase letters, digits, ':' or '-'")
        .optional()
        .meta({
          description:
            "Prefix the API server puts before OIDC group claims; tenant RoleBindings name `<prefix><idpGroup>`.",
          controls: ["C-ID-3", "C-ID-4"],
        }),
      platformAdminsGroup: idpGroup
        .optional()
        .meta({ description: "IdP group whose members administer the platform.", controls: ["C-ID-4"] }),
      platformAdminsEntraGroupObjectId: z
        .string()
        .regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/, "must be an Entra ID group object ID (a GUID)")
        .optional()
        .meta({
          description:
            "azure only, and required there: the Entra ID group bound to the platform-admin ClusterRole (AKS group claims are object IDs).",
          controls: ["C-ID-4"],
        }),
      oidcIssuerUrl: z
        .url({ protocol: /^https$/, error: "must be an https issuer URL" })
        .optional()
        .meta({
          description:
            "The OIDC issuer end users authenticate with (Keycloak realm URL); JWTs at the ingress must come from it. Required when a tenant route uses endUserAuth.",
          controls: ["C-MESH-6", "C-ID-3"],
        }),
      jwksUri: z
        .url({ protocol: /^https$/, error: "must be an https URL" })
        .optional()
        .meta({
          description:
            "JWKS of the issuer; unset means Keycloak's `<oidcIssuerUrl>/protocol/openid-connect/certs`.",
          controls: ["C-MESH-6"],
        }),
    })
    .optional()
    .meta({
      description: "Identity: OIDC groups for Kubernetes RBAC and the end-user issuer.",
      controls: ["C-ID-3", "C-ID-4"],
    }),
  addons: addons.optional().meta({
    description:
      "Platform add-ons. Every add-on is on unless a dev stack sets enabled: false; staging and prod refuse it.",
  }),
  enforcement: z
    .strictObject({
      admission: z
        .enum(enforcementActions)
        .optional()
        .meta({
          description:
            "Gatekeeper enforcementAction for every constraint; weaker than deny in prod needs allowProdOverrides.",
          controls: ["C-ADM-6"],
        }),
      constraintOverrides: z
        .record(z.string().regex(dnsLabel, "must be a constraint name"), z.enum(enforcementActions))
        .optional()
        .meta({
          description:
            "Per-constraint enforcementAction, keyed by constraint name (pod-security, allowed-images, resource-hygiene, service-exposure, mesh-injection).",
          controls: ["C-ADM-6"],
        }),
      allowProdOverrides: z
        .boolean()
        .optional()
        .meta({
          description:
            "Must be true for any admission enforcement weaker than deny, or NeuVector weaker than Protect, in prod: records the decision.",
          controls: ["C-ADM-6", "C-RT-5"],
        }),
    })
    .optional()
    .meta({ description: "The dev → staging → prod enforcement ladder.", controls: ["C-ADM-6"] }),
  tenants: z
    .array(tenant)
    .optional()
    .meta({
      description: "The platform's tenants: one isolated namespace each, with the flows it declares.",
      controls: ["C-TEN-1", "C-TEN-2", "C-TEN-3", "C-TEN-4", "C-TEN-5"],
    }),
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
