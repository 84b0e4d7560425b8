/**
 * Where a prod stack's images may come from: the registry the stack itself creates (ECR on aws,
 * ACR on azure; components/cluster/registry-names.ts), or a mirror listed explicitly in
 * addons.admission.allowedRegistries. An image in any other registry is one nobody has
 * provisioned or granted the cluster pull access to (C-CL-10).
 */
import { acrLoginServer, ecrRepositoryUrl } from "../components/cluster/registry-names";
import type { StackConfigInput } from "./config-schema";

/** The cluster every cloud stack builds is named after its stack. */
export const stackClusterName = (stackName: string): string => `zt-${stackName}`;

/** The image reference without its digest and tag: `host[:port]/path`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split("@")[0] ?? image;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

export interface OwnRegistry {
  /** What an image's repository must be (ECR: one repository) or start with (ACR: a whole registry). */
  readonly matches: (repository: string) => boolean;
  readonly describe: string;
}

export function ownRegistry(config: StackConfigInput, stackName: string): OwnRegistry | undefined {
  const cluster = stackClusterName(stackName);
  if (config.cloud === "aws" && /^\d{12}$/.test(config.cloudAccount ?? "") && config.region) {
    // ECR serves only repositories that exist; the stack creates exactly this one.
    const repository = ecrRepositoryUrl(config.cloudAccount as string, config.region, cluster);
    return { matches: (r) => r === repository, describe: `the ECR repository ${repository}` };
  }
  if (config.cloud === "azure") {
    // ACR creates a repository on push: any path under the registry the stack creates.
    const host = acrLoginServer(cluster);
    return { matches: (r) => r.startsWith(`${host}/`), describe: `the ACR ${host}/<repository>` };
  }
  return undefined;
}

/** An explicitly listed mirror: the repository is the entry (host[/path]) or below it. */
export const fromListedMirror = (repository: string, mirrors: readonly string[]): boolean =>
  mirrors.some((m) => repository === m || repository.startsWith(`${m}/`));
