/**
 * EksCluster: a hardened EKS environment behind the ClusterHandle contract. Private API endpoint
 * (C-CL-1), KMS envelope encryption of Secrets (C-CL-2), all control-plane logs to an encrypted
 * log group with retention (C-CL-3), access entries only (C-CL-4), IRSA (C-CL-5), hardened
 * Bottlerocket nodes (C-CL-6), a pinned version on standard support (C-CL-7), the VPC CNI policy
 * agent (C-CL-8), NAT-only egress (C-CL-9) and a private ECR repository (C-CL-10).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../cluster";
import type { KubernetesVersion } from "../versions";
import { createNetworkAddons, createWorkloadAddons } from "./addons";
import { IrsaBinder } from "./irsa";
import { createKmsKey } from "./kms";
import { eksKubeconfig } from "./kubeconfig";
import { createVpc } from "./network";
import { createNodeGroup } from "./nodes";
import { RdsDatabases } from "./database";
import { autoscalingServiceLinkedRole } from "./prerequisites";
import { createRegistry } from "./registry";
import { SecretsManagerBackend } from "./secrets";
import { createEncryptedStorageClass } from "./storage-class";

/** The node type when the stack names none (config's capacity rule sizes the pool with it). */
export const defaultNodeInstanceType = "m7i.large";

export const eksLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface EksClusterArgs {
  readonly clusterName: string;
  readonly region: string;
  readonly kubernetesVersion: KubernetesVersion;
  readonly vpcCidr: string;
  readonly serviceCidr: string;
  readonly availabilityZones: number;
  /** One NAT gateway per AZ; a single shared one otherwise (cheaper, dev). */
  readonly natPerZone: boolean;
  /** Weakens C-CL-1: public endpoint for these CIDRs (dev only, validated by the stack config). */
  readonly allowPublicEndpointCidrs?: readonly string[];
  readonly adminRoleArns: readonly string[];
  /** Where the in-network runner comes from: each is admitted on 443 to the private endpoint. */
  readonly runnerCidrs?: readonly string[];
  readonly runnerSecurityGroupIds?: readonly string[];
  /**
   * AWSServiceRoleForAutoScaling's ARN when the account has it (read by the preflight in
   * infra/cluster.ts); unset, the stack creates it before the key policy that names it.
   */
  readonly autoscalingServiceLinkedRoleArn?: string;
  readonly instanceType?: string;
  readonly diskSizeGiB: number;
  readonly nodes: { readonly minSize: number; readonly desiredSize: number; readonly maxSize: number };
  readonly logRetentionDays: number;
  /** Refuse deletion of the cluster (prod). */
  readonly deletionProtection: boolean;
  /** Pulumi `protect` on what holds state (keys, log groups): outside dev. */
  readonly protectState: boolean;
  /** People sign in to the API server through this OIDC issuer (C-ID-3), beside IAM access entries. */
  readonly oidcIdentityProvider?: OidcIdentityProviderArgs;
  readonly tags?: Record<string, string>;
}

export interface OidcIdentityProviderArgs {
  readonly issuerUrl: string;
  /** The kubectl client of the realm; the ID token's audience. */
  readonly clientId: string;
  /** Prefix for group names, e.g. "oidc:", so IdP groups never collide with system groups. */
  readonly groupsPrefix: string;
}

