/**
 * Cluster-layer checks for EKS (C-CL-1 … C-CL-10) on a captured graph. Each returns problems;
 * an empty list means the control is on.
 */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

export const aws = {
  cluster: "aws:eks/cluster:Cluster",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  repository: "aws:ecr/repository:Repository",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
} as const;

const requiredLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

function one(graph: ResourceGraph, type: string): CapturedResource {
  const found = graph.ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as CapturedResource;
}

const str = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

export function checkPrivateEndpoint(graph: ResourceGraph, tier: string): string[] {
  const vpc = at(one(graph, aws.cluster).inputs, "vpcConfig") as Record<string, unknown>;
  const problems: string[] = [];
  if (vpc["endpointPrivateAccess"] !== true) problems.push("the private endpoint is off");
  const cidrs = (vpc["publicAccessCidrs"] ?? []) as string[];
  if (vpc["endpointPublicAccess"] !== false && tier === "prod")
    problems.push("prod has a public API endpoint");
  if (vpc["endpointPublicAccess"] !== false && (cidrs.length === 0 || cidrs.includes("0.0.0.0/0"))) {
    problems.push(`the public endpoint is open to ${cidrs.length === 0 ? "everyone" : "0.0.0.0/0"}`);
  }
  return problems;
}

export function checkSecretsEncryption(graph: ResourceGraph): string[] {
  const cluster = one(graph, aws.cluster);
  const encryption = at(cluster.inputs, "encryptionConfig") as {
    resources?: string[];
    provider?: { keyArn?: string };
  };
  // The environment has more than one CMK (Secrets Manager has its own); take the cluster's.
  const key = graph.ofType(aws.key).find((k) => k.outputs["arn"] === encryption?.provider?.keyArn);
  const problems: string[] = [];
  if (!encryption?.resources?.includes("secrets")) problems.push("Secrets are not envelope-encrypted");
  if (!key) problems.push("Secrets are not encrypted with the CMK");
  else if (key.inputs["enableKeyRotation"] !== true) problems.push("the CMK does not rotate");
  return problems;
}

export function checkAuditLogs(graph: ResourceGraph): string[] {
  const cluster = one(graph, aws.cluster);
  const problems: string[] = [];
  const types = (cluster.inputs["enabledClusterLogTypes"] ?? []) as string[];
  for (const type of requiredLogTypes) if (!types.includes(type)) problems.push(`log type ${type} is off`);
  const group = graph
    .ofType(aws.logGroup)
    .find((g) => g.inputs["name"] === `/aws/eks/${str(cluster.inputs["name"])}/cluster`);
  if (!group) return [...problems, "no control-plane log group of our own"];
  if (!((group.inputs["retentionInDays"] as number) > 0))
    problems.push("control-plane logs have no retention");
  if (!group.inputs["kmsKeyId"]) problems.push("control-plane logs are not KMS-encrypted");
  if (!cluster.dependsOn.includes(group.urn)) problems.push("the cluster does not wait for its log group");
  return problems;
}

export function checkNoStaticAdmin(graph: ResourceGraph): string[] {
  const access = at(one(graph, aws.cluster).inputs, "accessConfig") as Record<string, unknown> | undefined;
  const problems: string[] = [];
  if (access?.["authenticationMode"] !== "API")
    problems.push("authentication mode is not API (aws-auth ConfigMap in use)");
  if (access?.["bootstrapClusterCreatorAdminPermissions"] !== false)
    problems.push("the creator gets an implicit admin grant");
  if (graph.kubernetesObjects().some((r) => at(r.inputs, "metadata.name") === "aws-auth")) {
    problems.push("the aws-auth ConfigMap is edited");
  }
  return problems;
}

interface TrustStatement {
  Principal?: { Federated?: string };
  Condition?: { StringEquals?: Record<string, string> };
}

export function checkIrsaRoles(graph: ResourceGraph): string[] {
  const problems: string[] = [];
  if (graph.ofType(aws.oidc).length !== 1) problems.push("no IAM OIDC provider for IRSA");
  for (const role of graph.ofType(aws.role)) {
    const policy = JSON.parse(str(role.inputs["assumeRolePolicy"])) as { Statement: TrustStatement[] };
    for (const statement of policy.Statement.filter((s) => s.Principal?.Federated)) {
      const conditions = statement.Condition?.StringEquals ?? {};
      const sub = Object.entries(conditions).find(([k]) => k.endsWith(":sub"))?.[1];
      const aud = Object.entries(conditions).find(([k]) => k.endsWith(":aud"))?.[1];
      if (!sub || !/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/.test(sub)) {
        problems.push(`${role.name}: trust policy does not name one exact namespace and ServiceAccount`);
      }
      if (aud !== "sts.amazonaws.com") problems.push(`${role.name}: trust policy does not pin the audience`);
    }
  }
  for (const policy of graph.ofType(aws.rolePolicy)) {
    const doc = JSON.parse(str(policy.inputs["policy"])) as {
      Statement: { Action: string | string[]; Resource: unknown }[];
    };
    for (const statement of doc.Statement) {
      const actions = ([] as string[]).concat(statement.Action);
      const resources = ([] as unknown[]).concat(statement.Resource).map(str);
      if (actions.some((a) => a.includes("*") && !/^[a-z]+:[A-Za-z]+\*$/.test(a))) {
        problems.push(`${policy.name}: wildcard action ${actions.join(",")}`);
      }
      if (resources.some((r) => r === "*" || (r.includes("*") && !r.endsWith("/*") && !r.endsWith(":*")))) {
        problems.push(`${policy.name}: unscoped resource ${resources.join(",")}`);
      }
    }
  }
  return problems;
}

