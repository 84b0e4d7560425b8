/**
 * A kubeconfig that holds no credential: an exec plugin mints a short-lived token from the
 * runner's own cloud identity each time (C-CL-4). Still marked secret, because it names the
 * endpoint and the cluster CA.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ExecPlugin {
  readonly command: string;
  readonly args: readonly string[];
}

export function execKubeconfig(
  clusterName: pulumi.Input<string>,
  serverUrl: pulumi.Input<string>,
  caData: pulumi.Input<string>,
  exec: (clusterName: string) => ExecPlugin,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([clusterName, serverUrl, caData]).apply(([name, server, ca]) => {
      const plugin = exec(name);
      return JSON.stringify({
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
                command: plugin.command,
                args: [...plugin.args],
                interactiveMode: "Never",
              },
            },
          },
        ],
      });
    }),
  );
}
