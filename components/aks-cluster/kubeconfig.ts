/**
 * The AKS kubeconfig: kubelogin exchanges the runner's Azure CLI / workload identity login for an
 * Entra ID token (local accounts are disabled).
 */
import * as pulumi from "@pulumi/pulumi";
import { execKubeconfig } from "../cluster/kubeconfig";

/** The AKS Entra ID server application, the audience of every AKS user token. */
export const aksServerAppId = "6dae42f8-4368-4678-94ff-3960e28e3630";

export function aksKubeconfig(
  clusterName: pulumi.Input<string>,
  host: pulumi.Input<string>,
  caData: pulumi.Input<string>,
): pulumi.Output<string> {
  return execKubeconfig(clusterName, pulumi.interpolate`https://${host}:443`, caData, () => ({
    command: "kubelogin",
    args: ["get-token", "--login", "azurecli", "--server-id", aksServerAppId],
  }));
}
