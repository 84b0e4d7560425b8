/**
 * A kubeconfig with no credential in it: kubelogin exchanges the runner's Azure CLI / workload
 * identity login for an Entra ID token (local accounts are disabled, C-CL-4). Marked secret.
 */
import * as pulumi from "@pulumi/pulumi";

/** The AKS Entra ID server application, the audience of every AKS user token. */
export const aksServerAppId = "6dae42f8-4368-4678-94ff-3960e28e3630";

export function aksKubeconfig(
  clusterName: pulumi.Input<string>,
  server: pulumi.Input<string>,
  caData: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([clusterName, server, caData]).apply(([name, host, ca]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: `https://${host}:443`, "certificate-authority-data": ca } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
          {
            name,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "kubelogin",
                args: ["get-token", "--login", "azurecli", "--server-id", aksServerAppId],
                interactiveMode: "Never",
              },
            },
          },
        ],
      }),
    ),
  );
}
