/**
 * The pinned EKS add-on builds (components/versions.ts) against what EKS publishes for a
 * Kubernetes version: `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <n>`
 * answers `addons[].addonVersions[].{addonVersion, compatibilities[].clusterVersion}`
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html).
 */
import { eksAddonVersions, type EksAddonName, type KubernetesVersion } from "../../components/versions";

export interface DescribeAddonVersions {
  readonly addons?: readonly {
    readonly addonName?: string;
    readonly addonVersions?: readonly {
      readonly addonVersion?: string;
      readonly compatibilities?: readonly { readonly clusterVersion?: string }[];
    }[];
  }[];
}

/** One line per pin EKS does not list as compatible with `version`; empty when all are. */
export function unverifiedAddonPins(
  version: KubernetesVersion,
  answers: Readonly<Record<EksAddonName, DescribeAddonVersions>>,
): string[] {
  return (Object.entries(eksAddonVersions[version]) as [EksAddonName, string][]).flatMap(([name, pin]) => {
    const builds = (answers[name].addons ?? [])
      .filter((a) => a.addonName === name)
      .flatMap((a) => a.addonVersions ?? []);
    const build = builds.find((b) => b.addonVersion === pin);
    if (!build) return [`${name} ${pin} is not published for Kubernetes ${version}`];
    const compatible = (build.compatibilities ?? []).some((c) => c.clusterVersion === version);
    return compatible ? [] : [`${name} ${pin} is published but not marked compatible with ${version}`];
  });
}
