/**
 * Secrets and identity (C-SEC-1 … C-SEC-4, C-ID-1 … C-ID-5, C-TEN-6) on the shipped stacks; each
 * control is also switched off with a stack transformation to show its check fails.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { tierDefaults } from "../infra/tiers";
import { renderStack } from "../scripts/lib/render";
import { editInputs } from "./fixtures";
import {
  checkAdminRbac,
  checkKeycloak,
  checkKubectlClient,
  checkMfa,
  checkSessions,
  idTypes,
  realmOf,
} from "./checks/identity";
import {
  checkAwsReaderScopes,
  checkAzureReaderScopes,
  checkPlatformStoreScope,
  checkReaderAccounts,
  checkRefresh,
  checkStoresUseWorkloadIdentity,
  checkTenantStores,
  checkVaultHardening,
  generatorBacked,
  plainSecretValues,
  types,
} from "./checks/secrets";
import { captureStack, listStacks, readStackFile, resolvedStackConfig, stackGraph } from "./harness/run";
import { at } from "./harness/graph";
import { mockGeneratedSecretPrefix } from "./harness/mocks";
import { proves } from "./harness/proves";

type Rec = Record<string, unknown>;
const stacks = listStacks();
const graph = (stack: string, ...transformations: pulumi.ResourceTransformation[]) =>
  stackGraph(stack, { transformations });
const tenantsOf = (stack: string) => resolvedStackConfig(stack).tenants.map((t) => t.name);

/** Rewrites the realm the configuration job imports. */
const editRealm = (edit: (realm: Rec) => void) =>
  editInputs(idTypes.configMap, (props) => {
    const data = props["data"] as Record<string, string> | undefined;
    if (!data?.["realm.json"]) return;
    const realm = JSON.parse(data["realm.json"]) as Rec;
    edit(realm);
    data["realm.json"] = JSON.stringify(realm);
  });

