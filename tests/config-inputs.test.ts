/**
 * Input that is well-formed but could never deploy, or would weaken a control, is refused before
 * any resource is registered, naming the key path and the fix: tenant names the platform owns,
 * overlapping public hosts, signature subjects policy-controller reads differently, regions the
 * cloud lacks, names too long for their Kubernetes object, union keys, placeholder digests and
 * prod images from a registry the stack does not create. Each class has a good case beside it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadConfig, readRawConfig } from "../infra/config";
import { isPlaceholderDigest } from "../infra/image-reference";
import { assertRefused, flat, idp, signed, sinks, valid, withTier, type Config } from "./config-fixtures";
import { captureStack, readStackFile, stackGraph, standInMirrorDigest } from "./harness/run";

type Case = { name: string; config: Config; expected: { key: string; says: RegExp }[] };

const accepts = (config: Config, stack = "test") => loadConfig(readRawConfig(flat(config)), stack);

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const digest = standInMirrorDigest;

/** An Azure stack ("test" creates the ACR zttestplatform.azurecr.io). */
const azure = (tier: string, image: string, extra: Config = {}): Config => ({
  ...valid,
  cloud: "azure",
  tier,
  region: "westeurope",
  cloudAccount: guid(1),
  identity: { platformAdminsEntraGroupObjectId: guid(2) },
  addons: { admission: signed, ...sinks, identityProvider: { ...idp, image } },
  tenants: [{ name: "shop", idpGroup: "team-shop", entraGroupObjectId: guid(3) }],
  // The runner's VNet, peered to the stack's (required on azure: the Key Vaults are private).
  network: {
    runnerVnetId: `/subscriptions/${guid(1)}/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/ci`,
  },
  ...extra,
});

const tenantNamed = (name: string): Config => ({ ...valid, tenants: [{ name, idpGroup: "team" }] });

const routes = (idpHost: string, ...hosts: string[]): Config => ({
  ...valid,
  addons: {
    admission: signed,
    ...sinks,
    identityProvider: {
      ...idp,
      hostname: idpHost,
      publicIssuer: { dnsName: idpHost, certificate: "public-ca" },
    },
  },
  tenants: hosts.map((host, i) => ({
    name: `t${i}`,
    idpGroup: `team-${i}`,
    ingress: { host, service: "web", port: 8080 },
  })),
});

const subject = (tier: string, keyless: Record<string, string>): Config =>
  withTier(tier, {
    addons: {
      ...sinks,
      identityProvider: idp,
      admission: {
        signatureVerification: {
          authorities: [
            {
              name: "release",
              keyless: { issuer: "https://token.actions.githubusercontent.com", ...keyless },
            },
          ],
        },
      },
    },
  });

const keyPath = {
  name: "zt-blueprint:tenants[0].name",
  host: (i: number) => `zt-blueprint:tenants[${i}].ingress.host`,
  subject: "zt-blueprint:addons.admission.signatureVerification.authorities[0].keyless.subjectRegExp",
  image: "zt-blueprint:addons.identityProvider.image",
};

function refuses(cases: Case[]) {
  for (const { name, config, expected } of cases)
    test(`refuses ${name}`, () => assertRefused(config, expected));
}

describe("tenant names the platform or Kubernetes own", () => {
  const reserved = /is reserved: .*; pick another tenant name \(reserved: .*kube-\*, zt-vault-\*\)/;
  refuses(
    [
      "istio-system",
      "keycloak",
      "cosign-system",
      "neuvector",
      "zt-vault",
      "zt-vault-shop",
      "kube-flannel",
      "default",
    ].map((name) => ({
      name: `tenant "${name}"`,
      config: tenantNamed(name),
      expected: [{ key: keyPath.name, says: reserved }],
    })),
  );
  test("accepts names that only resemble them", () => {
    for (const name of ["istio-apps", "keycloak-demo", "vault", "kubernetes"]) {
      assert.equal(accepts(tenantNamed(name)).tenants[0]?.name, name);
    }
  });
});

