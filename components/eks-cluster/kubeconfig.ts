/** The EKS kubeconfig: `aws eks get-token` with the runner's IAM identity (no static credential). */
import type * as pulumi from "@pulumi/pulumi";
import { execKubeconfig } from "../cluster/kubeconfig";

export function eksKubeconfig(
  clusterName: pulumi.Input<string>,
  endpoint: pulumi.Input<string>,
  caData: pulumi.Input<string>,
  region: string,
): pulumi.Output<string> {
  return execKubeconfig(clusterName, endpoint, caData, (name) => ({
    command: "aws",
    args: ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
  }));
}