export function checkHardenedNodes(graph: ResourceGraph): string[] {
  const template = one(graph, aws.launchTemplate);
  const nodes = one(graph, aws.nodeGroup);
  const problems: string[] = [];
  const metadata = (template.inputs["metadataOptions"] ?? {}) as Record<string, unknown>;
  if (metadata["httpTokens"] !== "required") problems.push("IMDSv1 is allowed");
  if (metadata["httpPutResponseHopLimit"] !== 1)
    problems.push(`IMDS hop limit is ${str(metadata["httpPutResponseHopLimit"])}`);
  const volumes = (template.inputs["blockDeviceMappings"] ?? []) as {
    ebs?: { encrypted?: string; kmsKeyId?: string };
  }[];
  if (volumes.length === 0 || volumes.some((v) => v.ebs?.encrypted !== "true" || !v.ebs.kmsKeyId)) {
    problems.push("a node volume is not encrypted with the CMK");
  }
  if (template.inputs["keyName"] || nodes.inputs["remoteAccess"]) problems.push("nodes accept SSH");
  if (!String(nodes.inputs["amiType"]).startsWith("BOTTLEROCKET"))
    problems.push("nodes do not run Bottlerocket");
  const privateSubnets = new Set(privateSubnetIds(graph));
  for (const id of (nodes.inputs["subnetIds"] ?? []) as string[]) {
    if (!privateSubnets.has(id)) problems.push(`nodes run in non-private subnet ${id}`);
  }
  for (const subnet of graph.ofType(aws.subnet)) {
    if (subnet.inputs["mapPublicIpOnLaunch"] !== false)
      problems.push(`${subnet.name} gives instances public IPs`);
  }
  return problems;
}

/** Subnets whose route table sends 0.0.0.0/0 to a NAT gateway only. */
export function privateSubnetIds(graph: ResourceGraph): string[] {
  const natTables = new Set(
    graph
      .ofType(aws.routeTable)
      .filter((t) =>
        ((t.inputs["routes"] ?? []) as Record<string, unknown>[]).every(
          (r) => r["natGatewayId"] && !r["gatewayId"],
        ),
      )
      .map((t) => str(t.outputs["id"])),
  );
  return graph
    .ofType(aws.association)
    .filter((a) => natTables.has(str(a.inputs["routeTableId"])))
    .map((a) => str(a.inputs["subnetId"]));
}

export function checkPatching(graph: ResourceGraph, version: string): string[] {
  const cluster = one(graph, aws.cluster);
  const problems: string[] = [];
  if (cluster.inputs["version"] !== version)
    problems.push(`cluster version ${str(cluster.inputs["version"])} is not ${version}`);
  if (at(cluster.inputs, "upgradePolicy.supportType") !== "STANDARD")
    problems.push("extended support lets versions go stale");
  const repair = at(one(graph, aws.nodeGroup).inputs, "nodeRepairConfig.enabled");
  if (repair !== true) problems.push("node auto-repair is off");
  for (const addon of graph.ofType(aws.addon)) {
    if (!/^v\d+\.\d+\.\d+-eksbuild\.\d+$/.test(str(addon.inputs["addonVersion"]))) {
      problems.push(`add-on ${str(addon.inputs["addonName"])} is not pinned`);
    }
  }
  return problems;
}

export function checkNetworkPolicyEngine(graph: ResourceGraph): string[] {
  const cni = graph.ofType(aws.addon).find((a) => a.inputs["addonName"] === "vpc-cni");
  if (!cni) return ["no VPC CNI add-on"];
  const values = JSON.parse(str(cni.inputs["configurationValues"] ?? "{}")) as Record<string, unknown>;
  return values["enableNetworkPolicy"] === "true" ? [] : ["the VPC CNI network policy agent is off"];
}

export function checkControlledEgress(graph: ResourceGraph, natPerZone: boolean): string[] {
  const problems: string[] = [];
  const nodes = one(graph, aws.nodeGroup);
  const privateSubnets = new Set(privateSubnetIds(graph));
  for (const id of (nodes.inputs["subnetIds"] ?? []) as string[]) {
    if (!privateSubnets.has(id)) problems.push(`node subnet ${id} does not egress through NAT`);
  }
  const nats = graph.ofType("aws:ec2/natGateway:NatGateway").length;
  const zones = graph.ofType(aws.subnet).length / 2;
  if (natPerZone && nats !== zones) problems.push(`${nats} NAT gateways for ${zones} zones`);
  if (graph.ofType("aws:ec2/flowLog:FlowLog").length === 0) problems.push("no VPC flow logs");
  return problems;
}

export function checkRegistry(graph: ResourceGraph): string[] {
  const repository = one(graph, aws.repository);
  const problems: string[] = [];
  if (at(repository.inputs, "imageScanningConfiguration.scanOnPush") !== true)
    problems.push("no scan on push");
  if (repository.inputs["imageTagMutability"] !== "IMMUTABLE") problems.push("tags are mutable");
  const encryption = (repository.inputs["encryptionConfigurations"] ?? []) as { encryptionType?: string }[];
  if (encryption[0]?.encryptionType !== "KMS") problems.push("the registry is not KMS-encrypted");
  return problems;
}
