/**
 * EKS first deploy and day 2 (issue 18): the runner reaches the private endpoint, the Auto Scaling
 * role exists before the key policy names it (preflight or created), PVCs get CMK-encrypted
 * volumes, RDS pins do not drift, and stateful resources are protected outside dev. Each check is
 * also shown failing with the fix taken out.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../infra/program";
import {
  checkDatabasePins,
  checkDefaultVolumeEncryption,
  checkRunnerIngress,
  checkStateProtection,
} from "./checks/eks-first-deploy";
import { editInputs } from "./fixtures";
import { mocks } from "./harness/mocks";
import { proves } from "./harness/proves";
import { capture, readStackFile, resolvedStackConfig, stackGraph } from "./harness/run";

type Rec = Record<string, unknown>;
const prod = (...transformations: pulumi.ResourceTransformation[]) =>
  stackGraph("aws-prod", { transformations });
const prodRunner = () => {
  const network = resolvedStackConfig("aws-prod").network;
  return { cidrs: network.runnerCidrs, securityGroupIds: network.runnerSecurityGroupIds };
};

describe("EKS first deploy", () => {
  proves(["C-CL-1"], "EKS: the in-network runner is admitted on 443 to the private endpoint", async () => {
    assert.deepEqual(prodRunner().cidrs, ["10.92.0.0/24"]);
    assert.deepEqual(checkRunnerIngress(await prod(), prodRunner()), []);
    const otherPort = editInputs("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (props) => {
      props["fromPort"] = 8443;
      props["toPort"] = 8443;
    });
    assert.match(
      checkRunnerIngress(await prod(otherPort), prodRunner()).join(),
      /10\.92\.0\.0\/24 is not admitted/,
    );
  });

  test("preflight: an account without AWSServiceRoleForAutoScaling is refused before any cloud resource", async () => {
    const file = readStackFile("aws-prod");
    const { error, graph } = await capture(runProgram, {
      stack: "aws-prod",
      config: file.config,
      secretKeys: file.secretKeys,
      mocks: {
        ...mocks,
        call: (args) => {
          if (args.token === "aws:iam/getRole:getRole") throw new Error("NoSuchEntity: role not found");
          return mocks.call(args);
        },
      },
    });
    assert.match(String(error?.message), /preflight: this AWS account has no AWSServiceRoleForAutoScaling/);
    assert.match(String(error?.message), /zt-blueprint:access\.autoscalingServiceLinkedRole to "create"/);
    // Only the stack and the pinned AWS provider the preflight reads through were registered.
    assert.deepEqual(
      graph.resources.map((r) => r.type),
      ["pulumi:pulumi:Stack", "pulumi:providers:aws"],
    );
  });

  test("a stack that creates the Auto Scaling role names that role in the key policy and keeps it on destroy", async () => {
    const graph = await stackGraph("aws-dev");
    const [role] = graph.ofType("aws:iam/serviceLinkedRole:ServiceLinkedRole");
    assert.equal(role?.inputs["awsServiceName"], "autoscaling.amazonaws.com");
    assert.equal(role?.retainOnDelete, true);
    const key = graph
      .ofType("aws:kms/key:Key")
      .find((k) => String(k.inputs["policy"]).includes("AutoScaling"));
    assert.ok(String(key?.inputs["policy"]).includes(String(role?.outputs["arn"])));
  });

  proves(
    ["C-CL-6"],
    "EKS: a PVC without a class gets a gp3 volume encrypted with the cluster CMK (one default class)",
    async () => {
      assert.deepEqual(checkDefaultVolumeEncryption(await prod()), []);
      const chartDefault = editInputs("aws:eks/addon:Addon", (props) => {
        if (props["addonName"] === "aws-ebs-csi-driver")
          props["configurationValues"] = JSON.stringify({ defaultStorageClass: { enabled: true } });
      });
      assert.match(checkDefaultVolumeEncryption(await prod(chartDefault)).join(), /2 default StorageClasses/);
      const noKey = editInputs("kubernetes:storage.k8s.io/v1:StorageClass", (props) => {
        delete (props["parameters"] as Rec)["kmsKeyId"];
      });
      assert.match(
        checkDefaultVolumeEncryption(await prod(noKey)).join(),
        /not encrypt with the cluster CMK/,
      );
    },
  );

  test("RDS: major version only with automatic minor upgrades, no implicit major upgrade, its own encrypted log group", async () => {
    const retention = resolvedStackConfig("aws-prod").auditLogRetentionDays;
    const graph = await prod();
    const [db] = graph.ofType("aws:rds/instance:Instance");
    assert.equal(db?.inputs["engineVersion"], "17");
    assert.deepEqual(checkDatabasePins(graph, retention), []);
    const exactMinor = editInputs("aws:rds/instance:Instance", (props) => {
      props["engineVersion"] = "17.6";
      delete props["allowMajorVersionUpgrade"];
    });
    const problems = checkDatabasePins(await prod(exactMinor), retention).join();
    assert.match(problems, /pins minor 17\.6/);
    assert.match(problems, /allows a major upgrade/);
  });

  test("stateful resources (KMS keys, log groups, databases) are protected outside dev, not in dev", async () => {
    assert.deepEqual(checkStateProtection(await prod()), []);
    assert.deepEqual(checkStateProtection(await stackGraph("aws-staging")), []);
    assert.ok(checkStateProtection(await stackGraph("aws-dev")).length > 0);
    const unprotected = (args: pulumi.ResourceTransformationArgs) =>
      args.type === "aws:kms/key:Key"
        ? { props: args.props, opts: { ...args.opts, protect: false } }
        : undefined;
    assert.match(checkStateProtection(await prod(unprotected)).join(), /Key .* is not protected/);
  });
});