describe("secrets", () => {
  proves(
    ["C-SEC-1"],
    "every stack reads its vault through workload identity, with no static credentials",
    async () => {
      for (const stack of stacks) {
        const g = await graph(stack);
        assert.deepEqual(checkStoresUseWorkloadIdentity(g), [], stack);
        const annotation = stack.startsWith("aws")
          ? "eks.amazonaws.com/role-arn"
          : stack.startsWith("azure")
            ? "azure.workload.identity/client-id"
            : undefined;
        assert.deepEqual(checkReaderAccounts(g, annotation), [], stack);
      }
    },
  );

  proves(["C-SEC-1"], "the check fails when a store authenticates with a static key", async () => {
    const g = await graph(
      "aws-prod",
      editInputs(types.clusterStore, (props) => {
        const provider = (props["spec"] as Rec)["provider"] as { aws: Rec };
        provider.aws["auth"] = { secretRef: { accessKeyIDSecretRef: { name: "aws-keys", key: "id" } } };
      }),
    );
    assert.ok(checkStoresUseWorkloadIdentity(g).some((p) => p.includes("static credential")));
  });

  proves(
    ["C-SEC-2", "C-TEN-6"],
    "AWS readers get exactly their prefix: platform/ for the platform, tenants/<name>/ per tenant",
    async () => {
      assert.deepEqual(checkAwsReaderScopes(await graph("aws-prod"), "zt-aws-prod"), []);
      const widened = await graph(
        "aws-prod",
        editInputs(types.rolePolicy, (props, name) => {
          if (name.endsWith("payments-vault-reader")) {
            props["policy"] = pulumi
              .output(props["policy"] as pulumi.Input<string>)
              .apply((policy) => policy.replace("tenants/payments/*", "tenants/*"));
          }
        }),
      );
      assert.ok(checkAwsReaderScopes(widened, "zt-aws-prod").some((p) => p.includes("payments")));
    },
  );

  proves(["C-SEC-2", "C-TEN-6"], "Azure readers may read exactly one vault each", async () => {
    assert.deepEqual(checkAzureReaderScopes(await graph("azure-prod")), []);
    const widened = await graph(
      "azure-prod",
      editInputs(types.assignment, (props) => {
        if (props["roleDefinitionName"] === "Key Vault Secrets User") {
          props["scope"] =
            "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/zt-azure-prod-rg";
        }
      }),
    );
    assert.ok(checkAzureReaderScopes(widened).length > 0);
  });

  proves(["C-SEC-2"], "only platform namespaces may use the platform store; no tenant can", async () => {
    for (const stack of stacks) {
      assert.deepEqual(checkPlatformStoreScope(await graph(stack), tenantsOf(stack)), [], stack);
    }
    const open = await graph(
      "aws-prod",
      editInputs(types.clusterStore, (props) => {
        delete (props["spec"] as Rec)["conditions"];
      }),
    );
    assert.deepEqual(checkPlatformStoreScope(open, tenantsOf("aws-prod")), [
      "every namespace may use the platform store",
    ]);
  });

  proves(["C-TEN-6"], "every tenant has its own SecretStore reading as its own reader", async () => {
    for (const stack of stacks)
      assert.deepEqual(checkTenantStores(await graph(stack), tenantsOf(stack)), [], stack);
    const removed = await graph(
      "local",
      editInputs(types.store, (props) => {
        ((props["spec"] as Rec)["provider"] as { kubernetes: Rec }).kubernetes["auth"] = {
          serviceAccount: { name: "default" },
        };
      }),
    );
    assert.ok(checkTenantStores(removed, tenantsOf("local")).length > 0);
  });

  proves(
    ["C-SEC-3"],
    "vaults are hardened: CMK with rotation on AWS; RBAC, purge protection, deny and private endpoints on Azure",
    async () => {
      for (const stack of ["aws-prod", "azure-prod", "azure-dev"])
        assert.deepEqual(checkVaultHardening(await graph(stack)), [], stack);
      const weak = await graph(
        "azure-prod",
        editInputs(types.keyVault, (props) => {
          props["purgeProtectionEnabled"] = false;
        }),
      );
      assert.ok(checkVaultHardening(weak).some((p) => p.includes("purge")));
      const plain = await graph(
        "aws-prod",
        editInputs(types.smSecret, (props) => {
          delete props["kmsKeyId"];
        }),
      );
      assert.ok(checkVaultHardening(plain).some((p) => p.includes("CMK")));
    },
  );

  proves(
    ["C-SEC-4"],
    "every vault-synced ExternalSecret refreshes on an interval; every generated one is made once",
    async () => {
      for (const stack of stacks) assert.deepEqual(checkRefresh(await graph(stack)), [], stack);
      const never = await graph(
        "aws-prod",
        editInputs(types.externalSecret, (props) => {
          delete (props["spec"] as Rec)["refreshInterval"];
        }),
      );
      assert.ok(checkRefresh(never).some((p) => p.includes("no refresh interval")));
      const regenerated = await graph(
        "local",
        editInputs(types.externalSecret, (props) => {
          delete (props["spec"] as Rec)["refreshPolicy"];
        }),
      );
      assert.ok(checkRefresh(regenerated).some((p) => p.includes("re-generated on refresh")));
    },
  );

  proves(
    ["C-SEC-4"],
    "Keycloak's admin password, and an in-cluster database's, are generated in the cluster: no value in the program or state",
    async () => {
      for (const stack of stacks) {
        const config = resolvedStackConfig(stack);
        if (!config.addons.identityProvider.enabled) continue;
        const g = await graph(stack);
        const generated = g
          .ofType(types.externalSecret)
          .filter(generatorBacked)
          .map((es) => String(at(es.inputs, "metadata.name")))
          .sort();
        const inCluster = config.addons.identityProvider.database === "in-cluster";
        assert.deepEqual(
          generated,
          inCluster ? ["keycloak-admin", "keycloak-credentials"] : ["keycloak-admin"],
          stack,
        );
        // The program generates a value only for a managed server, which needs it at creation.
        const programGenerated = g.ofType("random:index/randomPassword:RandomPassword").map((r) => r.name);
        assert.deepEqual(programGenerated, inCluster ? [] : ["keycloak-db-password"], stack);
      }
    },
  );

  proves(
    ["C-SEC-4"],
    "generated secrets are Pulumi secrets everywhere in the graph, and absent from every render",
    async () => {
      for (const stack of stacks) {
        const g = await graph(stack);
        if (resolvedStackConfig(stack).addons.identityProvider.database === "managed") {
          assert.ok(
            JSON.stringify(g.resources.map((r) => r.inputs)).includes(mockGeneratedSecretPrefix),
            `${stack}: no generated secret found`,
          );
        }
        assert.deepEqual(plainSecretValues(g, mockGeneratedSecretPrefix), [], stack);
      }
      // And in the files a render writes, for every stack.
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "zt-secrets-render-"));
      for (const stack of stacks) {
        await renderStack(stack, path.join(out, stack));
        const files = fs
          .readdirSync(path.join(out, stack), { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => path.join(entry.parentPath, entry.name));
        for (const file of files) {
          assert.ok(
            !fs.readFileSync(file, "utf8").includes(mockGeneratedSecretPrefix),
            `${file} holds a generated secret`,
          );
        }
      }
      // Switched off: a generated value copied into a plain input is found.
      const leaked = await graph(
        "local",
        editInputs("kubernetes:core/v1:ConfigMap", (props) => {
          (props["data"] as Rec)["leak"] = `${mockGeneratedSecretPrefix}keycloak-admin-password-Zq8rT2vX`;
        }),
      );
      assert.ok(plainSecretValues(leaked, mockGeneratedSecretPrefix).length > 0);
    },
  );
});