describe("public hosts two owners would share at the ingress gateway", () => {
  const overlaps = (what: string) => new RegExp(`overlaps "${what}" of .*give each a host of its own`);
  refuses([
    {
      name: "a route on the identity provider's host",
      config: routes("id.example.com", "id.example.com"),
      expected: [{ key: keyPath.host(0), says: overlaps("id\\.example\\.com") }],
    },
    {
      name: "a wildcard route covering the identity provider",
      config: routes("id.example.com", "*.example.com"),
      expected: [{ key: keyPath.host(0), says: overlaps("id\\.example\\.com") }],
    },
    {
      name: "two tenants on one host",
      config: routes("id.example.com", "shop.example.com", "shop.example.com"),
      expected: [{ key: keyPath.host(1), says: overlaps("shop\\.example\\.com") }],
    },
    {
      name: "a deeper name under another tenant's wildcard",
      config: routes("id.example.com", "*.shop.example.com", "a.b.shop.example.com"),
      expected: [{ key: keyPath.host(1), says: overlaps("\\*\\.shop\\.example\\.com") }],
    },
    {
      name: "nested wildcards",
      config: routes("id.example.org", "*.eu.example.com", "*.example.com"),
      expected: [{ key: keyPath.host(1), says: overlaps("\\*\\.eu\\.example\\.com") }],
    },
  ]);
  test("accepts distinct hosts, and a wildcard beside its bare parent (Istio: *.x does not match x)", () => {
    assert.equal(accepts(routes("id.example.com", "shop.example.com", "pay.example.com")).tenants.length, 2);
    assert.equal(accepts(routes("example.com", "*.example.com")).tenants.length, 1);
  });
});

