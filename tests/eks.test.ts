/**
 * The EKS cluster layer: every C-CL control on the aws stacks, each also switched off by a stack
 * transformation to prove its check fails.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinder } from "../components/eks-cluster/irsa";
import { assertScopedResource } from "../components/eks-cluster/policy";
import {
  aws,
  checkAuditLogs,
  checkControlledEgress,
  checkHardenedNodes,
  checkIrsaRoles,
  checkNetworkPolicyEngine,
  checkNoStaticAdmin,
  checkPatching,
  checkPrivateEndpoint,
  checkRegistry,
  checkSecretsEncryption,
} from "./checks/eks";
import { editInputs } from "./fixtures";
import { capture, stackGraph } from "./harness/run";
import { proves } from "./harness/proves";

type Rec = Record<string, unknown>;
const prod = (...transformations: pulumi.ResourceTransformation[]) =>
  stackGraph("aws-prod", { transformations });
const dev = (...transformations: pulumi.ResourceTransformation[]) =>
  stackGraph("aws-dev", { transformations });

describe("EKS cluster layer", () => {
  proves(
    ["C-CL-1"],
    "EKS: prod API endpoint is private; dev's public endpoint is limited to listed CIDRs",
    async () => {
      assert.deepEqual(checkPrivateEndpoint(await prod(), "prod"), []);
      const devGraph = await dev();
      assert.deepEqual(checkPrivateEndpoint(devGraph, "dev"), []);
      assert.deepEqual((devGraph.ofType(aws.cluster)[0]?.inputs["vpcConfig"] as Rec)["publicAccessCidrs"], [
        "203.0.113.0/24",
      ]);
    },
  );

  proves(["C-CL-1"], "EKS: the endpoint check fails when prod's endpoint turns public", async () => {
    const open = editInputs(aws.cluster, (props) => {
      (props["vpcConfig"] as Rec)["endpointPublicAccess"] = true;
    });
    assert.match(checkPrivateEndpoint(await prod(open), "prod").join(), /prod has a public API endpoint/);
  });

  proves(["C-CL-2"], "EKS: Secrets are envelope-encrypted with a rotating customer-managed key", async () => {
    assert.deepEqual(checkSecretsEncryption(await prod()), []);
    const off = editInputs(aws.cluster, (props) => {
      delete props["encryptionConfig"];
    });
    assert.match(checkSecretsEncryption(await prod(off)).join(), /not envelope-encrypted/);
    const noRotation = editInputs(aws.key, (props) => {
      props["enableKeyRotation"] = false;
    });
    assert.match(checkSecretsEncryption(await prod(noRotation)).join(), /does not rotate/);
  });

  proves(
    ["C-CL-3"],
    "EKS: all five control-plane log types go to an encrypted log group with retention",
    async () => {
      assert.deepEqual(checkAuditLogs(await prod()), []);
      const dropAudit = editInputs(aws.cluster, (props) => {
        props["enabledClusterLogTypes"] = ["api", "authenticator", "controllerManager", "scheduler"];
      });
      assert.match(checkAuditLogs(await prod(dropAudit)).join(), /log type audit is off/);
    },
  );

  proves(
    ["C-CL-4"],
    "EKS: access entries only (API mode), no implicit creator admin, no aws-auth",
    async () => {
      const graph = await prod();
      assert.deepEqual(checkNoStaticAdmin(graph), []);
      assert.equal(graph.ofType(aws.accessEntry).length, 2);
      const configMapMode = editInputs(aws.cluster, (props) => {
        (props["accessConfig"] as Rec)["authenticationMode"] = "API_AND_CONFIG_MAP";
      });
      assert.match(checkNoStaticAdmin(await prod(configMapMode)).join(), /not API/);
    },
  );

  proves(
    ["C-CL-5"],
    "EKS: IRSA roles trust exactly one ServiceAccount and their policies are scoped",
    async () => {
      assert.deepEqual(checkIrsaRoles(await prod()), []);
      const wildcard = editInputs(aws.rolePolicy, (props, name) => {
        if (name.endsWith("ebs-csi"))
          props["policy"] = JSON.stringify({ Statement: [{ Action: "kms:*", Resource: "*" }] });
      });
      assert.match(checkIrsaRoles(await prod(wildcard)).join(), /wildcard action|unscoped resource/);
    },
  );

  proves(
    ["C-CL-5"],
    "EKS binder: one role per ServiceAccount, scoped policy, wildcards refused",
    async () => {
      const { graph, outputs } = await capture(() => {
        const binder = new IrsaBinder(
          "zt-test",
          { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example", issuerHost: "oidc.example" },
          {},
          {},
        );
        const binding = binder.bindWorkloadIdentity({
          namespace: "external-secrets",
          serviceAccount: "external-secrets",
          permissions: [
            {
              capability: "secrets.read",
              resources: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:zt/dev/*"],
            },
          ],
        });
        return { annotations: binding.serviceAccountAnnotations };
      });
      assert.deepEqual(
        checkIrsaRoles(graph).filter((p) => !p.includes("OIDC provider")),
        [],
      );
      const role = graph.ofType(aws.role)[0];
      assert.match(
        String(role?.inputs["assumeRolePolicy"]),
        /system:serviceaccount:external-secrets:external-secrets/,
      );
      assert.deepEqual(outputs?.["annotations"], {
        "eks.amazonaws.com/role-arn":
          "arn:aws:iam::123456789012:role/zt-test-external-secrets-external-secrets",
      });
      assert.throws(() => assertScopedResource("*"), /not scoped/);
      assert.throws(
        () => assertScopedResource("arn:aws:secretsmanager:*:123456789012:secret:x"),
        /not scoped/,
      );
      assert.doesNotThrow(() =>
        assertScopedResource("arn:aws:secretsmanager:eu-west-1:123456789012:secret:zt/dev/*"),
      );
    },
  );

  proves(
    ["C-CL-6"],
    "EKS: nodes run Bottlerocket with IMDSv2 (hop limit 1), CMK-encrypted volumes, no SSH, private subnets",
    async () => {
      assert.deepEqual(checkHardenedNodes(await prod()), []);
      const hop2 = editInputs(aws.launchTemplate, (props) => {
        (props["metadataOptions"] as Rec)["httpPutResponseHopLimit"] = 2;
      });
      assert.match(checkHardenedNodes(await prod(hop2)).join(), /hop limit is 2/);
      const publicIp = editInputs(aws.subnet, (props, name) => {
        if (name.includes("private-0")) props["mapPublicIpOnLaunch"] = true;
      });
      assert.match(checkHardenedNodes(await prod(publicIp)).join(), /gives instances public IPs/);
    },
  );

  proves(
    ["C-CL-7"],
    "EKS: the stack's Kubernetes version is pinned on standard support, add-ons pinned, nodes auto-repair",
    async () => {
      assert.deepEqual(checkPatching(await prod(), "1.35"), []);
      const extended = editInputs(aws.cluster, (props) => {
        props["upgradePolicy"] = { supportType: "EXTENDED" };
      });
      assert.match(checkPatching(await prod(extended), "1.35").join(), /extended support/);
    },
  );

  proves(["C-CL-8"], "EKS: the VPC CNI enforces NetworkPolicy", async () => {
    assert.deepEqual(checkNetworkPolicyEngine(await prod()), []);
    const off = editInputs(aws.addon, (props) => {
      if (props["addonName"] === "vpc-cni") props["configurationValues"] = "{}";
    });
    assert.match(checkNetworkPolicyEngine(await prod(off)).join(), /agent is off/);
  });

  proves(
    ["C-CL-9"],
    "EKS: nodes egress only through NAT (one per AZ in prod), with VPC flow logs",
    async () => {
      assert.deepEqual(checkControlledEgress(await prod(), true), []);
      assert.deepEqual(checkControlledEgress(await dev(), false), []);
      const direct = editInputs(aws.routeTable, (props, name) => {
        if (name.includes("private-rt")) props["routes"] = [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }];
      });
      assert.match(checkControlledEgress(await prod(direct), true).join(), /does not egress through NAT/);
    },
  );

  proves(
    ["C-CL-10"],
    "EKS: the platform registry scans on push, has immutable tags and is KMS-encrypted",
    async () => {
      assert.deepEqual(checkRegistry(await prod()), []);
      const mutable = editInputs(aws.repository, (props) => {
        props["imageTagMutability"] = "MUTABLE";
      });
      assert.match(checkRegistry(await prod(mutable)).join(), /mutable/);
    },
  );

  test("the Kubernetes provider's kubeconfig is a secret and holds no static credential", async () => {
    const graph = await prod();
    const provider = graph.ofType("pulumi:providers:kubernetes")[0];
    assert.deepEqual(provider?.secretPaths, ["kubeconfig"]);
    const kubeconfig = JSON.parse(String(provider?.inputs["kubeconfig"])) as { users: { user: Rec }[] };
    assert.deepEqual(Object.keys(kubeconfig.users[0]?.user ?? {}), ["exec"]);
    for (const object of graph.kubernetesObjects()) assert.equal(object.provider, provider?.urn);
  });
});
