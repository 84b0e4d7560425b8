/**
 * The kubeconfig `users` entry people add to sign in to the API server with Keycloak (C-ID-3):
 * kubelogin (`kubectl oidc-login`) runs the authorization-code flow with PKCE against the public
 * kubectl client and caches the short-lived ID token; no secret is stored anywhere.
 */
import { stringify } from "yaml";
import { kubectlClientId } from "./realm";

export function kubeloginUser(issuerUrl: string, userName = "zt-oidc"): string {
  return stringify({
    users: [
      {
        name: userName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "kubectl",
            args: [
              "oidc-login",
              "get-token",
              `--oidc-issuer-url=${issuerUrl}`,
              `--oidc-client-id=${kubectlClientId}`,
              "--oidc-use-pkce",
              "--oidc-extra-scope=email",
            ],
            interactiveMode: "IfAvailable",
          },
        },
      },
    ],
  });
}
