/**
 * A kubeconfig for the Kubernetes provider that holds no credential: `aws eks get-token` mints a
 * short-lived token from the runner's own IAM identity each time (C-CL-4: no static admin
 * credentials). It is still marked secret, because it names the endpoint and CA.
 */
import * as pulumi from "@pulumi/pulumi";

export function eksKubeconfig(
  clusterName: pulumi.Input<string>,
  endpoint: pulumi.Input<string>,
  caData: pulumi.Input<string>,
  region: string,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([clusterName, endpoint, caData]).apply(([name, server, ca]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server, "certificate-authority-data": ca } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
          {
            name,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "aws",
                args: ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
                interactiveMode: "Never",
              },
            },
          },
        ],
      }),
    ),
  );
}
