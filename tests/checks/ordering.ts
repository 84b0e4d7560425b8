/**
 * First-deploy ordering rules, as data. Each rule says "a dependent must not be created before its
 * prerequisite", names the cloud documentation it rests on, and is checked on the captured graph:
 * a resource waits for another when the other is reachable through its recorded dependencies
 * (explicit dependsOn, input references) or its parent chain. The Node SDK sends a registration
 * only once every dependency and the parent have been registered (for a custom resource, created),
 * so this closure is the order the engine will follow on a first `pulumi up`.
 */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

export interface Selector {
  /** What the selector matches, for messages ("the vpc-cni add-on"). */
  readonly label: string;
  readonly type: string;
  readonly where?: (resource: CapturedResource) => boolean;
}

export interface OrderingRule {
  readonly id: string;
  readonly cloud: "aws" | "azure";
  /** Why the order matters: what the cloud does when it is wrong. */
  readonly why: string;
  /** The cloud or provider documentation the rule comes from. */
  readonly source: string;
  readonly dependent: Selector;
  readonly prerequisite: Selector;
  /**
   * Stacks without a dependent pass (e.g. no OIDC identity provider configured). Without this, a
   * rule whose selectors match nothing fails: a renamed type must not silently switch a rule off.
   */
  readonly dependentOptional?: boolean;
  /** Stacks without a prerequisite pass (e.g. a runner rule on a stack that uses the public allowlist). */
  readonly prerequisiteOptional?: boolean;
  /** Which prerequisites a dependent needs, where not all of them (e.g. its own log group). */
  readonly pairs?: (
    dependent: CapturedResource,
    prerequisite: CapturedResource,
    graph: ResourceGraph,
  ) => boolean;
  /**
   * "Granted and propagated": the dependent must wait for a propagation wait that itself waits
   * for the prerequisite (a role assignment), not merely for the assignment.
   */
  readonly propagated?: boolean;
}

const aws = {
  key: "aws:kms/key:Key",
  serviceLinkedRole: "aws:iam/serviceLinkedRole:ServiceLinkedRole",
  addon: "aws:eks/addon:Addon",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  identityProviderConfig: "aws:eks/identityProviderConfig:IdentityProviderConfig",
  accessPolicyAssociation: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  cluster: "aws:eks/cluster:Cluster",
  rds: "aws:rds/instance:Instance",
} as const;

const k8sProvider = "pulumi:providers:kubernetes";
const propagationWait = "pulumi-nodejs:dynamic:Resource";

const az = {
  key: "azure:keyvault/key:Key",
  secret: "azure:keyvault/secret:Secret",
  endpoint: "azure:privatelink/endpoint:Endpoint",
  dnsLink: "azure:privatedns/zoneVirtualNetworkLink:ZoneVirtualNetworkLink",
  peering: "azure:network/virtualNetworkPeering:VirtualNetworkPeering",
  assignment: "azure:authorization/assignment:Assignment",
  cluster: "azure:containerservice/kubernetesCluster:KubernetesCluster",
  feature: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
  natAssociation: "azure:network/subnetNatGatewayAssociation:SubnetNatGatewayAssociation",
} as const;

const role =
  (...names: string[]) =>
  (r: CapturedResource) =>
    names.includes(String(r.inputs["roleDefinitionName"]));

/** The same rules for every kind of write into a Key Vault's data plane (keys, secrets). */
function vaultWriteRules(kind: "key" | "secret"): OrderingRule[] {
  const dependent = { label: `a Key Vault ${kind}`, type: az[kind] };
  const privateVault =
    "the vaults deny public access, so the runner writes through the private endpoint; 'creating or updating keys in a private key vault that doesn't have a private endpoint isn't supported'";
  const source =
    "MicrosoftDocs/azure-aks-docs articles/aks/use-kms-etcd-encryption.md ; https://learn.microsoft.com/azure/key-vault/general/private-link-service";
  return [
    {
      id: `azure/vault-${kind}-after-its-private-endpoint`,
      cloud: "azure",
      why: privateVault,
      source,
      dependent,
      prerequisite: { label: "the vault's private endpoint", type: az.endpoint },
      pairs: (write, endpoint) =>
        at(endpoint.inputs, "privateServiceConnection.privateConnectionResourceId") ===
        write.inputs["keyVaultId"],
      dependentOptional: kind === "secret",
    },
    {
      id: `azure/vault-${kind}-after-runner-dns-link`,
      cloud: "azure",
      why: "the runner resolves the vault's name to its private endpoint only through the privatelink.vaultcore.azure.net zone linked to the runner's VNet",
      source: "https://learn.microsoft.com/azure/private-link/private-endpoint-dns",
      dependent,
      prerequisite: {
        label: "the vault zone's link to the runner VNet",
        type: az.dnsLink,
        where: (r) =>
          r.inputs["privateDnsZoneName"] === "privatelink.vaultcore.azure.net" && /-runner-\d+$/.test(r.name),
      },
      dependentOptional: kind === "secret",
    },
    {
      id: `azure/vault-${kind}-after-runner-peering`,
      cloud: "azure",
      why: "a peering carries traffic only once both directions exist",
      source: "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering",
      dependent,
      prerequisite: { label: "both directions of the runner peering", type: az.peering },
      dependentOptional: kind === "secret",
    },
  ];
}
const addonNamed =
  (...names: string[]) =>
  (r: CapturedResource) =>
    names.includes(String(r.inputs["addonName"]));
