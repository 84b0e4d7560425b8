/**
 * Names the EKS component derives from its inputs, as pure functions so config validation can
 * check their cloud limits before anything is registered.
 */

/**
 * The IRSA role's Pulumi name for a ServiceAccount. The role is auto-named: Pulumi appends "-" and
 * 7 random characters and refuses a result over the IAM limit of 64 ("name '…' plus 7 random chars
 * is longer than maximum length 64"; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export const irsaRoleName = (clusterName: string, namespace: string, serviceAccount: string): string =>
  `${clusterName}-${namespace}-${serviceAccount}`;

/** The longest auto-name prefix an IAM role may have: 64 minus "-" and 7 random characters. */
export const maxIamRoleNamePrefix = 64 - 8;
