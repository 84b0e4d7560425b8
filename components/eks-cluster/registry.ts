/**
 * The platform's private image registry (C-CL-10): scan on push, immutable tags, encrypted with
 * the CMK, untagged images expire. Admission allowlists point at its URL.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ecrRepositoryName } from "../cluster/registry-names";

export interface RegistryArgs {
  readonly name: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

export function createRegistry(args: RegistryArgs, opts: pulumi.CustomResourceOptions): aws.ecr.Repository {
  const repository = new aws.ecr.Repository(
    `${args.name}-platform`,
    {
      name: ecrRepositoryName(args.name),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
      forceDelete: false,
      tags: args.tags,
    },
    opts,
  );
  new aws.ecr.LifecyclePolicy(
    `${args.name}-platform`,
    {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: "expire untagged images after 14 days",
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: 14,
            },
            action: { type: "expire" },
          },
        ],
      }),
    },
    opts,
  );
  return repository;
}