export class EksCluster extends pulumi.ComponentResource {
  readonly handle: ClusterHandle;
  readonly cluster: aws.eks.Cluster;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:cluster:EksCluster", name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this };
    const tags = { "zt-blueprint.io/cluster": args.clusterName, ...(args.tags ?? {}) };
    const invoke = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, invoke);
    const partition = aws.getPartitionOutput({}, invoke).partition;
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, invoke).names;

    const stateful: pulumi.CustomResourceOptions = { parent: this, protect: args.protectState };
    const key = createKmsKey(
      {
        name: args.clusterName,
        accountId: identity.accountId,
        region: args.region,
        partition,
        autoscalingRole: autoscalingServiceLinkedRole(
          args.autoscalingServiceLinkedRoleArn,
          args.clusterName,
          child,
        ),
        tags,
      },
      stateful,
    );
    const vpc = createVpc(
      {
        name: args.clusterName,
        cidr: args.vpcCidr,
        availabilityZones: Array.from({ length: args.availabilityZones }, (_, i) =>
          zones.apply((z) => z[i] as string),
        ),
        natPerZone: args.natPerZone,
        kmsKeyArn: key.arn,
        logRetentionDays: args.logRetentionDays,
        protectState: args.protectState,
        tags,
      },
      child,
    );

    // Created first, so EKS writes into our encrypted group with retention, not a default one.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${args.clusterName}-control-plane`,
      {
        name: `/aws/eks/${args.clusterName}/cluster`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: key.arn,
        tags,
      },
      stateful,
    );
    const clusterRole = new aws.iam.Role(
      `${args.clusterName}-cluster`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
        tags,
      },
      child,
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
      `${args.clusterName}-cluster`,
      {
        role: clusterRole.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
      },
      child,
    );

    const publicCidrs = args.allowPublicEndpointCidrs ?? [];
    this.cluster = new aws.eks.Cluster(
      `${args.clusterName}-eks`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: vpc.privateSubnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: publicCidrs.length > 0,
          ...(publicCidrs.length > 0 ? { publicAccessCidrs: [...publicCidrs] } : {}),
        },
        encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: [...eksLogTypes],
        // Access entries only: no aws-auth ConfigMap, and the creator gets no hidden admin grant.
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        kubernetesNetworkConfig: { serviceIpv4Cidr: args.serviceCidr, ipFamily: "ipv4" },
        // Standard support only (no paid extended support). At the end of standard support EKS
        // upgrades a STANDARD cluster itself, off the pinned version, so the pin in
        // components/versions.ts must move before that date (docs/cluster.md). Source:
        // https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html
        upgradePolicy: { supportType: "STANDARD" },
        // The add-ons are installed below as pinned managed add-ons instead.
        bootstrapSelfManagedAddons: false,
        deletionProtection: args.deletionProtection,
        tags,
      },
      { parent: this, dependsOn: [logGroup, clusterPolicy] },
    );
    const cluster = this.cluster;

    const accessPolicies = args.adminRoleArns.map((principalArn, i) => {
      const entry = new aws.eks.AccessEntry(
        `${args.clusterName}-admin-${i}`,
        { clusterName: cluster.name, principalArn, type: "STANDARD", tags },
        child,
      );
      return new aws.eks.AccessPolicyAssociation(
        `${args.clusterName}-admin-${i}`,
        {
          clusterName: cluster.name,
          principalArn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
          accessScope: { type: "cluster" },
        },
        { parent: this, dependsOn: [entry] },
      );
    });
    const runnerIngress = runnerIngressRules(args, cluster.vpcConfig.clusterSecurityGroupId, tags, child);

    const issuerUrl = cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? "");
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${args.clusterName}-oidc`,
      { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags },
      child,
    );
    const issuer = {
      providerArn: oidcProvider.arn,
      issuerHost: issuerUrl.apply((url) => url.replace(/^https:\/\//, "")),
    };

    const addonArgs = {
      name: args.clusterName,
      clusterName: cluster.name,
      kubernetesVersion: args.kubernetesVersion,
      issuer,
      kmsKeyArn: key.arn,
      partition,
      tags,
    };
    const networkAddons = createNetworkAddons(addonArgs, child);
    const nodeGroup = createNodeGroup(
      {
        name: args.clusterName,
        clusterName: cluster.name,
        subnetIds: vpc.privateSubnetIds,
        kmsKeyArn: key.arn,
        instanceType: args.instanceType ?? defaultNodeInstanceType,
        diskSizeGiB: args.diskSizeGiB,
        ...args.nodes,
        partition,
        tags,
      },
      child,
      networkAddons,
    );
    const addons = [...networkAddons, ...createWorkloadAddons({ ...addonArgs, nodeGroup }, child)];
    const registry = createRegistry({ name: args.clusterName, kmsKeyArn: key.arn, tags }, child);

    if (args.oidcIdentityProvider) {
      const oidc = args.oidcIdentityProvider;
      new aws.eks.IdentityProviderConfig(
        `${args.clusterName}-people`,
        {
          clusterName: cluster.name,
          oidc: {
            identityProviderConfigName: "keycloak",
            issuerUrl: oidc.issuerUrl,
            clientId: oidc.clientId,
            usernameClaim: "email",
            usernamePrefix: oidc.groupsPrefix,
            groupsClaim: "groups",
            groupsPrefix: oidc.groupsPrefix,
          },
          tags,
        },
        // Associating is a cluster update, refused (409) while an add-on or node group update runs.
        // https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateIdentityProviderConfig.html
        { parent: this, dependsOn: [...addons, nodeGroup] },
      );
    }
    const identityBinder = new IrsaBinder(args.clusterName, issuer, { parent: this }, tags);

    const provider = new k8s.Provider(
      `${args.clusterName}-k8s`,
      {
        kubeconfig: eksKubeconfig(
          cluster.name,
          cluster.endpoint,
          cluster.certificateAuthority.data,
          args.region,
        ),
        enableServerSideApply: true,
      },
      // Reachable and authorised only once nodes run, the deployer's access policy is associated
      // and the runner is admitted to the private endpoint.
      { parent: this, dependsOn: [nodeGroup, ...accessPolicies, ...runnerIngress] },
    );
    createEncryptedStorageClass(key.arn, { parent: this, provider });
    this.handle = {
      kind: "aws",
      name: cluster.name,
      provider,
      oidcIssuerUrl: issuerUrl,
      identity: identityBinder,
      registry: registry.repositoryUrl,
      secrets: new SecretsManagerBackend(
        {
          clusterName: args.clusterName,
          region: args.region,
          accountId: identity.accountId,
          partition,
          binder: identityBinder,
          recoveryWindowInDays: args.deletionProtection ? 30 : 7,
          protectState: args.protectState,
          tags,
        },
        child,
      ),
      databases: new RdsDatabases(
        {
          clusterName: args.clusterName,
          vpcId: vpc.vpcId,
          subnetIds: vpc.privateSubnetIds,
          subnetCidrs: vpc.privateSubnetCidrs,
          clientSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
          kmsKeyArn: key.arn,
          logRetentionDays: args.logRetentionDays,
          protectState: args.protectState,
          tags,
        },
        child,
      ),
    };
    this.registerOutputs({
      clusterName: cluster.name,
      oidcIssuerUrl: issuerUrl,
      registry: registry.repositoryUrl,
    });
  }
}

/**
 * The private endpoint admits only what the EKS cluster security group allows, and that group
 * admits only its own members: the runner's ranges and groups get 443 explicitly. Source:
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
function runnerIngressRules(
  args: EksClusterArgs,
  clusterSecurityGroupId: pulumi.Input<string>,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule[] {
  const rule = (name: string, source: { cidrIpv4: string } | { referencedSecurityGroupId: string }) =>
    new aws.vpc.SecurityGroupIngressRule(
      `${args.clusterName}-runner-${name}`,
      {
        securityGroupId: clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "pulumi up runner to the private API endpoint",
        ...source,
        tags,
      },
      opts,
    );
  return [
    ...(args.runnerCidrs ?? []).map((cidrIpv4, i) => rule(`cidr-${i}`, { cidrIpv4 })),
    ...(args.runnerSecurityGroupIds ?? []).map((id, i) => rule(`sg-${i}`, { referencedSecurityGroupId: id })),
  ];
}
