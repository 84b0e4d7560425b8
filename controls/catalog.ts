/**
 * The zero-trust controls catalog: every control of the brief (shared/controls.md) as data.
 *
 * Tests claim the controls they prove through `proves([...ids], title, fn)` (tests/harness/proves.ts);
 * `npm run controls` and each render's summary.md join that claim with this catalog. A control
 * is "required" unless the brief itself calls it an option.
 */

export type ControlArea =
  "cluster" | "mesh" | "admission" | "runtime" | "secrets" | "identity" | "tenancy" | "policy";

export interface Control {
  readonly id: string;
  readonly area: ControlArea;
  readonly title: string;
  /** What "on" means, in the brief's words. */
  readonly on: string;
  readonly required: boolean;
}

const areaByPrefix: Record<string, ControlArea> = {
  CL: "cluster",
  MESH: "mesh",
  ADM: "admission",
  RT: "runtime",
  SEC: "secrets",
  ID: "identity",
  TEN: "tenancy",
  POL: "policy",
};

function c(id: string, title: string, on: string, required = true): Control {
  const prefix = id.split("-")[1] ?? "";
  const area = areaByPrefix[prefix];
  if (!area) throw new Error(`control ${id}: unknown area prefix ${prefix}`);
  return { id, area, title, on, required };
}

