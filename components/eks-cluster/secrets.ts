/**
 * AWS Secrets Manager as the External Secrets vault (C-SEC-1/2/3). Every secret of the environment
 * lives under `zt-blueprint/<cluster>/`, encrypted with a dedicated rotating CMK; the platform reads
 * `.../platform/`, each tenant only its own declared prefix. Readers get an IRSA role whose policy
 * names exactly that prefix and the CMK, nothing wider.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  readerRef,
  type IdentityBinder,
  type RemoteRef,
  type SecretBackend,
  type SecretReader,
  type SecretScope,
} from "../cluster";
import { policyJson } from "./policy";

export interface SecretsManagerArgs {
  readonly clusterName: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly binder: IdentityBinder;
  /** Days a deleted secret can be restored (7-30). */
  readonly recoveryWindowInDays: number;
  /** Pulumi `protect` on the secrets CMK (outside dev): deleting it makes every secret unreadable. */
  readonly protectState: boolean;
  readonly tags: Record<string, string>;
}

/** The prefix every secret of one environment shares. */
export const secretsPrefix = (clusterName: string) => `zt-blueprint/${clusterName}/`;

export class SecretsManagerBackend implements SecretBackend {
  readonly kind = "aws-secrets-manager";
  private platformScope?: SecretScope;
  private key?: aws.kms.Key;

  constructor(
    private readonly args: SecretsManagerArgs,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {}

  /** Created on first use: an environment without External Secrets gets no key or secrets. */
  get platform(): SecretScope {
    this.platformScope ??= this.scope("platform", "platform/");
    return this.platformScope;
  }

  get kmsKey(): aws.kms.Key {
    this.key ??= secretsKey(this.args, this.opts);
    return this.key;
  }

  tenant(tenant: string, prefix: string): SecretScope {
    return this.scope(tenant, prefix);
  }

  private scope(label: string, prefix: string): SecretScope {
    const { args, kmsKey } = this;
    const namePrefix = `${secretsPrefix(args.clusterName)}${prefix}`;
    // Secrets Manager appends "-XXXXXX" to a secret's ARN; "<prefix>*" covers exactly the prefix.
    const arnPattern = pulumi.interpolate`arn:${args.partition}:secretsmanager:${args.region}:${args.accountId}:secret:${namePrefix}*`;
    const remoteRef = (name: string): RemoteRef => ({ key: `${namePrefix}${name}` });
    return {
      boundary: pulumi.output(namePrefix),
      grantRead: (reader: SecretReader, opts) =>
        args.binder.bindWorkloadIdentity(
          {
            namespace: reader.namespace,
            serviceAccount: reader.serviceAccount,
            permissions: [
              { capability: "secrets.read", resources: [arnPattern] },
              { capability: "keys.decrypt", resources: [kmsKey.arn] },
            ],
          },
          opts,
        ),
      storeProvider: (reader: SecretReader) => ({
        aws: {
          service: "SecretsManager",
          region: args.region,
          auth: { jwt: { serviceAccountRef: readerRef(reader) } },
        },
      }),
      storeSecret: (name, { value, version }, opts) => {
        const secret = new aws.secretsmanager.Secret(
          `${args.clusterName}-${label}-${name}`,
          {
            name: `${namePrefix}${name}`,
            kmsKeyId: kmsKey.arn,
            recoveryWindowInDays: args.recoveryWindowInDays,
            tags: { ...args.tags, "zt-blueprint.io/secret-scope": label },
          },
          { ...this.opts, ...opts },
        );
        new aws.secretsmanager.SecretVersion(
          `${args.clusterName}-${label}-${name}`,
          { secretId: secret.id, secretStringWo: pulumi.secret(value), secretStringWoVersion: version },
          { ...this.opts, ...opts },
        );
        return remoteRef(name);
      },
      remoteRef,
    };
  }
}

/** A CMK for Secrets Manager only, so readers' kms:Decrypt never covers volumes or cluster secrets. */
function secretsKey(args: SecretsManagerArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const key = new aws.kms.Key(
    `${args.clusterName}-secrets-cmk`,
    {
      description: `zt-blueprint ${args.clusterName}: Secrets Manager secrets`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policyJson([
        // IAM policies (the readers' roles) can grant use of the key only through this statement.
        {
          Sid: "AccountAdministration",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:${args.partition}:iam::${args.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
      ]),
      tags: args.tags,
    },
    { ...opts, protect: args.protectState },
  );
  new aws.kms.Alias(
    `${args.clusterName}-secrets-cmk`,
    { name: `alias/zt-blueprint/${args.clusterName}/secrets`, targetKeyId: key.keyId },
    opts,
  );
  return key;
}