describe("keyless subjects policy-controller would match differently", () => {
  const org = "^https://github\\.com/example-org/";
  refuses([
    {
      name: "a lookahead (RE2 has none)",
      config: subject("prod", { subjectRegExp: `${org}(?=repo).+$` }),
      expected: [{ key: keyPath.subject, says: /uses a lookaround .*Go's RE2.*rewrite it without/ }],
    },
    {
      name: "a backreference",
      config: subject("prod", { subjectRegExp: `${org}(a)\\1$` }),
      expected: [{ key: keyPath.subject, says: /uses a backreference/ }],
    },
    {
      name: "a possessive quantifier",
      config: subject("prod", { subjectRegExp: `${org}.++$` }),
      expected: [{ key: keyPath.subject, says: /uses a possessive quantifier/ }],
    },
    {
      name: "inline flags",
      config: subject("prod", { subjectRegExp: `(?i)${org}.+$` }),
      expected: [{ key: keyPath.subject, says: /uses inline flags/ }],
    },
    {
      name: "a pattern that does not compile",
      config: subject("staging", { subjectRegExp: `${org}[a-$` }),
      expected: [{ key: keyPath.subject, says: /does not compile: .*; fix the expression/ }],
    },
    {
      name: "an unanchored pattern, even in staging",
      config: subject("staging", { subjectRegExp: "https://github\\.com/example-org/.+" }),
      expected: [{ key: keyPath.subject, says: /is not anchored: .*matches it anywhere.*write \^…\$/ }],
    },
    {
      name: "a top-level alternation (only one side anchored)",
      config: subject("prod", { subjectRegExp: `${org}.+$|evil` }),
      expected: [{ key: keyPath.subject, says: /is not anchored/ }],
    },
    {
      name: "an escaped final dollar",
      config: subject("prod", { subjectRegExp: `${org}.+\\$` }),
      expected: [{ key: keyPath.subject, says: /is not anchored/ }],
    },
    {
      name: "a prod pattern that fixes too little",
      config: subject("prod", { subjectRegExp: "^.*@ex\\.com$" }),
      expected: [{ key: keyPath.subject, says: /fixes only 7 literal characters.*prod needs at least 12/ }],
    },
    {
      name: "subject and subjectRegExp together",
      config: subject("prod", { subject: "a@example.com", subjectRegExp: `${org}.+$` }),
      expected: [
        {
          key: "zt-blueprint:addons.admission.signatureVerification.authorities[0].keyless",
          says: /sets both subject and subjectRegExp; keep one/,
        },
      ],
    },
  ]);
  test("accepts anchored, specific patterns (RE2 named groups too); staging allows a short anchored one", () => {
    for (const pattern of [
      `${org}[^/]+/\\.github/workflows/release\\.yml@refs/tags/v.+$`,
      "^https://github\\.com/(?P<org>[^/]+)/repo/.+$",
      "^[a-z.]+@example\\.com$",
    ]) {
      assert.ok(accepts(subject("prod", { subjectRegExp: pattern })), pattern);
    }
    assert.ok(accepts(subject("staging", { subjectRegExp: "^.*@ex\\.com$" })));
  });
});

describe("regions the cloud does not have", () => {
  refuses([
    {
      name: "an AWS region that does not exist",
      config: withTier("staging", { region: "eu-west-9" }),
      expected: [{ key: "zt-blueprint:region", says: /is not an AWS region; use one of .*e\.g\. eu-west-1/ }],
    },
    {
      name: "an Azure location on an AWS stack",
      config: withTier("staging", { region: "westeurope" }),
      expected: [{ key: "zt-blueprint:region", says: /is not an AWS region/ }],
    },
    {
      name: "an AWS region on an Azure stack",
      config: azure("dev", `zttestplatform.azurecr.io/keycloak@sha256:${digest}`, { region: "eu-west-1" }),
      expected: [{ key: "zt-blueprint:region", says: /is not a public Azure location; use one of/ }],
    },
    {
      name: "an Azure location that does not exist",
      config: azure("dev", `zttestplatform.azurecr.io/keycloak@sha256:${digest}`, { region: "westeurope2" }),
      expected: [{ key: "zt-blueprint:region", says: /is not a public Azure location.*e\.g\. westeurope/ }],
    },
  ]);
  test("accepts real regions of each cloud", () => {
    assert.equal(accepts(withTier("staging", { region: "ap-southeast-7" })).region, "ap-southeast-7");
    const image = `zttestplatform.azurecr.io/keycloak@sha256:${digest}`;
    assert.equal(accepts(azure("dev", image, { region: "swedencentral" })).region, "swedencentral");
  });
});

describe("names longer than the Kubernetes object they become", () => {
  const long = (n: number) => `a${"b".repeat(n - 1)}`;
  const permissive = (port: Record<string, unknown>): Config => ({
    ...valid,
    addons: {
      admission: signed,
      ...sinks,
      identityProvider: idp,
      mesh: {
        permissivePorts: [
          {
            namespace: "monitoring",
            workloadLabels: { app: "x" },
            port: 9100,
            reason: "legacy scraper",
            ...port,
          },
        ],
      },
    },
  });
  refuses([
    {
      name: "a tenant name over 40 (it prefixes zt-vault-<tenant>, a 63-character namespace)",
      config: tenantNamed(long(41)),
      expected: [{ key: keyPath.name, says: /at most 40 characters/ }],
    },
    {
      name: "a route's Service name over 63",
      config: {
        ...valid,
        tenants: [
          { name: "shop", idpGroup: "g", ingress: { host: "shop.example.com", service: long(64), port: 80 } },
        ],
      },
      expected: [
        {
          key: "zt-blueprint:tenants[0].ingress.service",
          says: /at most 63 characters \(a Service name is a DNS-1123 label\)/,
        },
      ],
    },
    {
      name: "a permissive port's namespace over 63",
      config: permissive({ namespace: long(64) }),
      expected: [
        { key: "zt-blueprint:addons.mesh.permissivePorts[0].namespace", says: /at most 63 characters/ },
      ],
    },
    {
      name: "a label value over 63 and a label key with a space",
      config: permissive({ workloadLabels: { app: long(64), "bad key": "x" } }),
      expected: [
        {
          key: "zt-blueprint:addons.mesh.permissivePorts[0].workloadLabels.app",
          says: /must be a Kubernetes label value/,
        },
        {
          key: 'zt-blueprint:addons.mesh.permissivePorts[0].workloadLabels["bad key"]',
          says: /must be a Kubernetes label key/,
        },
      ],
    },
    {
      name: "a hostname label over 63",
      config: {
        ...valid,
        addons: {
          admission: signed,
          ...sinks,
          identityProvider: { ...idp, hostname: `${long(64)}.example.com` },
        },
      },
      expected: [
        { key: "zt-blueprint:addons.identityProvider.hostname", says: /each dot-separated label at most 63/ },
      ],
    },
    {
      name: "an egress host over 253",
      config: {
        ...valid,
        tenants: [{ name: "shop", idpGroup: "g", egressHosts: [`${`${long(60)}.`.repeat(4)}example.com`] }],
      },
      expected: [{ key: "zt-blueprint:tenants[0].egressHosts[0]", says: /at most 253 characters/ }],
    },
  ]);
  test("refuses a tenant name that makes its EKS vault-reader role name too long, and accepts one at the limit", async () => {
    // "zt-test-" + tenant + "-vault-reader" + "-" + 7 random must fit IAM's 64: at most 35 here.
    const aws = (name: string) => withTier("staging", { tenants: [{ name, idpGroup: "team" }] });
    await assertRefused(aws(long(36)), [
      {
        key: keyPath.name,
        says: /IAM role "zt-test-a.*-vault-reader-<7 random>" longer than AWS's 64 .*at most 35 characters/,
      },
    ]);
    assert.equal(accepts(aws(long(35))).tenants[0]?.name.length, 35);
    // The derivation is the one the EKS component registers (aws-prod's storefront tenant).
    const graph = await stackGraph("aws-prod");
    const roles = graph.ofType("aws:iam/role:Role").map((r) => r.name);
    assert.ok(roles.includes("zt-aws-prod-storefront-vault-reader"), roles.join(", "));
  });
  test("accepts names at the limits", () => {
    const config = accepts({
      ...valid,
      tenants: [
        {
          name: long(40),
          idpGroup: "g",
          ingress: { host: `${long(63)}.example.com`, service: long(63), port: 80 },
        },
      ],
    });
    assert.equal(config.tenants[0]?.ingress?.service.length, 63);
  });
  test("an IdP group with '_' or capitals becomes a valid RoleBinding name (RBAC names are path segments)", async () => {
    // kubernetes pkg/apis/rbac/validation/validation.go: ValidateRBACName = path.IsValidPathSegmentName
    // (anything but "/", "%", "." and ".."); the tenant component lowercases the name anyway.
    const { graph, error } = await captureStack("local", {
      overrides: { "zt-blueprint:tenants": JSON.stringify([{ name: "shop", idpGroup: "Team_Shop" }]) },
    });
    assert.equal(error, undefined, error?.message);
    const names = graph
      .ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
      .map((r) => r.inputs["metadata"]);
    const binding = names.find((m) => JSON.stringify(m).includes("tenant-developer-"));
    const name = (binding as { name: string } | undefined)?.name ?? "";
    assert.equal(name, "tenant-developer-team_shop");
    assert.ok(!/[/%]/.test(name) && ![".", ".."].includes(name));
  });
});

describe("union keys name every form and what it needs", () => {
  const authority = (value: unknown): Config => ({
    ...valid,
    addons: {
      ...sinks,
      identityProvider: idp,
      admission: { signatureVerification: { authorities: [value] } },
    },
  });
  const forms = (cosign: string, keyless: string) =>
    new RegExp(
      `matches none of its 2 forms; a cosign key \\{name, publicKey\\}: ${cosign}; or a keyless identity \\{name, keyless: \\{issuer, subject \\| subjectRegExp\\}\\}: ${keyless}`,
    );
  const key = "zt-blueprint:addons.admission.signatureVerification.authorities[0]";
  refuses([
    {
      name: "an authority with neither publicKey nor keyless",
      config: authority({ name: "release" }),
      expected: [{ key, says: forms("publicKey is missing", "keyless is missing") }],
    },
    {
      name: "a keyless authority with an http issuer",
      config: authority({ name: "release", keyless: { issuer: "http://issuer.example.com", subject: "x" } }),
      // The value has only the keyless form's key, so zod reports that form's problem where it is.
      expected: [
        {
          key: `${key}.keyless.issuer`,
          says: /got "http:\/\/issuer\.example\.com"; must be an https OIDC issuer URL/,
        },
      ],
    },
    {
      name: "an authority that is a string",
      config: authority("release"),
      expected: [
        { key, says: forms("expected object, received string", "expected object, received string") },
      ],
    },
    {
      name: "an alert sink of an unknown type",
      config: {
        ...valid,
        addons: {
          admission: signed,
          identityProvider: idp,
          runtimeSecurity: { alertSinks: [{ type: "sms" }] },
        },
      },
      expected: [
        {
          key: "zt-blueprint:addons.runtimeSecurity.alertSinks[0].type",
          says: /"webhook" \(with url\), "cloudwatch-logs" \(with logGroupArn, aws\) or "azure-event-hub" \(with eventHubId, azure\)/,
        },
      ],
    },
  ]);
});

describe("images that can never be pulled, and prod images from a registry the stack does not create", () => {
  const dev = (image: string): Config => ({
    ...valid,
    addons: { admission: signed, ...sinks, identityProvider: { ...idp, image } },
  });
  const prod = (image: string, admission: Config = {}): Config =>
    withTier("prod", {
      addons: { admission: { ...signed, ...admission }, ...sinks, identityProvider: { ...idp, image } },
    });
  const placeholder = /has a placeholder digest .*could never be pulled; use your mirror's real digest/;
  const ownRepo = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/zt-test/platform";
  const notOwn =
    /must come from the ECR repository 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/zt-test\/platform, which this stack creates, or from a mirror listed in addons\.admission\.allowedRegistries/;
  refuses([
    ...["0".repeat(64), "ab".repeat(32), "deadbeef".repeat(8), "f".repeat(64)].map((hex) => ({
      name: `the placeholder digest sha256:${hex.slice(0, 8)}… in every tier`,
      config: dev(`registry.example.com/keycloak@sha256:${hex}`),
      expected: [{ key: keyPath.image, says: placeholder }],
    })),
    {
      name: "the examples' replace-me marker",
      config: dev("registry.example.com/keycloak@sha256:REPLACE-WITH-YOUR-MIRROR-DIGEST"),
      expected: [
        {
          key: keyPath.image,
          says: /still holds the example's REPLACE-WITH-YOUR-MIRROR-DIGEST: mirror Keycloak into your registry and put its digest here/,
        },
      ],
    },
    {
      name: "a prod image from another registry",
      config: prod(`registry.example.com/mirror/keycloak@sha256:${digest}`),
      expected: [{ key: keyPath.image, says: notOwn }],
    },
    {
      name: "a prod image in an ECR repository the stack does not create",
      config: prod(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/keycloak@sha256:${digest}`),
      expected: [{ key: keyPath.image, says: notOwn }],
    },
    {
      name: "a prod image in an ACR the stack does not create",
      config: azure("prod", `ztazureprodacr.azurecr.io/mirror/keycloak@sha256:${digest}`),
      expected: [
        {
          key: keyPath.image,
          says: /must come from the ACR zttestplatform\.azurecr\.io\/<repository>, which this stack creates/,
        },
      ],
    },
  ]);
  test("accepts a real digest from the stack's own registry, or from a listed mirror", () => {
    assert.equal(isPlaceholderDigest(digest), false);
    assert.ok(accepts(prod(`${ownRepo}@sha256:${digest}`)));
    assert.ok(
      accepts(
        prod(`registry.example.com/mirror/keycloak@sha256:${digest}`, {
          allowedRegistries: ["registry.example.com/mirror"],
        }),
      ),
    );
    assert.ok(accepts(azure("prod", `zttestplatform.azurecr.io/mirror/keycloak@sha256:${digest}`)));
  });
  test("the shipped prod stacks point at their own registry, and `pulumi up` refuses them until the marker is replaced", () => {
    for (const stack of ["aws-prod", "azure-prod"]) {
      const raw = readRawConfig(readStackFile(stack, undefined, true).config);
      assert.throws(
        () => loadConfig(raw, stack),
        /addons\.identityProvider\.image: .*still holds the example's REPLACE-WITH-YOUR-MIRROR-DIGEST/,
      );
      // With the stand-in digest (what the offline render uses), the registry rule passes.
      assert.ok(loadConfig(readRawConfig(readStackFile(stack).config), stack));
    }
  });
});
