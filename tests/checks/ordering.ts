/**
 * First-deploy ordering rules, as data. Each rule says "a dependent must not be created before its
 * prerequisite", names the cloud documentation it rests on, and is checked on the captured graph:
 * a resource waits for another when the other is reachable through its recorded dependencies
 * (explicit dependsOn, input references) or its parent chain. The Node SDK sends a registration
 * only once every dependency and the parent have been registered (for a custom resource, created),
 * so this closure is the order the engine will follow on a first `pulumi up`.
 */
import type { CapturedResource, ResourceGraph } from "../harness/graph";

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
  readonly pairs?: (dependent: CapturedResource, prerequisite: CapturedResource) => boolean;
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
    const needed = prerequisites.filter((p) => !rule.pairs || rule.pairs(dependent, p));
    if (needed.length === 0) return [`${rule.id}: ${dependent.name} has no ${rule.prerequisite.label}`];
    return needed
      .filter((prerequisite) => !waits.has(prerequisite.urn))
      .map(
        (prerequisite) =>
          `${rule.id}: ${dependent.name} (${rule.dependent.label}) can be created before ${prerequisite.name} (${rule.prerequisite.label}): ${rule.why} [${rule.source}]`,
      );
  });
}

export function checkOrdering(graph: ResourceGraph, cloud: "aws" | "azure"): string[] {
  return orderingRules.filter((r) => r.cloud === cloud).flatMap((rule) => checkOrderingRule(graph, rule));
}