export const controls: readonly Control[] = [
  c(
    "C-CL-1",
    "Private API endpoint",
    "prod: private endpoint only. dev may allow a public endpoint restricted to listed CIDRs; `0.0.0.0/0` is never accepted.",
  ),
  c(
    "C-CL-2",
    "Secrets encrypted at rest with a customer-managed key",
    "EKS `encryptionConfig` with a KMS CMK (rotation on); AKS KMS etcd encryption with a Key Vault key.",
  ),
  c(
    "C-CL-3",
    "Control-plane audit logs",
    "EKS: api, audit, authenticator, controllerManager, scheduler to CloudWatch with retention and KMS. AKS: diagnostic settings incl. kube-audit-admin and guard to Log Analytics with retention.",
  ),
  c(
    "C-CL-4",
    "No static admin credentials",
    "EKS access entries (API auth mode, no aws-auth ConfigMap edits); AKS local accounts disabled, Entra ID RBAC on.",
  ),
  c(
    "C-CL-5",
    "Workload identity, least privilege",
    "EKS IRSA or Pod Identity; AKS workload identity + OIDC issuer. One identity per add-on, policies scoped to exact ARNs / scopes.",
  ),
  c(
    "C-CL-6",
    "Hardened nodes",
    "private subnets, no public IPs, IMDSv2 required with hop limit 1, root volumes encrypted with the CMK, minimal OS (Bottlerocket / Azure Linux), no SSH.",
  ),
  c(
    "C-CL-7",
    "Patching",
    "supported Kubernetes version pinned per stack; automatic patch/node-image upgrade channel with a maintenance window.",
  ),
  c(
    "C-CL-8",
    "NetworkPolicy enforcement",
    "a network policy engine is enabled on the cluster (VPC CNI policy agent or Calico; Azure CNI with Cilium/Calico).",
  ),
  c(
    "C-CL-9",
    "Controlled egress from nodes",
    "nodes egress only through NAT/firewall; no route straight to the internet from pods on public subnets.",
  ),
  c(
    "C-CL-10",
    "Trusted registry",
    "private registry (ECR/ACR) with scan on push and immutable tags; the admission allowlist points at it.",
  ),
  c(
    "C-MESH-1",
    "STRICT mTLS everywhere",
    "mesh-wide `PeerAuthentication` mode STRICT in the root namespace; no PERMISSIVE override in prod.",
  ),
  c(
    "C-MESH-2",
    "Default-deny authorization",
    "mesh-wide allow-nothing `AuthorizationPolicy`; every allowed flow is an explicit policy naming SPIFFE principals.",
  ),
  c(
    "C-MESH-3",
    "Controlled egress",
    "`outboundTrafficPolicy: REGISTRY_ONLY`; external hosts only via declared `ServiceEntry` (through an egress gateway in prod).",
  ),
  c(
    "C-MESH-4",
    "Every tenant workload is in the mesh",
    "tenant namespaces labelled for injection (or ambient); admission rejects tenant pods that opt out.",
  ),
  c(
    "C-MESH-5",
    "Mesh identity and CA",
    "workload certificates short-lived; root CA choice documented (istiod self-signed or plugged-in CA).",
  ),
  c(
    "C-MESH-6",
    "Authenticated ingress",
    "one ingress gateway, TLS only (min 1.2), `RequestAuthentication` against the Keycloak issuer for end-user routes.",
  ),
  c(
    "C-ADM-1",
    "Gatekeeper installed and fail-closed",
    "webhook fails closed in prod, audit on, only system namespaces exempt.",
  ),
  c(
    "C-ADM-2",
    "Pod security",
    "deny privileged, host namespaces/ports/paths, root users, added capabilities (drop ALL), writable root fs, privilege escalation, missing seccomp RuntimeDefault. PSA `restricted` labels as a second layer.",
  ),
  c(
    "C-ADM-3",
    "Image provenance",
    "images only from allowed registries; no `:latest`; digests required in prod.",
  ),
  c(
    "C-ADM-4",
    "Resource hygiene",
    "requests/limits required; owner/team labels required; no workloads in `default`.",
  ),
  c(
    "C-ADM-5",
    "Image signature verification",
    "signatures verified at admission for tenant namespaces (Connaisseur, or sigstore policy-controller), keys/identities from config.",
  ),
  c(
    "C-ADM-6",
    "Graduated enforcement",
    "dev: dryrun/warn; staging: warn; prod: deny — one config switch per environment.",
  ),
  c("C-ADM-7", "No stray exposure", "LoadBalancer/NodePort services only in the ingress namespace."),
  c(
    "C-RT-1",
    "Runtime threat detection",
    "Falco with the modern eBPF driver; rules beyond the defaults for this platform; alerts routed to a configured sink.",
  ),
  c(
    "C-RT-2",
    "In-cluster scanning",
    "Trivy operator: vulnerability, config-audit, exposed-secret and RBAC reports; severity threshold; metrics exported.",
  ),
  c(
    "C-RT-3",
    "Monitoring and alerting",
    "Prometheus scraping Falco, Trivy, Gatekeeper and Istio, with alert rules for critical findings.",
  ),
  c(
    "C-RT-4",
    "Audit retention",
    "control-plane audit logs and Gatekeeper audit results retained for a configured period.",
  ),
  c("C-RT-5", "NeuVector (option)", "deployable instead of / beside Falco with equivalent posture.", false),
  c(
    "C-SEC-1",
    "Secrets from the cloud vault",
    "External Secrets Operator with a store for AWS Secrets Manager (IRSA/Pod Identity) or Azure Key Vault (workload identity); no static cloud credentials anywhere.",
  ),
  c(
    "C-SEC-2",
    "Least privilege",
    "the operator's identity reads only the blueprint's prefix/vault; each tenant's store reads only its own prefix.",
  ),
  c(
    "C-SEC-3",
    "Vault hardening",
    "AWS: CMK with rotation. Azure: RBAC mode, purge protection, soft delete, network default deny / private endpoint.",
  ),
  c(
    "C-SEC-4",
    "Secret hygiene",
    "refresh interval set; generated secrets are Pulumi secrets; nothing secret in plain text in state, outputs, render or logs.",
  ),
  c(
    "C-ID-1",
    "Keycloak, hardened",
    "official image pinned, HA-capable, Postgres-backed (managed in prod), TLS, admin console not public.",
  ),
  c(
    "C-ID-2",
    "MFA for every human",
    "OTP required (required action + browser flow); WebAuthn option; brute-force detection; password policy.",
  ),
  c(
    "C-ID-3",
    "OIDC for the Kubernetes API",
    "a PKCE client for kubectl with a groups claim; the cluster trusts the issuer (EKS identity provider config; AKS path documented).",
  ),
  c(
    "C-ID-4",
    "RBAC from IdP groups",
    "platform admins and tenant groups bound by group; no user bound to cluster-admin; no wildcard verbs in tenant roles.",
  ),
  c("C-ID-5", "Short sessions", "short access-token lifetime, session idle/max limits."),
  c(
    "C-ID-6",
    "Service-account tokens",
    "`automountServiceAccountToken: false` by default; one service account per workload.",
  ),
  c("C-TEN-1", "Isolated namespace", "PSA enforce=restricted, mesh label."),
  c(
    "C-TEN-2",
    "Default-deny network",
    "ingress+egress deny, then allow DNS, same namespace, ingress gateway where declared, declared peers.",
  ),
  c("C-TEN-3", "Mesh authorization", "only declared peer principals may call into the tenant."),
  c("C-TEN-4", "Quotas", "ResourceQuota and LimitRange."),
  c("C-TEN-5", "Tenant RBAC", "Role/RoleBinding to the tenant's IdP group only."),
  c(
    "C-TEN-6",
    "Tenant secrets",
    "a SecretStore scoped to the tenant's vault prefix with its own cloud identity.",
  ),
  c(
    "C-POL-1",
    "Preventive IaC policy",
    "a CrossGuard pack checks the controls above at preview time: mandatory in prod, advisory in dev.",
  ),
  c(
    "C-POL-2",
    "Shipped stacks are clean",
    "every stack in `stacks/` passes the pack with 0 mandatory violations; each policy has a passing and a failing test.",
  ),
  c(
    "C-POL-3",
    "Admission policies are tested",
    "each ConstraintTemplate has gator suites with allowed and denied objects.",
  ),
  c(
    "C-POL-4",
    "Schemas",
    "every rendered manifest validates against the Kubernetes and upstream CRD schemas of the pinned versions.",
  ),
];

const byId = new Map(controls.map((control) => [control.id, control]));

export function getControl(id: string): Control {
  const control = byId.get(id);
  if (!control) throw new Error(`unknown control ID ${id}; see controls/catalog.ts`);
  return control;
}

export function isControlId(id: string): boolean {
  return byId.has(id);
}

/** Matches a control ID anywhere in a string, e.g. in a test name. */
export const controlIdPattern = /\bC-(?:CL|MESH|ADM|RT|SEC|ID|TEN|POL)-\d+\b/g;
