/**
 * Which of the stack's ClusterImagePolicies cover an image, and what policy-controller's webhook
 * does with an image none covers, decided by policy-controller's own glob matching (the
 * image-policy-check checker, tools/image-policy-check).
 *
 * The no-match policy: we pass no `webhook.configData` to the chart, whose default is `{}`
 * (sigstore/helm-charts charts/policy-controller/values.yaml), so the webhook's ConfigMap has no
 * `no-match-policy` key and policy-controller falls back to deny (pkg/config/store.go). The chart
 * cannot be templated offline, so that default is a declared shape: docs/verification.md says so,
 * and every verdict that falls back to it carries that basis.
 */
import * as fs from "node:fs";
import { parseAllDocuments } from "yaml";
import { checkers } from "../../../components/versions";
import { runChecker } from "../checkers";
import { manifestFiles } from "../index";
import type { Basis } from "./types";

export interface ImagePolicy {
  readonly name: string;
  readonly images: readonly string[];
}
export type NoMatchPolicy = "deny" | "warn" | "allow";

export interface ImagePolicyRequest {
  readonly policies: readonly ImagePolicy[];
  readonly noMatchPolicy: NoMatchPolicy;
  readonly images: readonly { readonly id: string; readonly image: string }[];
}

export interface ImagePolicyVerdict {
  readonly id: string;
  readonly image: string;
  readonly matchedPolicies: readonly string[];
  /** verify: a policy covers it, so its signature is checked; otherwise the no-match policy. */
  readonly verdict: "verify" | NoMatchPolicy;
  /** The matching is policy-controller's own; an uncovered image also rests on the chart's default. */
  readonly basis: readonly Basis[];
}

const matching: Basis = { kind: "engine", engine: checkers["image-policy-check"].engine };
const noMatchDefault: Basis = { kind: "declared-shape", release: "policy-controller" };

export function imagePolicyVerdicts(request: ImagePolicyRequest): ImagePolicyVerdict[] {
  return runChecker<{ results: Omit<ImagePolicyVerdict, "basis">[] }>(
    "image-policy-check",
    request,
  ).results.map((result) => ({
    ...result,
    basis: result.verdict === "verify" ? [matching] : [matching, noMatchDefault],
  }));
}

/** What the chart's webhook does with an uncovered image given the values we pass (see above). */
export function noMatchPolicyOf(values: object): NoMatchPolicy {
  const { webhook } = values as { webhook?: { configData?: Record<string, string> } };
  const setting = webhook?.configData?.["no-match-policy"];
  return setting === "allow" || setting === "warn" ? setting : "deny";
}

/** The ClusterImagePolicies a rendered stack emits (out/<stack>/manifests/*.yaml). */
export function clusterImagePolicies(renderDir: string): ImagePolicy[] {
  return manifestFiles(renderDir)
    .flatMap((file) => parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJSON() as unknown))
    .filter((o) => (o as { kind?: string } | null)?.kind === "ClusterImagePolicy")
    .map((o) => o as { metadata: { name: string }; spec: { images?: { glob: string }[] } })
    .map((o) => ({
      name: o.metadata.name,
      images: (o.spec.images ?? []).map((i) => i.glob),
    }));
}
