/**
 * Test data for the zero-trust pack: per policy, synthetic resources that pass and fail it, and
 * per policy, a prod-stack transformation that switches its control off.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Tier } from "../policy-packs/zero-trust/policies/common";
import { editInputs } from "./fixtures";
import type { AnalyzedResource } from "./harness/crossguard";

type Rec = Record<string, unknown>;

let counter = 0;
/** A synthetic resource whose outputs equal its inputs, as during a preview of a new resource. */
export function resource(type: string, inputs: Rec, extra: Partial<AnalyzedResource> = {}): AnalyzedResource {
  const name = extra.name ?? `r${counter++}`;
  return {
    type,
    name,
    urn: `urn:pulumi:test::zt-blueprint::${type}::${name}`,
    inputs,
    outputs: inputs,
    dependsOn: [],
    propertyDependencies: {},
    ...extra,
  };
}

export interface Example {
  readonly tier: Tier;
  readonly resources: readonly AnalyzedResource[];
}
const prod = (...resources: AnalyzedResource[]): Example => ({ tier: "prod", resources });
const dev = (...resources: AnalyzedResource[]): Example => ({ tier: "dev", resources });

const t = {
  eks: "aws:eks/cluster:Cluster",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  subnet: "aws:ec2/subnet:Subnet",
  kmsKey: "aws:kms/key:Key",
  ecr: "aws:ecr/repository:Repository",
  smSecret: "aws:secretsmanager/secret:Secret",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  aks: "azure:containerservice/kubernetesCluster:KubernetesCluster",
  nodePool: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
  vault: "azure:keyvault/keyVault:KeyVault",
  diagnostics: "azure:monitoring/diagnosticSetting:DiagnosticSetting",
  peerAuth: "kubernetes:security.istio.io/v1:PeerAuthentication",
  authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  release: "kubernetes:helm.sh/v3:Release",
  constraint: (kind: string) => `kubernetes:constraints.gatekeeper.sh/v1beta1:${kind}`,
  deployment: "kubernetes:apps/v1:Deployment",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
} as const;

const eks = (over: Rec = {}) =>
  resource(t.eks, {
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: "[unknown]" } },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    ...over,
  });
const kmsArn = "arn:aws:kms:eu-west-1:123456789012:key/k";
const launchTemplate = (over: Rec = {}) =>
  resource(t.launchTemplate, {
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: kmsArn } }],
    ...over,
  });
const aks = (over: Rec = {}) =>
  resource(t.aks, {
    privateClusterEnabled: true,
    localAccountDisabled: true,
    azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true },
    oidcIssuerEnabled: true,
    workloadIdentityEnabled: true,
    keyManagementService: { keyVaultKeyId: "https://kv.vault.azure.net/keys/k/1" },
    automaticUpgradeChannel: "patch",
    nodeOsUpgradeChannel: "NodeImage",
    maintenanceWindowAutoUpgrade: { frequency: "Weekly" },
    maintenanceWindowNodeOs: { frequency: "Weekly" },
    networkProfile: { networkPolicy: "cilium" },
    defaultNodePool: { nodePublicIpEnabled: false },
    ...over,
  });
const vault = (over: Rec = {}) =>
  resource(t.vault, {
    purgeProtectionEnabled: true,
    rbacAuthorizationEnabled: true,
    networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
    publicNetworkAccessEnabled: false,
    ...over,
  });

function diagnosticsFor(cluster: AnalyzedResource, categories: string[]): AnalyzedResource {
  return resource(
    t.diagnostics,
    {
      targetResourceId: "[unknown]",
      logAnalyticsWorkspaceId: "/subscriptions/s/workspaces/w",
      enabledLogs: categories.map((category) => ({ category })),
    },
    { propertyDependencies: { targetResourceId: [cluster.urn] }, dependsOn: [cluster.urn] },
  );
}

