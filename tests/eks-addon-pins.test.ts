/** The user-run add-on pin check (scripts/check-eks-addons.ts) on EKS-shaped answers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { eksAddonVersions, type EksAddonName } from "../components/versions";
import { unverifiedAddonPins, type DescribeAddonVersions } from "../scripts/lib/eks-addon-pins";

const version = "1.35" as const;
const answer = (name: EksAddonName, build: string, clusterVersion: string): DescribeAddonVersions => ({
  addons: [
    {
      addonName: name,
      addonVersions: [
        { addonVersion: "v0.0.1-eksbuild.1", compatibilities: [{ clusterVersion }] },
        { addonVersion: build, compatibilities: [{ clusterVersion }] },
      ],
    },
  ],
});
const published = (clusterVersion: string) =>
  Object.fromEntries(
    (Object.entries(eksAddonVersions[version]) as [EksAddonName, string][]).map(([name, pin]) => [
      name,
      answer(name, pin, clusterVersion),
    ]),
  ) as Record<EksAddonName, DescribeAddonVersions>;

describe("EKS add-on pin check", () => {
  test("passes when EKS lists every pin as compatible", () => {
    assert.deepEqual(unverifiedAddonPins(version, published(version)), []);
  });

  test("names a pin EKS does not publish, and one not marked compatible", () => {
    const answers = published(version);
    answers["vpc-cni"] = answer("vpc-cni", "v9.9.9-eksbuild.1", version);
    answers["coredns"] = answer("coredns", eksAddonVersions[version].coredns, "1.34");
    assert.deepEqual(unverifiedAddonPins(version, answers), [
      `vpc-cni ${eksAddonVersions[version]["vpc-cni"]} is not published for Kubernetes 1.35`,
      `coredns ${eksAddonVersions[version].coredns} is published but not marked compatible with 1.35`,
    ]);
  });
});
