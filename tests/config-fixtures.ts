/**
 * A valid stack config and the helpers the config tests share: the flat form Pulumi hands the
 * program, and the assertion that a config is refused, by key path, before anything is registered.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../infra/config";
import { runProgram } from "../infra/program";
import { capture, standInMirrorDigest } from "./harness/run";

export type Config = Record<string, unknown>;

/** A keyless authority: images signed by the organisation's release workflow. */
export const signed = {
  signatureVerification: {
    authorities: [
      {
        name: "release",
        keyless: {
          issuer: "https://token.actions.githubusercontent.com",
          subjectRegExp: "^https://github\\.com/org/.+$",
        },
      },
    ],
  },
};

/** Runtime alerts go somewhere (C-RT-1). */
export const sinks = {
  runtimeSecurity: { alertSinks: [{ type: "webhook", url: "https://alerts.example.com/falco" }] },
};

/** Keycloak's public hostname: required whenever the identity provider is on (the default). */
export const idp = {
  hostname: "id.example.com",
  // The issuer's public DNS record and CA-signed certificate (required on aws).
  publicIssuer: { dnsName: "id.example.com", certificate: "public-ca" },
  // Prod refuses Keycloak by tag and from any registry but the stack's own: the aws prod stack
  // "test" creates this ECR repository (components/cluster/registry-names.ts).
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/zt-test/platform@sha256:${standInMirrorDigest}`,
};

export const valid: Config = {
  addons: { admission: signed, ...sinks, identityProvider: idp },
  cloud: "existing",
  tier: "dev",
  kubernetesVersion: "1.35",
  tenants: [
    { name: "shop", idpGroup: "team-shop" },
    { name: "billing", idpGroup: "team-billing", allowedPeers: ["shop"] },
  ],
};

/** Pulumi's flat form: structured values as JSON, scalars as the strings a user typed. */
export function flat(config: Config): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [
        `zt-blueprint:${key}`,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
  );
}

export async function runWith(config: Config, stack = "test") {
  return capture(runProgram, { stack, config: flat(config) });
}

/** Runs the real program and asserts it was refused with these key paths, registering nothing. */
export async function assertRefused(config: Config, expected: { key: string; says: RegExp }[]) {
  const { error, graph } = await runWith(config);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  for (const { key, says } of expected) {
    const line = error.message.split("\n").find((l) => l.includes(`- ${key}: `));
    assert.ok(line, `no problem reported for ${key} in:\n${error.message}`);
    assert.match(line, says);
  }
  assert.equal(error.problems.length, expected.length, error.message);
  assert.doesNotMatch(error.message, /\n\s+at /, "the message carries no stack frames");
  // Only the root stack resource exists: not one resource of the blueprint was registered.
  assert.deepEqual(
    graph.resources.map((r) => r.type),
    ["pulumi:pulumi:Stack"],
  );
}

export const withTier = (tier: string, extra: Config = {}): Config => {
  const config: Config = {
    ...valid,
    cloud: tier === "dev" ? "existing" : "aws",
    region: "eu-west-1",
    tier,
    ...extra,
  };
  if (config["cloud"] !== "aws") return config;
  // An aws stack on the in-network runner names the runner's range (network.runnerCidrs).
  const network = typeof config["network"] === "object" ? (config["network"] as Config) : {};
  return { cloudAccount: "123456789012", ...config, network: { runnerCidrs: ["10.90.0.0/24"], ...network } };
};