function binderPolicy(statement: Rec, tagged = true): AnalyzedResource[] {
  const tags = tagged ? { "zt-blueprint.io/service-account": "external-secrets/external-secrets" } : {};
  const role = resource(t.role, { assumeRolePolicy: "[unknown]", tags });
  const policy = resource(
    t.rolePolicy,
    {
      role: "[unknown]",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] }),
    },
    { propertyDependencies: { role: [role.urn] }, dependsOn: [role.urn] },
  );
  return [role, policy];
}

const k8s = (type: string, name: string, namespace: string | undefined, spec: Rec, metadata: Rec = {}) =>
  resource(type, { metadata: { name, ...(namespace ? { namespace } : {}), ...metadata }, spec });
const strictMesh = k8s(t.peerAuth, "default", "istio-system", { mtls: { mode: "STRICT" } });
const allowNothing = k8s(t.authz, "allow-nothing", "istio-system", {});
const istiod = (mode: string) =>
  resource(t.release, {
    chart: "istiod",
    version: "1.31.1",
    values: { meshConfig: { outboundTrafficPolicy: { mode } } },
  });
const tenantNamespace = (labels: Rec = {}) =>
  resource(t.namespace, {
    metadata: {
      name: "shop",
      labels: {
        "zt-blueprint.io/tenant": "shop",
        "pod-security.kubernetes.io/enforce": "restricted",
        "istio-injection": "enabled",
        ...labels,
      },
    },
  });
const denyAll = (policyTypes: string[]) =>
  k8s(t.networkPolicy, "default-deny", "shop", { podSelector: {}, policyTypes });

const restricted = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const deployment = (image: string, securityContext: Rec = restricted) =>
  k8s(t.deployment, "web", "shop", {
    template: { spec: { containers: [{ name: "web", image, securityContext }] } },
  });
const digest = "@sha256:0bcd60beb93f4427c29cf3a669743caf58490e98ded4380c33c09f092734a6ab";
const constraint = (kind: string, spec: Rec) => k8s(t.constraint(kind), kind.toLowerCase(), undefined, spec);
const release = (chart: string, version: string, values: Rec = {}) =>
  resource(t.release, { chart, version, repositoryOpts: { repo: "https://charts.example.com" }, values });