describe("the ingress certificate", () => {
  proves(
    ["C-MESH-6", "C-SEC-1"],
    "the ingress gateway's TLS Secret is synced from the platform vault",
    async () => {
      for (const stack of stacks) {
        const g = await graph(stack);
        const cert = g
          .ofType(types.externalSecret)
          .find((es) => at(es.inputs, "metadata.namespace") === "istio-ingress");
        assert.equal(at(cert?.inputs, "metadata.name"), "ingress-tls", stack);
        assert.equal(at(cert?.inputs, "spec.target.template.type"), "kubernetes.io/tls", stack);
        assert.equal(at(cert?.inputs, "spec.secretStoreRef.kind"), "ClusterSecretStore", stack);
        const keys = ((at(cert?.inputs, "spec.data") ?? []) as { secretKey: string }[]).map(
          (d) => d.secretKey,
        );
        assert.deepEqual(keys, ["tls.crt", "tls.key"], stack);
      }
    },
  );
});

describe("identity", () => {
  proves(
    ["C-ID-1"],
    "Keycloak: pinned, restricted, probed; 3 replicas and a managed encrypted private database in prod",
    async () => {
      assert.deepEqual(checkKeycloak(await graph("local"), 1), []);
      const aws = await graph("aws-prod");
      assert.deepEqual(checkKeycloak(aws, 3), []);
      const [rds] = aws.ofType(idTypes.rds);
      assert.equal(rds?.inputs["storageEncrypted"], true);
      assert.equal(rds?.inputs["publiclyAccessible"], false);
      const azure = await graph("azure-prod");
      assert.deepEqual(checkKeycloak(azure, 3), []);
      assert.equal(azure.ofType(idTypes.flexibleServer)[0]?.inputs["publicNetworkAccessEnabled"], false);
      const exposed = await graph(
        "aws-prod",
        editInputs(idTypes.virtualService, (props) => {
          if ((props["metadata"] as Rec)["namespace"] !== "keycloak") return;
          const http = (props["spec"] as { http?: { match?: Rec[] }[] }).http;
          http?.[0]?.match?.push({ uri: { prefix: "/admin" } });
        }),
      );
      assert.ok(checkKeycloak(exposed, 3).includes("admin console routed publicly"));
    },
  );

  proves(
    ["C-ID-2"],
    "every human needs a second factor: OTP enrolment, browser flow, brute-force detection, password policy",
    async () => {
      for (const stack of stacks) assert.deepEqual(checkMfa(realmOf(await graph(stack))), [], stack);
      const optional = await graph(
        "aws-prod",
        editRealm((realm) => {
          const flows = realm["authenticationFlows"] as {
            authenticationExecutions: { authenticator?: string; requirement: string }[];
          }[];
          for (const flow of flows)
            for (const step of flow.authenticationExecutions) {
              if (step.authenticator === "auth-otp-form" || step.authenticator === "webauthn-authenticator")
                step.requirement = "DISABLED";
            }
        }),
      );
      assert.ok(checkMfa(realmOf(optional)).length > 0);
      const noEnrolment = await graph(
        "aws-prod",
        editRealm((realm) => {
          realm["requiredActions"] = [];
        }),
      );
      assert.ok(checkMfa(realmOf(noEnrolment)).some((p) => p.includes("OTP enrolment")));
    },
  );

  proves(["C-ID-5"], "tokens and sessions stay within each tier's maxima", async () => {
    for (const stack of stacks) {
      const tier = String(readStackFile(stack).config["zt-blueprint:tier"]) as keyof typeof tierDefaults;
      const limits = tierDefaults[tier].identity;
      const max = {
        token: limits.maxAccessTokenMinutes,
        idle: limits.maxSsoSessionIdleMinutes,
        hours: limits.maxSsoSessionHours,
      };
      assert.deepEqual(checkSessions(realmOf(await graph(stack)), max), [], stack);
    }
    const long = await graph(
      "aws-prod",
      editRealm((realm) => {
        realm["accessTokenLifespan"] = 3600;
      }),
    );
    assert.ok(checkSessions(realmOf(long), { token: 5, idle: 30, hours: 10 }).length > 0);
  });

  proves(
    ["C-ID-3"],
    "kubectl signs in with a public PKCE client and a groups claim; EKS trusts the Keycloak issuer",
    async () => {
      const g = await graph("aws-prod");
      assert.deepEqual(checkKubectlClient(realmOf(g)), []);
      const [idp] = g.ofType(idTypes.identityProviderConfig);
      assert.equal(at(idp?.inputs, "oidc.issuerUrl"), "https://id.aws-prod.example.com/realms/platform");
      assert.equal(at(idp?.inputs, "oidc.clientId"), "kubectl");
      assert.equal(at(idp?.inputs, "oidc.groupsClaim"), "groups");
      const confidential = await graph(
        "aws-prod",
        editRealm((realm) => {
          ((realm["clients"] as Rec[])[0] as Rec)["publicClient"] = false;
        }),
      );
      assert.ok(checkKubectlClient(realmOf(confidential)).length > 0);
    },
  );

  proves(
    ["C-ID-4"],
    "platform admins are bound by group to a narrow role; nobody is bound to cluster-admin",
    async () => {
      for (const stack of stacks) {
        // AKS group claims are Entra object IDs; elsewhere the OIDC prefix and the group name.
        const subject = stack.startsWith("azure")
          ? "4c3f8d5b-a06e-4f4d-b15c-8e9d0f1a2b34"
          : "oidc:platform-admins";
        assert.deepEqual(checkAdminRbac(await graph(stack), subject), [], stack);
      }
      const admin = await graph(
        "local",
        editInputs(idTypes.clusterRoleBinding, (props) => {
          (props["roleRef"] as Rec)["name"] = "cluster-admin";
        }),
      );
      assert.ok(checkAdminRbac(admin, "oidc:platform-admins").some((p) => p.includes("cluster-admin")));
    },
  );

  proves(
    ["C-ID-3"],
    "the stack outputs a kubeconfig user that signs in with PKCE through the Keycloak issuer",
    async () => {
      const { outputs, error } = await captureStack("aws-prod");
      assert.equal(error, undefined, error?.message);
      const user = String(outputs?.["kubectlOidcUser"]);
      assert.match(user, /--oidc-issuer-url=https:\/\/id\.aws-prod\.example\.com\/realms\/platform/);
      assert.match(user, /--oidc-client-id=kubectl/);
      assert.match(user, /--oidc-use-pkce/);
    },
  );

  test("the realm has a group for platform admins and every tenant", async () => {
    const realm = realmOf(await graph("aws-prod"));
    assert.deepEqual(
      realm?.groups?.map((g) => g.name),
      ["platform-admins", "team-analytics", "team-payments", "team-storefront"],
    );
  });
});
