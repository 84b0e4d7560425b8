/**
 * npm run check:eks-addons -- --kubernetes-version 1.35 [--region eu-west-1]
 * Before deploying (or moving kubernetesVersion): asks EKS, with your AWS CLI credentials, which
 * add-on builds it publishes for that version and fails (exit 1) naming every pin in
 * components/versions.ts that is not among them. Read-only; docs/cluster.md says when to run it.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { eksAddonVersions, supportedKubernetesVersions, type EksAddonName } from "../components/versions";
import { unverifiedAddonPins, type DescribeAddonVersions } from "./lib/eks-addon-pins";

function main(): number {
  const { values } = parseArgs({
    options: { "kubernetes-version": { type: "string" }, region: { type: "string" } },
  });
  const version = values["kubernetes-version"] as (typeof supportedKubernetesVersions)[number];
  if (!supportedKubernetesVersions.includes(version)) {
    console.error(`--kubernetes-version must be one of ${supportedKubernetesVersions.join(", ")}`);
    return 2;
  }
  const answers = {} as Record<EksAddonName, DescribeAddonVersions>;
  for (const name of Object.keys(eksAddonVersions[version]) as EksAddonName[]) {
    const args = ["eks", "describe-addon-versions", "--kubernetes-version", version, "--addon-name", name];
    if (values.region) args.push("--region", values.region);
    answers[name] = JSON.parse(
      execFileSync("aws", [...args, "--output", "json"], { encoding: "utf8" }),
    ) as DescribeAddonVersions;
  }
  const problems = unverifiedAddonPins(version, answers);
  for (const problem of problems) console.error(problem);
  if (problems.length === 0) console.log(`every pinned add-on build is published for Kubernetes ${version}`);
  return problems.length === 0 ? 0 : 1;
}

process.exit(main());
