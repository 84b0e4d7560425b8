/**
 * The names of the private registry each cluster component creates (C-CL-10), as pure functions
 * so config validation can name the registry a prod image must come from before anything exists.
 */

/** The ECR repository the EKS component creates (components/eks-cluster/registry.ts). */
export const ecrRepositoryName = (clusterName: string): string => `${clusterName}/platform`;

/**
 * Its repositoryUrl: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>`
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html; China regions end .cn).
 */
export function ecrRepositoryUrl(accountId: string, region: string, clusterName: string): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${accountId}.dkr.ecr.${region}.${suffix}/${ecrRepositoryName(clusterName)}`;
}

/** The ACR the AKS component creates: registry names are global, alphanumeric, 5-50 characters. */
export const acrRegistryName = (clusterName: string): string =>
  `${clusterName.replace(/[^a-z0-9]/g, "")}platform`.slice(0, 50);

/** Its loginServer (public Azure cloud). */
export const acrLoginServer = (clusterName: string): string => `${acrRegistryName(clusterName)}.azurecr.io`;
