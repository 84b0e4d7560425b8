/**
 * IRSA: one IAM role per Kubernetes ServiceAccount, trusted only by that namespace and
 * ServiceAccount through the cluster's OIDC provider (C-CL-5). IRSA rather than EKS Pod Identity:
 * it needs no extra agent on the nodes, every AWS SDK and the add-ons we deploy support it, and
 * the trust condition naming `system:serviceaccount:<ns>:<sa>` is visible in the role itself.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityBinder, WorkloadIdentityBinding, WorkloadIdentityRequest } from "../cluster";
import { permissionStatements, policyJson } from "./policy";
import { irsaRoleName } from "./names";

export interface OidcIssuer {
  readonly providerArn: pulumi.Input<string>;
  /** Issuer URL without "https://", as IAM condition keys use it. */
  readonly issuerHost: pulumi.Input<string>;
}

export function irsaTrustPolicy(
  issuer: OidcIssuer,
  namespace: string,
  serviceAccount: string,
): pulumi.Output<string> {
  return pulumi.all([issuer.providerArn, issuer.issuerHost]).apply(([providerArn, host]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
              [`${host}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    }),
  );
}

export interface IrsaRoleArgs {
  readonly name: string;
  readonly issuer: OidcIssuer;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly inlinePolicy?: pulumi.Input<string>;
  readonly managedPolicyArns?: readonly pulumi.Input<string>[];
  readonly tags: Record<string, string>;
}

export function irsaRole(args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(
    args.name,
    { assumeRolePolicy: irsaTrustPolicy(args.issuer, args.namespace, args.serviceAccount), tags: args.tags },
    opts,
  );
  if (args.inlinePolicy) {
    new aws.iam.RolePolicy(args.name, { role: role.id, policy: args.inlinePolicy }, opts);
  }
  (args.managedPolicyArns ?? []).forEach((policyArn, i) => {
    new aws.iam.RolePolicyAttachment(`${args.name}-${i}`, { role: role.name, policyArn }, opts);
  });
  return role;
}

/** The EKS identity binder: a role per ServiceAccount, with a policy scoped to exact resources. */
export class IrsaBinder implements IdentityBinder {
  constructor(
    private readonly clusterName: string,
    private readonly issuer: OidcIssuer,
    private readonly opts: pulumi.CustomResourceOptions,
    private readonly tags: Record<string, string>,
  ) {}

  bindWorkloadIdentity(
    request: WorkloadIdentityRequest,
    opts?: pulumi.ComponentResourceOptions,
  ): WorkloadIdentityBinding {
    const statements = permissionStatements(request.permissions);
    const role = irsaRole(
      {
        name: irsaRoleName(this.clusterName, request.namespace, request.serviceAccount),
        issuer: this.issuer,
        namespace: request.namespace,
        serviceAccount: request.serviceAccount,
        ...(statements.length > 0 ? { inlinePolicy: policyJson(statements) } : {}),
        tags: {
          ...this.tags,
          "zt-blueprint.io/service-account": `${request.namespace}/${request.serviceAccount}`,
        },
      },
      { ...this.opts, ...(opts?.parent ? { parent: opts.parent } : {}) },
    );
    return { serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role.arn }, podLabels: {} };
  }
}
