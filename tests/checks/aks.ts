/** Cluster-layer checks for AKS (C-CL-1 … C-CL-10) on a captured graph; empty = control on. */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

export const azure = {
  cluster: "azure:containerservice/kubernetesCluster:KubernetesCluster",
  vault: "azure:keyvault/keyVault:KeyVault",
  key: "azure:keyvault/key:Key",
  diagnostics: "azure:monitoring/diagnosticSetting:DiagnosticSetting",
  workspace: "azure:operationalinsights/analyticsWorkspace:AnalyticsWorkspace",
  subnet: "azure:network/subnet:Subnet",
  natAssociation: "azure:network/subnetNatGatewayAssociation:SubnetNatGatewayAssociation",
  registry: "azure:containerservice/registry:Registry",
  defender: "azure:securitycenter/subscriptionPricing:SubscriptionPricing",
  identity: "azure:authorization/userAssignedIdentity:UserAssignedIdentity",
  federated: "azure:armmsi/federatedIdentityCredential:FederatedIdentityCredential",
  assignment: "azure:authorization/assignment:Assignment",
} as const;

function one(graph: ResourceGraph, type: string): CapturedResource {
  const found = graph.ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as CapturedResource;
}

const cluster = (graph: ResourceGraph) => one(graph, azure.cluster).inputs;

export function checkPrivateApi(graph: ResourceGraph, tier: string): string[] {
  const inputs = cluster(graph);
  const ranges = (at(inputs, "apiServerAccessProfile.authorizedIpRanges") ?? []) as string[];
  const problems: string[] = [];
  if (inputs["privateClusterEnabled"] !== true) {
    if (tier === "prod") problems.push("prod is not a private cluster");
    if (ranges.length === 0 || ranges.includes("0.0.0.0/0"))
      problems.push("the public API server is open to everyone");
  }
  if (inputs["privateClusterPublicFqdnEnabled"] === true)
    problems.push("the private cluster publishes a public FQDN");
  return problems;
}

export function checkKmsEncryption(graph: ResourceGraph): string[] {
  const kms = at(cluster(graph), "keyManagementService") as { keyVaultKeyId?: string } | undefined;
  const key = one(graph, azure.key);
  const vault =
    graph.ofType(azure.vault).find((v) => v.outputs["id"] === key.inputs["keyVaultId"])?.inputs ?? {};
  const problems: string[] = [];
  if (!kms?.keyVaultKeyId || kms.keyVaultKeyId !== key.outputs["id"])
    problems.push("etcd is not KMS-encrypted with the Key Vault key");
  if (!at(key.inputs, "rotationPolicy.automatic")) problems.push("the KMS key does not rotate");
  if (vault["purgeProtectionEnabled"] !== true) problems.push("the vault can be purged");
  return problems;
}

export function checkAuditDiagnostics(graph: ResourceGraph): string[] {
  const setting = graph
    .ofType(azure.diagnostics)
    .find((d) => d.inputs["targetResourceId"] === one(graph, azure.cluster).outputs["id"]);
  if (!setting) return ["no diagnostic setting on the cluster"];
  const categories = ((setting.inputs["enabledLogs"] ?? []) as { category?: string }[]).map(
    (l) => l.category,
  );
  const problems = ["kube-audit-admin", "guard", "kube-apiserver"]
    .filter((c) => !categories.includes(c))
    .map((c) => `diagnostic category ${c} is off`);
  const workspace = graph
    .ofType(azure.workspace)
    .find((w) => w.outputs["id"] === setting.inputs["logAnalyticsWorkspaceId"]);
  if (!((workspace?.inputs["retentionInDays"] as number) > 0)) problems.push("audit logs have no retention");
  return problems;
}

export function checkEntraOnly(graph: ResourceGraph): string[] {
  const inputs = cluster(graph);
  const problems: string[] = [];
  if (inputs["localAccountDisabled"] !== true) problems.push("local (static) admin accounts are enabled");
  if (at(inputs, "azureActiveDirectoryRoleBasedAccessControl.azureRbacEnabled") !== true)
    problems.push("Azure RBAC is off");
  return problems;
}

export function checkWorkloadIdentity(graph: ResourceGraph): string[] {
  const inputs = cluster(graph);
  const problems: string[] = [];
  if (inputs["oidcIssuerEnabled"] !== true) problems.push("the OIDC issuer is off");
  if (inputs["workloadIdentityEnabled"] !== true) problems.push("workload identity is off");
  for (const credential of graph.ofType(azure.federated)) {
    if (!/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/.test(String(credential.inputs["subject"]))) {
      problems.push(`${credential.name}: subject is not one exact ServiceAccount`);
    }
  }
  for (const assignment of graph.ofType(azure.assignment)) {
    const scope = String(assignment.inputs["scope"]);
    if (!scope.includes("/providers/") || scope.includes("*"))
      problems.push(`${assignment.name}: scope ${scope} is wider than one resource`);
  }
  return problems;
}