/** Per policy: examples it must pass and examples it must fail (with a mandatory finding in prod). */
export const examples: Record<string, { pass: Example[]; fail: Example[] }> = {
  "eks-private-endpoint": {
    pass: [
      prod(eks()),
      dev(eks({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } })),
    ],
    fail: [
      prod(eks({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } })),
      dev(eks({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } })),
    ],
  },
  "eks-secrets-encryption": {
    pass: [prod(eks())],
    fail: [prod(eks({ encryptionConfig: { resources: [] } }))],
  },
  "eks-control-plane-logs": {
    pass: [prod(eks())],
    fail: [prod(eks({ enabledClusterLogTypes: ["api", "audit"] }))],
  },
  "eks-access-entries": {
    pass: [prod(eks())],
    fail: [
      prod(
        eks({
          accessConfig: {
            authenticationMode: "API_AND_CONFIG_MAP",
            bootstrapClusterCreatorAdminPermissions: false,
          },
        }),
      ),
    ],
  },
  "eks-node-launch-template": {
    pass: [prod(launchTemplate())],
    fail: [
      prod(launchTemplate({ metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } })),
      prod(
        launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
      ),
    ],
  },
  "aws-no-public-node-ips": {
    pass: [prod(resource(t.subnet, { mapPublicIpOnLaunch: false }), launchTemplate())],
    fail: [
      prod(resource(t.subnet, { mapPublicIpOnLaunch: true })),
      prod(launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "true" }] })),
    ],
  },
  "kms-key-rotation": {
    pass: [prod(resource(t.kmsKey, { enableKeyRotation: true }))],
    fail: [prod(resource(t.kmsKey, { enableKeyRotation: false }))],
  },
  "ecr-scan-and-immutable-tags": {
    pass: [
      prod(
        resource(t.ecr, {
          imageScanningConfiguration: { scanOnPush: true },
          imageTagMutability: "IMMUTABLE",
        }),
      ),
    ],
    fail: [
      prod(
        resource(t.ecr, { imageScanningConfiguration: { scanOnPush: false }, imageTagMutability: "MUTABLE" }),
      ),
    ],
  },
  "secretsmanager-cmk": {
    pass: [prod(resource(t.smSecret, { name: "zt/prod/db", kmsKeyId: kmsArn }))],
    fail: [prod(resource(t.smSecret, { name: "zt/prod/db" }))],
  },
  "binder-role-least-privilege": {
    pass: [
      prod(
        ...binderPolicy({
          Action: ["secretsmanager:GetSecretValue"],
          Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:zt/prod/*",
        }),
      ),
      // Roles without the binder tag (service roles) are out of scope.
      prod(
        ...binderPolicy({ Action: "kms:*", Resource: "*" }, false),
        ...binderPolicy({ Action: "logs:PutLogEvents", Resource: "arn:aws:logs:eu-west-1:1:log-group:/a:*" }),
      ),
    ],
    fail: [
      prod(
        ...binderPolicy({
          Action: "secretsmanager:*",
          Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
        }),
      ),
      prod(...binderPolicy({ Action: "secretsmanager:GetSecretValue", Resource: "*" })),
      prod(
        ...binderPolicy({
          Action: "secretsmanager:GetSecretValue",
          Resource: "arn:aws:secretsmanager:*:123456789012:secret:x",
        }),
      ),
    ],
  },
  "aks-private-api": {
    pass: [
      prod(aks()),
      dev(
        aks({
          privateClusterEnabled: false,
          apiServerAccessProfile: { authorizedIpRanges: ["203.0.113.0/24"] },
        }),
      ),
    ],
    fail: [
      prod(
        aks({
          privateClusterEnabled: false,
          apiServerAccessProfile: { authorizedIpRanges: ["203.0.113.0/24"] },
        }),
      ),
      dev(
        aks({ privateClusterEnabled: false, apiServerAccessProfile: { authorizedIpRanges: ["0.0.0.0/0"] } }),
      ),
    ],
  },
  "aks-entra-only": { pass: [prod(aks())], fail: [prod(aks({ localAccountDisabled: false }))] },
  "aks-workload-identity": { pass: [prod(aks())], fail: [prod(aks({ workloadIdentityEnabled: false }))] },
  "aks-kms-etcd-encryption": { pass: [prod(aks())], fail: [prod(aks({ keyManagementService: undefined }))] },
  "aks-upgrade-channels": {
    pass: [prod(aks())],
    fail: [prod(aks({ automaticUpgradeChannel: "none" })), prod(aks({ nodeOsUpgradeChannel: "Unmanaged" }))],
  },
  "aks-network-policy-engine": {
    pass: [prod(aks())],
    fail: [prod(aks({ networkProfile: { networkPlugin: "azure" } }))],
  },
  "aks-no-public-node-ips": {
    pass: [prod(aks(), resource(t.nodePool, { nodePublicIpEnabled: false }))],
    fail: [
      prod(aks({ defaultNodePool: { nodePublicIpEnabled: true } })),
      prod(resource(t.nodePool, { nodePublicIpEnabled: true })),
    ],
  },
  "keyvault-hardening": {
    pass: [prod(vault()), dev(vault({ publicNetworkAccessEnabled: true }))],
    fail: [
      prod(vault({ publicNetworkAccessEnabled: true })),
      dev(vault({ purgeProtectionEnabled: false })),
      dev(vault({ networkAcls: { defaultAction: "Allow" } })),
    ],
  },
  "aks-audit-diagnostics": (() => {
    const cluster = aks();
    return {
      pass: [prod(cluster, diagnosticsFor(cluster, ["kube-apiserver", "kube-audit-admin", "guard"]))],
      fail: [prod(cluster), prod(cluster, diagnosticsFor(cluster, ["kube-apiserver", "kube-audit-admin"]))],
    };
  })(),
  "mesh-no-weak-peer-authentication": {
    pass: [
      prod(strictMesh),
      prod(
        k8s(t.peerAuth, "metrics", "shop", {
          selector: { matchLabels: { app: "web" } },
          portLevelMtls: { "9090": { mode: "PERMISSIVE" } },
        }),
      ),
    ],
    fail: [
      prod(k8s(t.peerAuth, "default", "shop", { mtls: { mode: "PERMISSIVE" } })),
      prod(k8s(t.peerAuth, "ports", "shop", { portLevelMtls: { "8080": { mode: "DISABLE" } } })),
    ],
  },
  "mesh-strict-mtls-baseline": {
    pass: [prod(strictMesh, istiod("REGISTRY_ONLY"))],
    fail: [
      prod(istiod("REGISTRY_ONLY")),
      prod(k8s(t.peerAuth, "default", "shop", { mtls: { mode: "STRICT" } })),
    ],
  },
  "mesh-default-deny-authorization": {
    pass: [prod(allowNothing)],
    fail: [prod(strictMesh), prod(k8s(t.authz, "allow-all", "istio-system", { rules: [{}] }))],
  },
  "mesh-registry-only-egress": {
    pass: [prod(istiod("REGISTRY_ONLY"))],
    fail: [prod(istiod("ALLOW_ANY")), prod(strictMesh)],
  },
  "tenant-default-deny-network": {
    pass: [prod(tenantNamespace(), denyAll(["Ingress", "Egress"]))],
    fail: [prod(tenantNamespace()), prod(tenantNamespace(), denyAll(["Ingress"]))],
  },
  "namespace-pod-security": {
    pass: [
      prod(tenantNamespace()),
      prod(
        resource(t.namespace, {
          metadata: {
            name: "falco",
            labels: { "pod-security.kubernetes.io/enforce": "privileged" },
            annotations: { "zt-blueprint.io/privileged-reason": "eBPF probe" },
          },
        }),
      ),
    ],
    fail: [
      prod(tenantNamespace({ "pod-security.kubernetes.io/enforce": "baseline" })),
      prod(resource(t.namespace, { metadata: { name: "tools" } })),
      prod(
        resource(t.namespace, {
          metadata: { name: "tools", labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
        }),
      ),
    ],
  },
  "tenant-namespace-in-mesh": {
    pass: [
      prod(tenantNamespace()),
      prod(tenantNamespace({ "istio-injection": undefined, "istio.io/dataplane-mode": "ambient" })),
    ],
    fail: [prod(tenantNamespace({ "istio-injection": "disabled" }))],
  },
  "gatekeeper-enforcement-action": {
    pass: [
      prod(constraint("ZtPodSecurity", { enforcementAction: "deny" })),
      dev(constraint("ZtPodSecurity", { enforcementAction: "dryrun" })),
    ],
    fail: [
      prod(constraint("ZtPodSecurity", { enforcementAction: "warn" })),
      dev(constraint("ZtPodSecurity", {})),
    ],
  },
  "gatekeeper-webhook-fail-closed": {
    pass: [
      prod(release("gatekeeper", "3.23.1", { validatingWebhookFailurePolicy: "Fail" })),
      dev(release("gatekeeper", "3.23.1", { validatingWebhookFailurePolicy: "Ignore" })),
    ],
    fail: [
      prod(release("gatekeeper", "3.23.1", {})),
      prod(release("gatekeeper", "3.23.1", { validatingWebhookFailurePolicy: "Ignore" })),
    ],
  },
  "signature-webhook-fail-closed": {
    pass: [prod(release("policy-controller", "0.10.6", { webhook: { failurePolicy: "Fail" } }))],
    fail: [prod(release("policy-controller", "0.10.6", { webhook: { failurePolicy: "Ignore" } }))],
  },
  "workload-security-context": {
    pass: [prod(deployment(`registry.example.com/web${digest}`))],
    fail: [
      prod(
        deployment(`registry.example.com/web${digest}`, {
          ...restricted,
          allowPrivilegeEscalation: true,
          capabilities: { drop: [] },
        }),
      ),
    ],
  },
  "images-pinned-by-digest": {
    pass: [
      prod(
        deployment(`registry.example.com/web:1.2.3${digest}`),
        constraint("ZtAllowedImages", { parameters: { requireDigest: true } }),
      ),
      dev(deployment("registry.example.com/web:1.2.3")),
    ],
    fail: [
      prod(deployment("registry.example.com/web:1.2.3")),
      dev(deployment("registry.example.com/web:latest")),
      prod(constraint("ZtAllowedImages", { parameters: { requireDigest: false } })),
    ],
  },
  "helm-chart-pinned": {
    pass: [prod(release("gatekeeper", "3.23.1"))],
    fail: [
      prod(release("gatekeeper", "^3.23.0")),
      prod(release("gatekeeper", "")),
      prod(
        resource(t.release, {
          chart: "x",
          version: "1.0.0",
          repositoryOpts: { repo: "http://charts.example.com" },
        }),
      ),
    ],
  },
  "no-plaintext-credentials": {
    pass: [
      prod(resource(t.configMap, { data: { "log-level": "info", existingSecret: "db-credentials" } })),
      prod(resource(t.secret, { stringData: { password: "kept in a Secret" } })),
      prod(
        resource("kubernetes:external-secrets.io/v1:ExternalSecret", {
          spec: {
            data: [{ secretKey: "db-password", remoteRef: { key: "zt/prod/db", property: "password" } }],
          },
        }),
      ),
      prod(release("keycloak", "1.0.0", { auth: { existingSecret: "keycloak-admin", adminPassword: "" } })),
    ],
    fail: [
      prod(resource(t.configMap, { data: { DB_PASSWORD: "hunter2" } })),
      prod(release("grafana", "1.0.0", { adminPassword: "prom-operator" })),
      prod(
        deployment("r/web:1", restricted),
        resource(t.deployment, {
          spec: {
            template: {
              spec: {
                containers: [{ name: "c", image: "r/c:1", env: [{ name: "API_TOKEN", value: "abc123" }] }],
              },
            },
          },
        }),
      ),
      prod(
        resource(t.configMap, {
          data: { "key.pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----" },
        }),
      ),
      prod(resource(t.configMap, { data: { creds: "aws_access_key_id=AKIAABCDEFGHIJKLMNOP" } })),
    ],
  },
};

export interface SwitchOff {
  readonly policy: string;
  readonly stack: "aws-prod" | "azure-prod";
  /** What the transformation does, in words: it becomes the test name. */
  readonly what: string;
  readonly transformation: pulumi.ResourceTransformation;
}

/** Sets a dotted path inside props (creating objects on the way) on resources matching `when`. */
function edit(
  type: string,
  path: string,
  value: unknown,
  when: (props: Rec, name: string) => boolean = () => true,
) {
  return editInputs(type, (props, name) => {
    if (!when(props, name)) return;
    const keys = path.split(".");
    const last = keys.pop() as string;
    let target = props;
    for (const key of keys) target = (target[key] ??= {}) as Rec;
    if (value === undefined) delete target[last];
    else target[last] = value;
  });
}
const named = (name: string) => (props: Rec) => (props["metadata"] as Rec | undefined)?.["name"] === name;
const chart = (name: string) => (props: Rec) => props["chart"] === name;

/** One prod switch-off per policy that a shipped prod stack exercises. */
export const switchOffs: readonly SwitchOff[] = [
  {
    policy: "eks-private-endpoint",
    stack: "aws-prod",
    what: "the EKS endpoint turns public",
    transformation: edit(t.eks, "vpcConfig.endpointPublicAccess", true),
  },
  {
    policy: "eks-secrets-encryption",
    stack: "aws-prod",
    what: "encryptionConfig is removed",
    transformation: edit(t.eks, "encryptionConfig", undefined),
  },
  {
    policy: "eks-control-plane-logs",
    stack: "aws-prod",
    what: "the audit log type is dropped",
    transformation: edit(t.eks, "enabledClusterLogTypes", [
      "api",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]),
  },
  {
    policy: "eks-access-entries",
    stack: "aws-prod",
    what: "authentication falls back to the aws-auth ConfigMap",
    transformation: edit(t.eks, "accessConfig.authenticationMode", "API_AND_CONFIG_MAP"),
  },
  {
    policy: "eks-node-launch-template",
    stack: "aws-prod",
    what: "the IMDS hop limit becomes 2",
    transformation: edit(t.launchTemplate, "metadataOptions.httpPutResponseHopLimit", 2),
  },
  {
    policy: "aws-no-public-node-ips",
    stack: "aws-prod",
    what: "a private subnet maps public IPs",
    transformation: edit(t.subnet, "mapPublicIpOnLaunch", true, (_p, name) => name.includes("private-0")),
  },
  {
    policy: "secretsmanager-cmk",
    stack: "aws-prod",
    what: "Keycloak's database password secret loses its CMK",
    transformation: edit(t.smSecret, "kmsKeyId", undefined, (_p, name) =>
      name.includes("keycloak-db-password"),
    ),
  },
  {
    policy: "workload-security-context",
    stack: "aws-prod",
    what: "Keycloak's root filesystem becomes writable",
    transformation: editInputs(t.deployment, (props) => {
      if ((props["metadata"] as Rec | undefined)?.["name"] !== "keycloak") return;
      const containers = ((props["spec"] as Rec)["template"] as { spec: { containers: Rec[] } }).spec
        .containers;
      for (const container of containers)
        (container["securityContext"] as Rec)["readOnlyRootFilesystem"] = false;
    }),
  },
  {
    policy: "kms-key-rotation",
    stack: "aws-prod",
    what: "CMK rotation is switched off",
    transformation: edit(t.kmsKey, "enableKeyRotation", false),
  },
  {
    policy: "ecr-scan-and-immutable-tags",
    stack: "aws-prod",
    what: "the registry allows mutable tags",
    transformation: edit(t.ecr, "imageTagMutability", "MUTABLE"),
  },
  {
    policy: "binder-role-least-privilege",
    stack: "aws-prod",
    what: "the falcosidekick role is granted logs:* on *",
    transformation: edit(
      t.rolePolicy,
      "policy",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }],
      }),
      (_p, name) => name.endsWith("falcosidekick"),
    ),
  },
  {
    policy: "aks-private-api",
    stack: "azure-prod",
    what: "the AKS cluster is no longer private",
    transformation: edit(t.aks, "privateClusterEnabled", false),
  },
  {
    policy: "aks-entra-only",
    stack: "azure-prod",
    what: "local accounts are enabled",
    transformation: edit(t.aks, "localAccountDisabled", false),
  },
  {
    policy: "aks-workload-identity",
    stack: "azure-prod",
    what: "workload identity is switched off",
    transformation: edit(t.aks, "workloadIdentityEnabled", false),
  },
  {
    policy: "aks-kms-etcd-encryption",
    stack: "azure-prod",
    what: "KMS etcd encryption is removed",
    transformation: edit(t.aks, "keyManagementService", undefined),
  },
  {
    policy: "aks-upgrade-channels",
    stack: "azure-prod",
    what: "the automatic upgrade channel is removed",
    transformation: edit(t.aks, "automaticUpgradeChannel", undefined),
  },
  {
    policy: "aks-network-policy-engine",
    stack: "azure-prod",
    what: "the network policy engine is removed",
    transformation: edit(t.aks, "networkProfile.networkPolicy", undefined),
  },
  {
    policy: "aks-no-public-node-ips",
    stack: "azure-prod",
    what: "system pool nodes get public IPs",
    transformation: edit(t.aks, "defaultNodePool.nodePublicIpEnabled", true),
  },
  {
    policy: "aks-audit-diagnostics",
    stack: "azure-prod",
    what: "the guard log category is dropped",
    transformation: edit(t.diagnostics, "enabledLogs", [
      { category: "kube-apiserver" },
      { category: "kube-audit-admin" },
    ]),
  },
  {
    policy: "keyvault-hardening",
    stack: "azure-prod",
    what: "the Key Vault loses purge protection",
    transformation: edit(t.vault, "purgeProtectionEnabled", false),
  },
  {
    policy: "mesh-no-weak-peer-authentication",
    stack: "aws-prod",
    what: "mesh-wide mTLS turns PERMISSIVE",
    transformation: edit(t.peerAuth, "spec.mtls.mode", "PERMISSIVE"),
  },
  {
    policy: "mesh-strict-mtls-baseline",
    stack: "aws-prod",
    what: "the STRICT PeerAuthentication leaves the root namespace",
    transformation: edit(t.peerAuth, "metadata.namespace", "payments"),
  },
  {
    policy: "mesh-default-deny-authorization",
    stack: "azure-prod",
    what: "allow-nothing gains an allow-all rule",
    transformation: edit(t.authz, "spec.rules", [{}], named("allow-nothing")),
  },
  {
    policy: "mesh-registry-only-egress",
    stack: "aws-prod",
    what: "istiod allows any outbound host",
    transformation: edit(
      t.release,
      "values.meshConfig.outboundTrafficPolicy",
      { mode: "ALLOW_ANY" },
      chart("istiod"),
    ),
  },
  {
    policy: "tenant-default-deny-network",
    stack: "azure-prod",
    what: "default-deny stops covering egress",
    transformation: edit(t.networkPolicy, "spec.policyTypes", ["Ingress"], named("default-deny")),
  },
  {
    policy: "namespace-pod-security",
    stack: "aws-prod",
    what: "a tenant namespace is relaxed to baseline",
    transformation: editInputs(t.namespace, (props) => {
      const labels = (props["metadata"] as Rec)["labels"] as Rec;
      if (labels["zt-blueprint.io/tenant"]) labels["pod-security.kubernetes.io/enforce"] = "baseline";
    }),
  },
  {
    policy: "gatekeeper-enforcement-action",
    stack: "aws-prod",
    what: "the pod-security constraint only warns",
    transformation: edit(t.constraint("ZtPodSecurity"), "spec.enforcementAction", "warn"),
  },
  {
    policy: "gatekeeper-webhook-fail-closed",
    stack: "azure-prod",
    what: "the Gatekeeper webhook fails open",
    transformation: edit(t.release, "values.validatingWebhookFailurePolicy", "Ignore", chart("gatekeeper")),
  },
  {
    policy: "signature-webhook-fail-closed",
    stack: "aws-prod",
    what: "the signature webhook fails open",
    transformation: edit(t.release, "values.webhook.failurePolicy", "Ignore", chart("policy-controller")),
  },
  {
    policy: "tenant-namespace-in-mesh",
    stack: "azure-prod",
    what: "tenant namespaces lose sidecar injection",
    transformation: editInputs(t.namespace, (props) => {
      const labels = (props["metadata"] as Rec)["labels"] as Rec;
      if (labels["zt-blueprint.io/tenant"]) labels["istio-injection"] = "disabled";
    }),
  },
  {
    policy: "images-pinned-by-digest",
    stack: "aws-prod",
    what: "admission stops requiring digests",
    transformation: edit(t.constraint("ZtAllowedImages"), "spec.parameters", {
      // The component computes parameters (an Output); the edit replaces them whole.
      registries: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
      requireDigest: false,
    }),
  },
  {
    policy: "helm-chart-pinned",
    stack: "aws-prod",
    what: "the Falco chart floats on a version range",
    transformation: edit(t.release, "version", "^9.1.0", chart("falco")),
  },
  {
    policy: "no-plaintext-credentials",
    stack: "aws-prod",
    what: "falcosidekick gets a static AWS access key in its values",
    transformation: edit(
      t.release,
      "values.falcosidekick.config.aws",
      { accesskeyid: "AKIAIOSFODNN7EXAMPLE", secretaccesskey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      chart("falco"),
    ),
  },
];
