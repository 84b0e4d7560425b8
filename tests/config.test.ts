/**
 * Stack config validation: bad config is refused before any resource is registered, with every
 * problem named by its full key path, the bad value and what is allowed.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, formatKeyPath, loadConfig, readRawConfig } from "../infra/config";
import { runProgram } from "../infra/program";
import { tierDefaults } from "../infra/tiers";
import { capture } from "./harness/run";
import {
  assertRefused,
  flat,
  idp,
  runWith,
  signed,
  sinks,
  valid,
  withTier,
  type Config,
} from "./config-fixtures";

describe("stack config: accepted", () => {
  test("a valid local config resolves tier defaults", () => {
    const config = loadConfig(readRawConfig(flat(valid)), "test");
    assert.equal(config.enforcement.admission, tierDefaults.dev.admissionEnforcement);
    assert.deepEqual(config.tenants[0]?.quota, tierDefaults.dev.tenantQuota);
    assert.equal(config.tenants[1]?.secretPrefix, "tenants/billing/");
    assert.equal(config.addons.mesh.enabled, true, "add-ons are on unless a dev stack switches them off");
  });

  test("prod defaults are the strict ones", () => {
    const config = loadConfig(readRawConfig(flat(withTier("prod"))), "test");
    assert.equal(config.enforcement.admission, "deny");
    assert.equal(config.addons.admission.webhookFailOpen, false);
    assert.equal(config.network.availabilityZones, 3);
    assert.deepEqual(config.network.allowPublicEndpointCidrs, []);
  });

  test("keys of other namespaces (kubernetes:, aws:) are left to their providers", () => {
    const raw = readRawConfig({ ...flat(valid), "kubernetes:context": "x", "aws:region": "eu-west-1" });
    assert.equal(
      Object.keys(raw).some((k) => k.includes(":")),
      false,
    );
  });

  test("key paths are printed the way `pulumi config set --path` takes them", () => {
    assert.equal(formatKeyPath(["tenants", 2, "name"]), "zt-blueprint:tenants[2].name");
    assert.equal(
      formatKeyPath(["enforcement", "constraintOverrides", "allowed-images"]),
      'zt-blueprint:enforcement.constraintOverrides["allowed-images"]',
    );
    assert.equal(formatKeyPath([]), "zt-blueprint:<root>");
  });
});

describe("stack config: refused before anything is registered", () => {
  const cases: { name: string; config: Config; expected: { key: string; says: RegExp }[] }[] = [
    {
      name: "missing required keys",
      config: { tenants: [] },
      expected: [
        { key: "zt-blueprint:cloud", says: /got nothing \(key missing\).*"aws".*"azure".*"existing"/ },
        { key: "zt-blueprint:tier", says: /got nothing.*"dev".*"staging".*"prod"/ },
        { key: "zt-blueprint:kubernetesVersion", says: /got nothing.*"1\.3\d"/ },
      ],
    },
    {
      name: "an unknown cloud",
      config: { ...valid, cloud: "gcp" },
      expected: [{ key: "zt-blueprint:cloud", says: /got "gcp".*"aws"/ }],
    },
    {
      name: "an unknown tier",
      config: { ...valid, tier: "production" },
      expected: [{ key: "zt-blueprint:tier", says: /got "production".*"prod"/ }],
    },
    {
      name: "an unsupported Kubernetes version",
      config: { ...valid, kubernetesVersion: "1.24" },
      expected: [{ key: "zt-blueprint:kubernetesVersion", says: /got "1\.24".*"1\.35"/ }],
    },
    {
      name: "an unknown top-level key (a typo must not drop a control)",
      config: { ...valid, tenant: [] },
      expected: [{ key: "zt-blueprint:tenant", says: /is not a known key/ }],
    },
    {
      name: "an unknown nested key",
      config: { ...valid, addons: { identityProvider: idp, admission: { webhookFailsOpen: true } } },
      expected: [{ key: "zt-blueprint:addons.admission.webhookFailsOpen", says: /is not a known key/ }],
    },
    {
      name: "a wrong type: tenants as a string",
      config: { ...valid, tenants: "shop" },
      expected: [{ key: "zt-blueprint:tenants", says: /got "shop".*expected array/ }],
    },
    {
      name: "a wrong type: pods as a string",
      config: { ...valid, tenants: [{ name: "shop", idpGroup: "g", quota: { pods: "20" } }] },
      expected: [{ key: "zt-blueprint:tenants[0].quota.pods", says: /got "20".*expected number/ }],
    },
    {
      name: "an empty tenant name",
      config: {
        ...valid,
        tenants: [
          { name: "shop", idpGroup: "g" },
          { name: "ok", idpGroup: "g" },
          { name: "", idpGroup: "g" },
        ],
      },
      expected: [{ key: "zt-blueprint:tenants[2].name", says: /got "".*must not be empty/ }],
    },
    {
      name: "a tenant name that is not a DNS label",
      config: { ...valid, tenants: [{ name: "Shop_1", idpGroup: "g" }] },
      expected: [{ key: "zt-blueprint:tenants[0].name", says: /got "Shop_1".*DNS-1123 label/ }],
    },
    {
      name: "a tenant taking a reserved namespace",
      config: { ...valid, tenants: [{ name: "kube-system", idpGroup: "g" }] },
      expected: [
        {
          key: "zt-blueprint:tenants[0].name",
          says: /is reserved: "kube-system" is a namespace Kubernetes creates.*pick another tenant name/,
        },
      ],
    },
    {
      name: "duplicate tenants",
      config: {
        ...valid,
        tenants: [
          { name: "shop", idpGroup: "a" },
          { name: "shop", idpGroup: "b" },
        ],
      },
      expected: [{ key: "zt-blueprint:tenants[1].name", says: /duplicates an earlier tenant "shop"/ }],
    },
    {
      name: "a peer that does not exist",
      config: { ...valid, tenants: [{ name: "shop", idpGroup: "a", allowedPeers: ["ghost"] }] },
      expected: [{ key: "zt-blueprint:tenants[0].allowedPeers[0]", says: /got "ghost".*names no tenant/ }],
    },
    {
      name: "a tenant naming itself as a peer",
      config: { ...valid, tenants: [{ name: "shop", idpGroup: "a", allowedPeers: ["shop"] }] },
      expected: [{ key: "zt-blueprint:tenants[0].allowedPeers[0]", says: /names the tenant itself/ }],
    },
    {
      name: "an invalid IdP group name",
      config: { ...valid, tenants: [{ name: "shop", idpGroup: "team shop!" }] },
      expected: [{ key: "zt-blueprint:tenants[0].idpGroup", says: /got "team shop!".*letters, digits/ }],
    },
    {
      name: "an egress host that is not a hostname",
      config: {
        ...valid,
        tenants: [{ name: "shop", idpGroup: "a", egressHosts: ["https://api.example.com/"] }],
      },
      expected: [{ key: "zt-blueprint:tenants[0].egressHosts[0]", says: /DNS hostname/ }],
    },
    {
      name: "an invalid memory quota",
      config: { ...valid, tenants: [{ name: "shop", idpGroup: "a", quota: { memory: "4GB" } }] },
      expected: [{ key: "zt-blueprint:tenants[0].quota.memory", says: /got "4GB".*"4Gi"/ }],
    },
    {
      name: "a tenant quota smaller than one container's default limit",
      config: {
        ...valid,
        tenants: [{ name: "shop", idpGroup: "a", quota: { cpu: "200m", memory: "256Mi" } }],
      },
      expected: [
        { key: "zt-blueprint:tenants[0].quota.cpu", says: /got "200m".*at least "500m"/ },
        { key: "zt-blueprint:tenants[0].quota.memory", says: /got "256Mi".*at least "512Mi"/ },
      ],
    },
    {
      name: "an invalid CIDR",
      config: withTier("dev", { cloud: "aws", network: { vpcCidr: "10.0.0.1/16" } }),
      expected: [{ key: "zt-blueprint:network.vpcCidr", says: /got "10\.0\.0\.1\/16".*zero host bits/ }],
    },
    {
      name: "0.0.0.0/0 as a public endpoint allowlist",
      config: withTier("dev", {
        cloud: "aws",
        network: {
          allowPublicEndpointCidrs: ["203.0.113.0/24", "0.0.0.0/0"],
          apiAccess: "public-cidr-allowlist",
        },
      }),
      expected: [
        { key: "zt-blueprint:network.allowPublicEndpointCidrs[1]", says: /0\.0\.0\.0\/0 is never accepted/ },
      ],
    },
    {
      name: "prod with a public endpoint (weakens C-CL-1)",
      config: withTier("prod", {
        network: { allowPublicEndpointCidrs: ["203.0.113.0/24"], apiAccess: "public-cidr-allowlist" },
      }),
      expected: [{ key: "zt-blueprint:network.allowPublicEndpointCidrs", says: /refused in prod.*C-CL-1/ }],
    },
    {
      name: "prod with a fail-open admission webhook (weakens C-ADM-1)",
      config: withTier("prod", {
        addons: { identityProvider: idp, ...sinks, admission: { ...signed, webhookFailOpen: true } },
      }),
      expected: [
        { key: "zt-blueprint:addons.admission.webhookFailOpen", says: /refused in prod.*fail closed/ },
      ],
    },
    {
      name: "prod with warn-only admission and no explicit override",
      config: withTier("prod", {
        enforcement: { admission: "warn", constraintOverrides: { "allowed-images": "dryrun" } },
      }),
      expected: [
        {
          key: "zt-blueprint:enforcement.admission",
          says: /"warn" weakens prod admission.*allowProdOverrides/,
        },
        {
          key: 'zt-blueprint:enforcement.constraintOverrides["allowed-images"]',
          says: /weakens a prod constraint/,
        },
      ],
    },
    {
      name: "the local-only Kubernetes secret backend in prod (weakens C-SEC-1)",
      config: withTier("prod", {
        addons: {
          identityProvider: idp,
          admission: signed,
          ...sinks,
          externalSecrets: { backend: "kubernetes" },
        },
      }),
      expected: [
        { key: "zt-blueprint:addons.externalSecrets.backend", says: /local-only backend.*refused in prod/ },
      ],
    },
    {
      name: "an access-token lifetime above the tier's maximum (weakens C-ID-5)",
      config: withTier("prod", {
        addons: { identityProvider: { ...idp, accessTokenMinutes: 60 }, admission: signed, ...sinks },
      }),
      expected: [
        {
          key: "zt-blueprint:addons.identityProvider.accessTokenMinutes",
          says: /exceeds the prod maximum of 5 minutes/,
        },
      ],
    },
    {
      name: "an in-cluster Keycloak database in staging (weakens C-ID-1)",
      config: withTier("staging", {
        addons: { identityProvider: { ...idp, database: "in-cluster" }, admission: signed, ...sinks },
      }),
      expected: [{ key: "zt-blueprint:addons.identityProvider.database", says: /dev only/ }],
    },
    {
      name: "a tenant secret prefix inside the platform's own prefix (weakens C-SEC-2)",
      config: {
        ...valid,
        tenants: [{ name: "shop", idpGroup: "team-shop", secretPrefix: "platform/shop/" }],
      },
      expected: [{ key: "zt-blueprint:tenants[0].secretPrefix", says: /must not start with "platform\/"/ }],
    },
    {
      name: "tenant quotas above the stack's capacity (C-TEN-4)",
      config: withTier("dev", {
        cloud: "aws",
        nodes: { instanceType: "m7i.large", maxSize: 2 },
        tenants: [
          { name: "shop", idpGroup: "team-shop", quota: { cpu: "3", memory: "4Gi" } },
          { name: "billing", idpGroup: "team-billing", quota: { cpu: "2", memory: "4Gi" } },
        ],
      }),
      expected: [
        {
          key: "zt-blueprint:tenants",
          says: /CPU quotas add up to 5 vCPU, above the stack's capacity of 4 vCPU \(nodes.maxSize 2 × m7i.large\)/,
        },
      ],
    },
    {
      name: "staging switching an add-on off",
      config: withTier("staging", {
        addons: { identityProvider: idp, admission: signed, runtimeSecurity: { enabled: false } },
      }),
      expected: [{ key: "zt-blueprint:addons.runtimeSecurity.enabled", says: /may not be false in staging/ }],
    },
    {
      name: "an existing (kubeconfig) cluster in prod",
      config: { ...withTier("prod"), cloud: "existing", cloudAccount: undefined, network: undefined },
      expected: [{ key: "zt-blueprint:cloud", says: /"existing".*local\/dev stacks only/ }],
    },
    {
      name: "a cloud stack without a region",
      config: {
        ...valid,
        cloud: "aws",
        cloudAccount: "123456789012",
        network: { runnerCidrs: ["10.90.0.0/24"] },
      },
      expected: [{ key: "zt-blueprint:region", says: /required when cloud is "aws"/ }],
    },
    {
      // The private EKS endpoint admits only what the cluster security group allows on 443.
      name: "an aws stack on the in-network runner that names no runner",
      config: { ...withTier("staging"), network: { apiAccess: "in-network-runner" } },
      expected: [
        {
          key: "zt-blueprint:network.runnerCidrs",
          says: /required for aws with apiAccess in-network-runner/,
        },
      ],
    },
    {
      name: "runner ranges on a stack that is not aws",
      config: { ...valid, network: { runnerCidrs: ["10.90.0.0/24"] } },
      expected: [{ key: "zt-blueprint:network.runnerCidrs", says: /applies to aws only/ }],
    },
    {
      // The Key Vaults are private on every azure stack: the runner writes through their endpoints.
      name: "an azure stack that names no runner VNet",
      config: {
        ...valid,
        cloud: "azure",
        region: "westeurope",
        cloudAccount: "00000000-0000-4000-8000-000000000001",
        identity: { platformAdminsEntraGroupObjectId: "6b1d6a52-0c4b-4f0e-9d6c-3a1e2f4b5c6d" },
        tenants: [],
      },
      expected: [
        { key: "zt-blueprint:network.runnerVnetId", says: /required for azure: the Key Vaults are private/ },
      ],
    },
    {
      name: "a runner VNet on a stack that is not azure",
      config: {
        ...valid,
        network: {
          runnerVnetId:
            "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/ci",
        },
      },
      expected: [{ key: "zt-blueprint:network.runnerVnetId", says: /applies to azure only/ }],
    },
    {
      name: "the EncryptionAtHost setting on a stack that is not azure",
      config: { ...valid, access: { encryptionAtHost: "register" } },
      expected: [{ key: "zt-blueprint:access.encryptionAtHost", says: /applies to azure only/ }],
    },
    {
      name: "the autoscaling service-linked role setting on a stack that is not aws",
      config: { ...valid, access: { autoscalingServiceLinkedRole: "create" } },
      expected: [{ key: "zt-blueprint:access.autoscalingServiceLinkedRole", says: /applies to aws only/ }],
    },
    {
      name: "prod switching signature verification off without the explicit key",
      config: withTier("prod", {
        addons: { identityProvider: idp, ...sinks, admission: { signatureVerification: { enabled: false } } },
      }),
      expected: [
        {
          key: "zt-blueprint:addons.admission.signatureVerification.enabled",
          says: /may not be false in prod \(C-ADM-5\) unless signatureVerification\.allowDisabledOutsideDev/,
        },
      ],
    },
    {
      name: "signature verification without any authority",
      config: withTier("prod", {
        addons: { identityProvider: idp, ...sinks, admission: { signatureVerification: {} } },
      }),
      expected: [
        {
          key: "zt-blueprint:addons.admission.signatureVerification.authorities",
          says: /at least one authority/,
        },
      ],
    },
    {
      name: "a keyless authority that trusts every identity of its issuer",
      config: withTier("prod", {
        addons: {
          identityProvider: idp,
          ...sinks,
          admission: {
            signatureVerification: {
              authorities: [
                { name: "ci", keyless: { issuer: "https://token.actions.githubusercontent.com" } },
              ],
            },
          },
        },
      }),
      expected: [
        {
          key: "zt-blueprint:addons.admission.signatureVerification.authorities[0].keyless",
          says: /needs subject or subjectRegExp/,
        },
      ],
    },
    {
      name: "an invalid enforcement action",
      config: { ...valid, enforcement: { admission: "block" } },
      expected: [
        { key: "zt-blueprint:enforcement.admission", says: /got "block".*"dryrun"\|"warn"\|"deny"/ },
      ],
    },
    {
      name: "a registry pattern that is not a registry host",
      config: {
        ...valid,
        addons: {
          identityProvider: idp,
          ...sinks,
          admission: { ...signed, allowedRegistries: ["https://registry.example.com"] },
        },
      },
      expected: [{ key: "zt-blueprint:addons.admission.allowedRegistries[0]", says: /registry host/ }],
    },
    {
      name: "an override for a constraint that does not exist",
      config: { ...valid, enforcement: { constraintOverrides: { "no-such-rule": "warn" } } },
      expected: [
        {
          key: 'zt-blueprint:enforcement.constraintOverrides["no-such-rule"]',
          says: /names no constraint; constraints: pod-security/,
        },
      ],
    },
    {
      name: "runtime security without an alert sink",
      config: { ...valid, addons: { identityProvider: idp, admission: signed } },
      expected: [{ key: "zt-blueprint:addons.runtimeSecurity.alertSinks", says: /at least one sink/ }],
    },
    {
      name: "an alert sink of an unknown type",
      config: {
        ...valid,
        addons: {
          identityProvider: idp,
          admission: signed,
          runtimeSecurity: { alertSinks: [{ type: "pagerduty", key: "x" }] },
        },
      },
      expected: [
        {
          key: "zt-blueprint:addons.runtimeSecurity.alertSinks[0].type",
          says: /got "pagerduty"; must be a sink of type "webhook" \(with url\), "cloudwatch-logs" \(with logGroupArn, aws\) or "azure-event-hub" \(with eventHubId, azure\)/,
        },
      ],
    },
    {
      name: "an alert webhook that is not https",
      config: {
        ...valid,
        addons: {
          identityProvider: idp,
          admission: signed,
          runtimeSecurity: { alertSinks: [{ type: "webhook", url: "http://alerts.example.com/x" }] },
        },
      },
      expected: [
        { key: "zt-blueprint:addons.runtimeSecurity.alertSinks[0].url", says: /must be an https URL/ },
      ],
    },
    {
      name: "a CloudWatch sink on a non-AWS stack",
      config: {
        ...valid,
        addons: {
          identityProvider: idp,
          admission: signed,
          runtimeSecurity: {
            alertSinks: [
              {
                type: "cloudwatch-logs",
                logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/falco",
              },
            ],
          },
        },
      },
      expected: [
        {
          key: "zt-blueprint:addons.runtimeSecurity.alertSinks[0].type",
          says: /needs cloud "aws"; this stack is "existing"/,
        },
      ],
    },
    {
      name: "a cloud stack without the account it may deploy into",
      config: { ...withTier("prod"), cloudAccount: undefined },
      expected: [
        { key: "zt-blueprint:cloudAccount", says: /required when cloud is "aws".*12-digit AWS account ID/ },
      ],
    },
    {
      name: "an Azure subscription ID on an AWS stack",
      config: withTier("prod", { cloudAccount: "3f2504e0-4f89-41d3-9a0c-0305e82c3301" }),
      expected: [{ key: "zt-blueprint:cloudAccount", says: /is not an AWS account ID/ }],
    },
    {
      name: "overlapping network ranges",
      config: withTier("dev", {
        cloud: "aws",
        network: { vpcCidr: "10.0.0.0/16", serviceCidr: "10.0.128.0/20" },
      }),
      expected: [{ key: "zt-blueprint:network.serviceCidr", says: /overlaps network\.vpcCidr/ }],
    },
    {
      name: "a public endpoint allowlist without saying the stack deploys over it",
      config: withTier("dev", { cloud: "aws", network: { allowPublicEndpointCidrs: ["203.0.113.0/24"] } }),
      expected: [{ key: "zt-blueprint:network.apiAccess", says: /must be "public-cidr-allowlist"/ }],
    },
    {
      name: "the public-CIDR deploy path without an allowlist",
      config: withTier("dev", { cloud: "aws", network: { apiAccess: "public-cidr-allowlist" } }),
      expected: [{ key: "zt-blueprint:network.apiAccess", says: /needs network\.allowPublicEndpointCidrs/ }],
    },
    {
      name: "cluster admins for the other cloud, or not an IAM role ARN",
      config: withTier("dev", {
        cloud: "aws",
        access: { adminRoleArns: ["arn:aws:iam::123456789012:user/alice"], adminGroupObjectIds: [] },
      }),
      expected: [{ key: "zt-blueprint:access.adminRoleArns[0]", says: /must be an IAM role ARN/ }],
    },
    {
      name: "Entra ID admin groups on an AWS stack",
      config: withTier("dev", {
        cloud: "aws",
        access: { adminGroupObjectIds: ["3f2504e0-4f89-41d3-9a0c-0305e82c3301"] },
      }),
      expected: [{ key: "zt-blueprint:access.adminGroupObjectIds", says: /applies to cloud "azure" only/ }],
    },
    {
      name: "0.0.0.0/0 as the VPC range",
      config: withTier("dev", { cloud: "aws", network: { vpcCidr: "0.0.0.0/0" } }),
      expected: [{ key: "zt-blueprint:network.vpcCidr", says: /0\.0\.0\.0\/0 is never accepted/ }],
    },
    {
      name: "a VPC range too small for per-zone subnets",
      config: withTier("dev", { cloud: "aws", network: { vpcCidr: "10.0.0.0/26" } }),
      expected: [{ key: "zt-blueprint:network.vpcCidr", says: /between \/16 and \/24/ }],
    },
    {
      name: "a single availability zone",
      config: withTier("dev", { cloud: "aws", network: { availabilityZones: 1 } }),
      expected: [{ key: "zt-blueprint:network.availabilityZones", says: /between 2 and 6 for a dev stack/ }],
    },
    {
      name: "fewer availability zones than the tier needs",
      config: withTier("prod", { network: { availabilityZones: 2 } }),
      expected: [{ key: "zt-blueprint:network.availabilityZones", says: /between 3 and 6 for a prod stack/ }],
    },
    {
      name: "node minimum above maximum",
      config: { ...valid, nodes: { minSize: 5, maxSize: 3 } },
      expected: [{ key: "zt-blueprint:nodes.minSize", says: /must not exceed nodes\.maxSize/ }],
    },
    {
      name: "overlapping tenant secret prefixes",
      config: {
        ...valid,
        tenants: [
          { name: "shop", idpGroup: "a", secretPrefix: "tenants/shop/" },
          { name: "shopx", idpGroup: "b", secretPrefix: "tenants/shop/extra/" },
        ],
      },
      expected: [{ key: "zt-blueprint:tenants[1].secretPrefix", says: /overlaps tenants\[0\]'s prefix/ }],
    },
    {
      name: "an unknown scanner severity",
      config: { ...valid, addons: { identityProvider: idp, scanning: { severity: "SEVERE" } } },
      expected: [{ key: "zt-blueprint:addons.scanning.severity", says: /got "SEVERE".*"CRITICAL"/ }],
    },
    {
      name: "a structured key that is not JSON",
      config: { ...valid, network: "{vpcCidr: 10.0.0.0/16" },
      expected: [{ key: "zt-blueprint:network", says: /expected object/ }],
    },
  ];

  for (const { name, config, expected } of cases) {
    test(`refuses ${name}`, () => assertRefused(config, expected));
  }

  test("lists every problem at once, not only the first", async () => {
    const { error } = await runWith({
      ...valid,
      tier: "prod",
      tenants: [{ name: "", idpGroup: "" }],
    });
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /\(2 problems\)/);
    assert.match(error.message, /zt-blueprint:tenants\[0\]\.name/);
    assert.match(error.message, /zt-blueprint:tenants\[0\]\.idpGroup/);
  });

  test("never prints the value of a secret key", async () => {
    const { error } = await capture(runProgram, {
      config: { ...flat(valid), "zt-blueprint:kubeconfig": "" },
      secretKeys: ["zt-blueprint:kubeconfig"],
    });
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /zt-blueprint:kubeconfig: got \[secret\]/);
  });

  test("a refused config is a RunError, which pulumi prints without a stack trace", async () => {
    const { error } = await runWith({ ...valid, tier: "qa" });
    const pulumi = await import("@pulumi/pulumi");
    assert.ok(pulumi.RunError.isInstance(error));
  });
});