const str = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? ""));

export const orderingRules: readonly OrderingRule[] = [
  {
    id: "aws/kms-key-after-autoscaling-service-linked-role",
    cloud: "aws",
    why: "a key policy naming a principal that does not exist yet is refused (MalformedPolicyDocumentException: invalid principals); a fresh account has no AWSServiceRoleForAutoScaling until something creates it",
    source:
      "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html ; https://repost.aws/knowledge-center/kms-policy-error-invalid-principals",
    dependent: {
      label: "a KMS key whose policy names AWSServiceRoleForAutoScaling",
      type: aws.key,
      where: (r) => str(r.inputs["policy"]).includes("AWSServiceRoleForAutoScaling"),
    },
    prerequisite: {
      label: "the autoscaling service-linked role",
      type: aws.serviceLinkedRole,
      where: (r) => r.inputs["awsServiceName"] === "autoscaling.amazonaws.com",
    },
    // Stacks that declare the role as already present read it in a preflight instead (tested there).
    prerequisiteOptional: true,
  },
  {
    id: "aws/node-group-after-network-addons",
    cloud: "aws",
    why: "with bootstrapSelfManagedAddons false the cluster has no CNI or kube-proxy; nodes that join before them stay NotReady and the node group's creation can fail on health checks",
    source:
      "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (bootstrapSelfManagedAddons) ; terraform-aws-modules/terraform-aws-eks addons before_compute",
    dependent: { label: "the managed node group", type: aws.nodeGroup },
    prerequisite: {
      label: "the vpc-cni and kube-proxy add-ons",
      type: aws.addon,
      where: addonNamed("vpc-cni", "kube-proxy"),
    },
  },
  {
    id: "aws/identity-provider-after-addons",
    cloud: "aws",
    why: "associating an OIDC identity provider is a cluster update; EKS refuses it while another update (add-on or node group) is in progress (ResourceInUseException, 409)",
    source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateIdentityProviderConfig.html",
    dependent: { label: "the OIDC identity-provider association", type: aws.identityProviderConfig },
    prerequisite: { label: "every add-on", type: aws.addon },
    dependentOptional: true,
  },
  {
    id: "aws/identity-provider-after-node-group",
    cloud: "aws",
    why: "see aws/identity-provider-after-addons: creating the node group is a cluster update too",
    source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateIdentityProviderConfig.html",
    dependent: { label: "the OIDC identity-provider association", type: aws.identityProviderConfig },
    prerequisite: { label: "the node group", type: aws.nodeGroup },
    dependentOptional: true,
  },
  {
    id: "aws/kubernetes-provider-after-access-policies",
    cloud: "aws",
    why: "with authenticationMode API and no creator admin, the deployer has no Kubernetes permissions until its access policy association exists; objects sent earlier are refused (401/403)",
    source: "https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html",
    dependent: { label: "the cluster's Kubernetes provider", type: k8sProvider },
    prerequisite: { label: "every access policy association", type: aws.accessPolicyAssociation },
  },
  {
    id: "aws/kubernetes-provider-after-runner-ingress",
    cloud: "aws",
    why: "the private endpoint answers only sources the cluster security group admits on 443; the in-network runner is not in that group",
    source:
      "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html (private access: the cluster security group must allow 443 from the connected network)",
    dependent: { label: "the cluster's Kubernetes provider", type: k8sProvider },
    prerequisite: {
      label: "the 443 ingress rules for the runner",
      type: aws.ingressRule,
      where: (r) => r.inputs["fromPort"] === 443,
    },
    // Stacks on the public allowlist have no runner rules; the config rule requires them otherwise.
    prerequisiteOptional: true,
  },
  {
    id: "aws/cluster-after-control-plane-log-group",
    cloud: "aws",
    why: "EKS creates /aws/eks/<cluster>/cluster itself, unencrypted and never expiring, if it does not exist when logging starts",
    source: "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",
    dependent: { label: "the EKS cluster", type: aws.cluster },
    prerequisite: {
      label: "the control-plane log group",
      type: aws.logGroup,
      where: (r) => /^\/aws\/eks\/.+\/cluster$/.test(str(r.inputs["name"])),
    },
  },
  {
    id: "aws/database-after-its-log-group",
    cloud: "aws",
    why: "RDS creates /aws/rds/instance/<id>/postgresql itself, without the CMK and with no retention, if it does not exist when the export starts",
    source:
      "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html#USER_LogAccess.Concepts.PostgreSQL.PublishtoCloudWatchLogs",
    dependent: { label: "an RDS instance", type: aws.rds },
    prerequisite: {
      label: "its PostgreSQL log group",
      type: aws.logGroup,
      where: (r) => /^\/aws\/rds\/instance\/.+\/postgresql$/.test(str(r.inputs["name"])),
    },
    pairs: (db, group) =>
      group.inputs["name"] === `/aws/rds/instance/${str(db.inputs["identifier"])}/postgresql`,
    dependentOptional: true,
  },
  ...vaultWriteRules("key"),
  ...vaultWriteRules("secret"),
  {
    id: "azure/kms-key-after-deployer-crypto-officer-propagated",
    cloud: "azure",
    why: "the deployer creates the key with Key Vault Crypto Officer; a fresh assignment is refused until it propagates",
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting ; Azure/terraform-azurerm-avm-res-keyvault-vault (wait_for_rbac_before_key_operations)",
    dependent: { label: "the KMS key", type: az.key },
    prerequisite: {
      label: "Key Vault Crypto Officer",
      type: az.assignment,
      where: role("Key Vault Crypto Officer"),
    },
    propagated: true,
  },
  {
    id: "azure/secret-after-writer-propagated",
    cloud: "azure",
    why: "the deployer writes secrets with Key Vault Secrets Officer; a fresh assignment is refused until it propagates",
    source:
      "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting ; Azure/terraform-azurerm-avm-res-keyvault-vault (wait_for_rbac_before_secret_operations)",
    dependent: { label: "a Key Vault secret", type: az.secret },
    prerequisite: {
      label: "Key Vault Secrets Officer",
      type: az.assignment,
      where: role("Key Vault Secrets Officer"),
    },
    pairs: (secret, grant) => grant.inputs["scope"] === secret.inputs["keyVaultId"],
    propagated: true,
    dependentOptional: true,
  },
  {
    id: "azure/cluster-after-kms-roles-propagated",
    cloud: "azure",
    why: "with a private vault the control-plane identity needs Key Vault Crypto User (encrypt/decrypt) and Key Vault Contributor (to create its private link to the vault), propagated, when AKS turns KMS on",
    source:
      "https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption (Assign permissions to create a private link; MicrosoftDocs/azure-aks-docs articles/aks/use-kms-etcd-encryption.md)",
    dependent: { label: "the AKS cluster", type: az.cluster },
    prerequisite: {
      label: "the control plane's Key Vault Crypto User and Key Vault Contributor grants",
      type: az.assignment,
      where: role("Key Vault Crypto User", "Key Vault Contributor"),
    },
    // Granted to the identity the cluster runs as (identity.identityIds), not to anyone else.
    pairs: (cluster, grant, graph) => {
      const identityId = at(cluster.inputs, "identity.identityIds.0");
      const identity = graph.resources.find((r) => r.outputs["id"] === identityId);
      return identity !== undefined && grant.inputs["principalId"] === identity.outputs["principalId"];
    },
    propagated: true,
  },
  {
    id: "azure/cluster-after-network-contributor-propagated",
    cloud: "azure",
    why: "the control-plane identity joins the API-server and node subnets with Network Contributor",
    source: "https://learn.microsoft.com/azure/aks/api-server-vnet-integration#prerequisites",
    dependent: { label: "the AKS cluster", type: az.cluster },
    prerequisite: {
      label: "Network Contributor on the subnets",
      type: az.assignment,
      where: role("Network Contributor"),
    },
    propagated: true,
  },
  {
    id: "azure/cluster-after-encryption-at-host",
    cloud: "azure",
    why: "node pools with host encryption are refused until the subscription has Microsoft.Compute/EncryptionAtHost registered",
    source:
      "https://learn.microsoft.com/azure/virtual-machines/disks-enable-host-based-encryption-portal#prerequisites (the AKS page does not repeat it)",
    dependent: { label: "the AKS cluster", type: az.cluster },
    prerequisite: {
      label: "the EncryptionAtHost feature registration",
      type: az.feature,
      where: (r) => r.inputs["name"] === "EncryptionAtHost",
    },
  },
  {
    id: "azure/cluster-after-nat-association",
    cloud: "azure",
    why: "outboundType userAssignedNATGateway requires the node subnet to have its NAT gateway associated when the cluster is created",
    source:
      "https://learn.microsoft.com/azure/aks/nat-gateway#create-an-aks-cluster-with-a-user-assigned-nat-gateway",
    dependent: { label: "the AKS cluster", type: az.cluster },
    prerequisite: { label: "the node subnet's NAT association", type: az.natAssociation },
  },
  {
    id: "azure/kubernetes-provider-after-acr-pull-propagated",
    cloud: "azure",
    why: "platform pods pull from the private registry with the kubelet identity's AcrPull; before it propagates pulls fail (ImagePullBackOff) and Helm releases time out",
    source: "https://learn.microsoft.com/azure/aks/cluster-container-registry-integration",
    dependent: { label: "the cluster's Kubernetes provider", type: k8sProvider },
    prerequisite: { label: "AcrPull for the kubelet", type: az.assignment, where: role("AcrPull") },
    propagated: true,
  },
  {
    id: "azure/kubernetes-provider-after-nat-association",
    cloud: "azure",
    why: "nodes have no default outbound access; charts' images and webhooks need the NAT egress",
    source: "https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access",
    dependent: { label: "the cluster's Kubernetes provider", type: k8sProvider },
    prerequisite: { label: "the node subnet's NAT association", type: az.natAssociation },
  },
];

