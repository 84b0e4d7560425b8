/**
 * EKS trusts Keycloak as the API server's OIDC issuer only when the issuer is publicly reachable
 * over HTTPS with a certificate a public CA signed (C-ID-3). The blueprint manages neither the DNS
 * record nor the certificate, so an EKS stack must state both (addons.identityProvider.publicIssuer);
 * without them the program is refused before any resource is registered.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { ConfigError } from "../infra/config";
import { captureStack, readStackFile } from "./harness/run";
import { proves } from "./harness/proves";

type Addons = { identityProvider: Record<string, unknown> };

/** Runs aws-prod with its identity provider config edited. */
async function awsProdWith(edit: (idp: Record<string, unknown>) => void) {
  const addons = JSON.parse(readStackFile("aws-prod").config["zt-blueprint:addons"] ?? "{}") as Addons;
  edit(addons.identityProvider);
  return captureStack("aws-prod", { overrides: { "zt-blueprint:addons": JSON.stringify(addons) } });
}

function refusal(error: Error | undefined, key: string): string {
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  const line = error.message.split("\n").find((l) => l.includes(`- zt-blueprint:${key}: `));
  assert.ok(line, `no problem for ${key} in:\n${error.message}`);
  return line;
}

describe("the EKS OIDC issuer's prerequisites", () => {
  proves(
    ["C-ID-3"],
    "an EKS stack states the issuer's public DNS name and CA-signed certificate",
    async () => {
      const { error, graph } = await captureStack("aws-prod");
      assert.equal(error, undefined, error?.message);
      assert.ok(graph.ofType("aws:eks/identityProviderConfig:IdentityProviderConfig").length === 1);
    },
  );

  proves(["C-ID-3"], "an EKS stack without them is refused before anything is registered", async () => {
    const missing = await awsProdWith((idp) => delete idp["publicIssuer"]);
    assert.match(
      refusal(missing.error, "addons.identityProvider.publicIssuer"),
      /required on aws.*public HTTPS.*CA-signed.*dnsName: id\.aws-prod\.example\.com, certificate: public-ca/,
    );
    assert.deepEqual(
      missing.graph.resources.map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
    const otherName = await awsProdWith((idp) => {
      idp["publicIssuer"] = { dnsName: "login.example.com", certificate: "public-ca" };
    });
    assert.match(
      refusal(otherName.error, "addons.identityProvider.publicIssuer.dnsName"),
      /must equal addons\.identityProvider\.hostname \(id\.aws-prod\.example\.com\)/,
    );
    const privateCa = await awsProdWith((idp) => {
      idp["publicIssuer"] = { dnsName: "id.aws-prod.example.com", certificate: "private-ca" };
    });
    assert.match(
      refusal(privateCa.error, "addons.identityProvider.publicIssuer.certificate"),
      /must be "public-ca".*no self-signed or private CA/,
    );
  });
});