export function checkHardenedNodePool(graph: ResourceGraph): string[] {
  const inputs = cluster(graph);
  const pool = (inputs["defaultNodePool"] ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (pool["nodePublicIpEnabled"] !== false) problems.push("nodes get public IPs");
  if (pool["osSku"] !== "AzureLinux") problems.push(`nodes run ${String(pool["osSku"])}, not Azure Linux`);
  if (pool["hostEncryptionEnabled"] !== true) problems.push("node disks are not host-encrypted");
  if (inputs["linuxProfile"]) problems.push("nodes accept SSH (linuxProfile is set)");
  return problems;
}

export function checkUpgradeChannels(graph: ResourceGraph, version: string): string[] {
  const inputs = cluster(graph);
  const problems: string[] = [];
  if (inputs["kubernetesVersion"] !== version)
    problems.push(`version ${String(inputs["kubernetesVersion"])} is not ${version}`);
  if (inputs["automaticUpgradeChannel"] !== "patch") problems.push("no automatic patch channel");
  if (inputs["nodeOsUpgradeChannel"] !== "NodeImage") problems.push("no node image channel");
  if (!inputs["maintenanceWindowAutoUpgrade"] || !inputs["maintenanceWindowNodeOs"])
    problems.push("no maintenance window");
  return problems;
}

export function checkNetworkPolicy(graph: ResourceGraph): string[] {
  const policy = at(cluster(graph), "networkProfile.networkPolicy");
  return policy === "cilium" || policy === "calico" ? [] : [`network policy engine is ${String(policy)}`];
}

export function checkNatEgress(graph: ResourceGraph): string[] {
  const inputs = cluster(graph);
  const problems: string[] = [];
  if (at(inputs, "networkProfile.outboundType") !== "userAssignedNATGateway")
    problems.push("egress is not through the NAT gateway");
  const nodeSubnet = at(inputs, "defaultNodePool.vnetSubnetId");
  if (!graph.ofType(azure.natAssociation).some((a) => a.inputs["subnetId"] === nodeSubnet))
    problems.push("the node subnet has no NAT gateway");
  for (const subnet of graph.ofType(azure.subnet)) {
    if (subnet.inputs["defaultOutboundAccessEnabled"] !== false)
      problems.push(`${subnet.name} has default outbound access`);
  }
  return problems;
}

export function checkPrivateRegistry(graph: ResourceGraph): string[] {
  const registry = one(graph, azure.registry).inputs;
  const problems: string[] = [];
  if (registry["adminEnabled"] !== false) problems.push("the registry admin user is on");
  if (registry["publicNetworkAccessEnabled"] !== false) problems.push("the registry is public");
  if (registry["anonymousPullEnabled"] === true) problems.push("anonymous pull is on");
  // Quarantined images cannot be pulled until a scanner releases them, and nothing here does.
  if (registry["quarantinePolicyEnabled"] !== false)
    problems.push("quarantine is on: pushed images are unpullable");
  return problems;
}

/**
 * The stack changes nothing subscription-wide: Defender plans (SubscriptionPricing) are shared by
 * every workload in the subscription, and destroying an environment must not reset them.
 */
export function checkNoSubscriptionWideState(graph: ResourceGraph): string[] {
  return graph
    .ofType(azure.defender)
    .map((d) => `${d.name} manages the subscription's ${String(d.inputs["resourceType"])} plan`);
}

/**
 * One Gatekeeper in gatekeeper-system: the Azure Policy add-on installs Microsoft's there, and the
 * admission component installs upstream Gatekeeper into the same namespace (a Helm release or any
 * object it creates there). Microsoft does not support both (policy-for-kubernetes, Limitations).
 */
export function checkOneGatekeeper(graph: ResourceGraph): string[] {
  const cluster = graph.ofType(azure.cluster)[0];
  const addon = cluster?.inputs["azurePolicyEnabled"] === true;
  const ours = graph.resources.filter(
    (r) =>
      r.type.startsWith("kubernetes:") &&
      (r.inputs["namespace"] === "gatekeeper-system" ||
        at(r.inputs, "metadata.namespace") === "gatekeeper-system" ||
        (r.type === "kubernetes:core/v1:Namespace" && at(r.inputs, "metadata.name") === "gatekeeper-system")),
  );
  return addon && ours.length > 0
    ? [
        `the Azure Policy add-on and the platform's Gatekeeper (${ours.map((r) => r.name).join(", ")}) both install into gatekeeper-system`,
      ]
    : [];
}