/** Every resource `resource` waits for: dependencies and parents, transitively. */
export function prerequisitesOf(graph: ResourceGraph, resource: CapturedResource): Set<string> {
  const seen = new Set<string>();
  const stack = [resource];
  while (stack.length > 0) {
    const current = stack.pop() as CapturedResource;
    const next = [
      ...current.dependsOn,
      ...Object.values(current.propertyDependencies).flat(),
      ...(current.parent ? [current.parent] : []),
    ];
    for (const urn of next) {
      if (seen.has(urn)) continue;
      seen.add(urn);
      const found = graph.get(urn);
      if (found) stack.push(found);
    }
  }
  return seen;
}

export const select = (graph: ResourceGraph, selector: Selector): CapturedResource[] =>
  graph.ofType(selector.type).filter((r) => !selector.where || selector.where(r));

/** The rule's violations on one graph, each naming the rule; empty when it holds. */
export function checkOrderingRule(graph: ResourceGraph, rule: OrderingRule): string[] {
  const dependents = select(graph, rule.dependent);
  const prerequisites = select(graph, rule.prerequisite);
  if (dependents.length === 0) {
    return rule.dependentOptional ? [] : [`${rule.id}: no ${rule.dependent.label} in the graph`];
  }
  if (prerequisites.length === 0) {
    return rule.prerequisiteOptional ? [] : [`${rule.id}: no ${rule.prerequisite.label} in the graph`];
  }
  return dependents.flatMap((dependent) => {
    const waits = prerequisitesOf(graph, dependent);
    const needed = prerequisites.filter((p) => !rule.pairs || rule.pairs(dependent, p, graph));
    if (needed.length === 0) return [`${rule.id}: ${dependent.name} has no ${rule.prerequisite.label}`];
    // "Propagated": reached through a propagation wait that itself waits for the grant.
    const waitsFor = (prerequisite: CapturedResource) =>
      rule.propagated
        ? [...waits].some((urn) => {
            const wait = graph.get(urn);
            return wait?.type === propagationWait && prerequisitesOf(graph, wait).has(prerequisite.urn);
          })
        : waits.has(prerequisite.urn);
    return needed
      .filter((prerequisite) => !waitsFor(prerequisite))
      .map(
        (prerequisite) =>
          `${rule.id}: ${dependent.name} (${rule.dependent.label}) can be created before ${prerequisite.name} (${rule.prerequisite.label})${rule.propagated ? " has propagated" : ""}: ${rule.why} [${rule.source}]`,
      );
  });
}

export function checkOrdering(graph: ResourceGraph, cloud: "aws" | "azure"): string[] {
  return orderingRules.filter((r) => r.cloud === cloud).flatMap((rule) => checkOrderingRule(graph, rule));
}
