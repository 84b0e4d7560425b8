/** AWS resource policies: the EKS cluster layer (C-CL) and Secrets Manager (C-SEC-3). */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { anywhere, isSet, tierConfig, tierOf } from "./common";

const eksLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const awsPolicies: ResourceValidationPolicy[] = [
  {
    name: "eks-private-endpoint",
    description:
      "The EKS API endpoint is private; prod has no public endpoint, other tiers only a CIDR allowlist without 0.0.0.0/0.",
    tags: ["C-CL-1"],
    configSchema: tierConfig,
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
      const vpc = cluster.vpcConfig;
      if (vpc?.endpointPrivateAccess !== true) report("endpointPrivateAccess is not true");
      // EKS turns the public endpoint on unless it is explicitly switched off.
      if (vpc?.endpointPublicAccess === false) return;
      if (tierOf(args) === "prod") return report("prod has a public API endpoint");
      const cidrs = vpc?.publicAccessCidrs ?? [];
      if (cidrs.length === 0) report("the public endpoint has no CIDR allowlist (open to everyone)");
      for (const cidr of cidrs.filter((c) => anywhere.includes(c)))
        report(`the public endpoint allows ${cidr}`);
    }),
  },
  {
    name: "eks-secrets-encryption",
    description: "EKS envelope-encrypts Kubernetes Secrets with a KMS key (encryptionConfig).",
    tags: ["C-CL-2"],
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
      const encryption = cluster.encryptionConfig;
      if (!encryption?.resources?.includes("secrets")) report("Secrets are not envelope-encrypted");
      if (!isSet(() => encryption?.provider?.keyArn)) report("encryptionConfig names no KMS key");
    }),
  },
  {
    name: "eks-control-plane-logs",
    description: `EKS sends every control-plane log type (${eksLogTypes.join(", ")}) to CloudWatch.`,
    tags: ["C-CL-3"],
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
      const enabled = cluster.enabledClusterLogTypes ?? [];
      for (const type of eksLogTypes.filter((t) => !enabled.includes(t))) report(`log type ${type} is off`);
    }),
  },
  {
    name: "eks-access-entries",
    description:
      "EKS authenticates through access entries only (authenticationMode API, no aws-auth ConfigMap) and grants the creator no implicit admin.",
    tags: ["C-CL-4"],
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
      const mode = cluster.accessConfig?.authenticationMode;
      if (mode !== "API") report(`authenticationMode is ${mode ?? "unset (CONFIG_MAP)"}, not API`);
      if (cluster.accessConfig?.bootstrapClusterCreatorAdminPermissions !== false)
        report("the cluster creator gets an implicit cluster-admin grant");
    }),
  },
  {
    name: "eks-node-launch-template",
    description:
      "Node launch templates require IMDSv2 with hop limit 1, encrypt every EBS volume with a KMS key and set no SSH key.",
    tags: ["C-CL-6"],
    validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
      const metadata = template.metadataOptions;
      if (metadata?.httpTokens !== "required") report("IMDSv1 is allowed (httpTokens is not required)");
      // Hop limit 1 keeps pods (one hop further) away from the node role's credentials.
      if (metadata?.httpPutResponseHopLimit !== 1)
        report(`IMDS hop limit is ${String(metadata?.httpPutResponseHopLimit)}, not 1`);
      const volumes = template.blockDeviceMappings ?? [];
      if (volumes.length === 0) report("no block device mappings: the AMI's default volume is unencrypted");
      for (const volume of volumes) {
        // The provider types `encrypted` as the string "true"/"false".
        if (String(volume.ebs?.encrypted) !== "true" || !isSet(() => volume.ebs?.kmsKeyId))
          report(`volume ${volume.deviceName ?? "?"} is not encrypted with a KMS key`);
      }
      if (isSet(() => template.keyName)) report("nodes accept SSH (keyName is set)");
    }),
  },
  {
    name: "aws-no-public-node-ips",
    description: "Subnets give instances no public IPs and node launch templates attach none.",
    tags: ["C-CL-6"],
    validateResource: [
      validateResourceOfType(aws.ec2.Subnet, (subnet, _args, report) => {
        if (subnet.mapPublicIpOnLaunch === true) report("the subnet gives instances public IPs");
      }),
      validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
        for (const nic of template.networkInterfaces ?? []) {
          if (String(nic.associatePublicIpAddress) === "true") report("nodes get a public IP address");
        }
      }),
    ],
  },
  {
    name: "kms-key-rotation",
    description: "Customer-managed KMS keys rotate automatically.",
    tags: ["C-CL-2", "C-SEC-3"],
    validateResource: validateResourceOfType(aws.kms.Key, (key, _args, report) => {
      if (key.enableKeyRotation !== true) report("enableKeyRotation is not true");
    }),
  },
  {
    name: "ecr-scan-and-immutable-tags",
    description: "ECR repositories scan images on push and have immutable tags.",
    tags: ["C-CL-10"],
    validateResource: validateResourceOfType(aws.ecr.Repository, (repository, _args, report) => {
      if (repository.imageScanningConfiguration?.scanOnPush !== true)
        report("images are not scanned on push");
      if (repository.imageTagMutability !== "IMMUTABLE")
        report(`imageTagMutability is ${repository.imageTagMutability ?? "MUTABLE"}, not IMMUTABLE`);
    }),
  },
  {
    name: "secretsmanager-cmk",
    description: "Secrets Manager secrets are encrypted with a customer-managed KMS key (kmsKeyId).",
    tags: ["C-SEC-3"],
    validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, _args, report) => {
      if (!isSet(() => secret.kmsKeyId)) report("no kmsKeyId: the secret uses the AWS-managed key");
    }),
  },
];
