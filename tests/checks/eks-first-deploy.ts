/**
 * Checks for what makes an EKS stack's first deploy succeed and stay correct on day 2 (issue 18):
 * the runner's path to the private endpoint, the volumes a PVC actually gets, the database's
 * version pins and log group, and the resources Pulumi refuses to delete. Each returns problems.
 */
import { at, type CapturedResource, type ResourceGraph } from "../harness/graph";

const types = {
  cluster: "aws:eks/cluster:Cluster",
  key: "aws:kms/key:Key",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  addon: "aws:eks/addon:Addon",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  rds: "aws:rds/instance:Instance",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  secret: "aws:secretsmanager/secret:Secret",
} as const;

function cluster(graph: ResourceGraph): CapturedResource {
  const [found, ...more] = graph.ofType(types.cluster);
  if (!found || more.length > 0) throw new Error("expected exactly one EKS cluster");
  return found;
}

/** Every runner range and group is admitted on 443 by the group the private endpoint uses. */
export function checkRunnerIngress(
  graph: ResourceGraph,
  runner: { cidrs: readonly string[]; securityGroupIds: readonly string[] },
): string[] {
  const clusterGroup = at(cluster(graph).outputs, "vpcConfig.clusterSecurityGroupId");
  const rules = graph
    .ofType(types.ingressRule)
    .filter(
      (r) =>
        r.inputs["securityGroupId"] === clusterGroup &&
        r.inputs["ipProtocol"] === "tcp" &&
        Number(r.inputs["fromPort"]) <= 443 &&
        Number(r.inputs["toPort"]) >= 443,
    );
  const admitted = (key: string, value: string) => rules.some((r) => r.inputs[key] === value);
  return [
    ...runner.cidrs
      .filter((cidr) => !admitted("cidrIpv4", cidr))
      .map((cidr) => `runner range ${cidr} is not admitted on 443 to the cluster security group`),
    ...runner.securityGroupIds
      .filter((id) => !admitted("referencedSecurityGroupId", id))
      .map((id) => `runner group ${id} is not admitted on 443 to the cluster security group`),
  ];
}

interface DefaultClass {
  readonly source: string;
  readonly kmsKeyId?: unknown;
  readonly encrypted?: unknown;
}

/**
 * The classes a PVC without storageClassName may get: our StorageClass objects annotated default,
 * plus the EBS CSI add-on's `ebs-csi-default-sc` when its defaultStorageClass value is on (that
 * class names no key). Exactly one, gp3, encrypted with the cluster's CMK.
 */
export function checkDefaultVolumeEncryption(graph: ResourceGraph): string[] {
  const keyArn = at(cluster(graph).inputs, "encryptionConfig.provider.keyArn");
  const defaults: DefaultClass[] = graph
    .ofType(types.storageClass)
    .filter(
      (sc) =>
        at(sc.inputs, "metadata.annotations")?.["storageclass.kubernetes.io/is-default-class" as never] ===
        "true",
    )
    .map((sc) => ({
      source: `StorageClass ${String(at(sc.inputs, "metadata.name"))}`,
      kmsKeyId: at(sc.inputs, "parameters.kmsKeyId"),
      encrypted: at(sc.inputs, "parameters.encrypted"),
    }));
  for (const addon of graph.ofType(types.addon)) {
    if (addon.inputs["addonName"] !== "aws-ebs-csi-driver") continue;
    const values = JSON.parse(
      typeof addon.inputs["configurationValues"] === "string" ? addon.inputs["configurationValues"] : "{}",
    ) as Record<string, unknown>;
    if (at(values, "defaultStorageClass.enabled") === true) {
      defaults.push({ source: "the EBS CSI add-on's ebs-csi-default-sc" });
    }
  }
  if (defaults.length !== 1) {
    return [
      `${defaults.length} default StorageClasses (${defaults.map((d) => d.source).join(", ")}); want exactly one`,
    ];
  }
  const only = defaults[0] as DefaultClass;
  const problems: string[] = [];
  if (only.encrypted !== "true") problems.push(`${only.source} does not encrypt volumes`);
  if (only.kmsKeyId !== keyArn) problems.push(`${only.source} does not encrypt with the cluster CMK`);
  return problems;
}

/** RDS: major version only with automatic minor upgrades, no implicit major upgrade, own log group. */
export function checkDatabasePins(graph: ResourceGraph, retentionDays: number): string[] {
  return graph.ofType(types.rds).flatMap((db) => {
    const problems: string[] = [];
    const version = String(db.inputs["engineVersion"]);
    if (db.inputs["autoMinorVersionUpgrade"] === true && version.includes(".")) {
      problems.push(`${db.name} pins minor ${version} while RDS upgrades minors itself`);
    }
    if (db.inputs["allowMajorVersionUpgrade"] !== false) problems.push(`${db.name} allows a major upgrade`);
    const groupName = `/aws/rds/instance/${String(db.inputs["identifier"])}/postgresql`;
    const group = graph.ofType(types.logGroup).find((g) => g.inputs["name"] === groupName);
    if (!group) problems.push(`${db.name} exports logs to ${groupName}, which the stack does not create`);
    else {
      if (group.inputs["kmsKeyId"] !== db.inputs["kmsKeyId"])
        problems.push(`${groupName} is not encrypted with the CMK`);
      if (group.inputs["retentionInDays"] !== retentionDays)
        problems.push(`${groupName} does not keep logs ${retentionDays} days`);
    }
    return problems;
  });
}

/** Outside dev, what holds state is protected: a replace or delete needs an explicit unprotect. */
export function checkStateProtection(graph: ResourceGraph): string[] {
  const stateful = [types.key, types.logGroup, types.rds];
  return graph.resources
    .filter((r) => stateful.includes(r.type as (typeof stateful)[number]) && !r.protect)
    .map((r) => `${r.type.split(":").pop()} ${r.name} is not protected`);
}
