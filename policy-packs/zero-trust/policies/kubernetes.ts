/**
 * Kubernetes resource policies: mTLS overrides, namespace isolation labels, admission strength per
 * tier, and the workloads, images and charts the program registers itself.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  asArray,
  asRecord,
  at,
  forTypes,
  isIstioKind,
  labelsOf,
  oneOf,
  tenantLabel,
  tierConfig,
  tierOf,
  text,
  type Props,
} from "./common";

const weakMtlsModes = ["PERMISSIVE", "DISABLE"];
const psaEnforce = "pod-security.kubernetes.io/enforce";
/** The annotation a platform namespace must carry to run privileged (Falco's or NeuVector's node agent). */
const privilegedReason = "zt-blueprint.io/privileged-reason";

const isConstraint = (type: string) => type.startsWith("kubernetes:constraints.gatekeeper.sh/");
const helmReleaseTypes = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const isRelease = oneOf(...helmReleaseTypes);

/** Where each workload kind keeps its pod spec. */
const podSpecPaths: Record<string, string> = {
  "kubernetes:core/v1:Pod": "spec",
  "kubernetes:apps/v1:Deployment": "spec.template.spec",
  "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
  "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
  "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
  "kubernetes:batch/v1:Job": "spec.template.spec",
  "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
};
const isWorkload = (type: string) => type in podSpecPaths;

function containersOf(props: Props, type: string): Props[] {
  const spec = at(props, podSpecPaths[type] ?? "spec");
  return [...asArray(at(spec, "initContainers")), ...asArray(at(spec, "containers"))].map(asRecord);
}

/** Admission strength per tier (C-ADM-6): dev may dry-run, staging must at least warn, prod denies. */
const allowedEnforcementActions = {
  dev: ["dryrun", "warn", "deny"],
  staging: ["warn", "deny"],
  prod: ["deny"],
};

/**
 * An admission webhook chart fails closed (failurePolicy Fail) in staging and prod; dev may fail
 * open so a broken webhook does not block every deploy.
 */
function webhookFailClosed(
  name: string,
  chart: string,
  valuePath: string,
  control: string,
): ResourceValidationPolicy {
  return {
    name,
    description: `The ${chart} webhook fails closed (${valuePath}: Fail) in staging and prod; dev may fail open.`,
    tags: [control],
    configSchema: tierConfig,
    validateResource: forTypes(isRelease, (props, args, report) => {
      if (props["chart"] !== chart) return args.notApplicable(`not the ${chart} chart`);
      if (tierOf(args) === "dev") return;
      const policy = at(props["values"], valuePath);
      if (policy !== "Fail") report(`${valuePath} is ${text(policy ?? "the chart default")}, not Fail`);
    }),
  };
}

const exactVersion = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export const kubernetesPolicies: ResourceValidationPolicy[] = [
  {
    name: "mesh-no-weak-peer-authentication",
    description:
      "No PeerAuthentication weakens mTLS (PERMISSIVE or DISABLE); only a workload-selected portLevelMtls override may.",
    tags: ["C-MESH-1"],
    validateResource: forTypes(
      isIstioKind("security.istio.io", "PeerAuthentication"),
      (props, _args, report) => {
        const mode = text(at(props, "spec.mtls.mode") ?? "UNSET");
        if (weakMtlsModes.includes(mode)) report(`mtls.mode is ${mode}`);
        const ports = asRecord(at(props, "spec.portLevelMtls"));
        const selected = Object.keys(asRecord(at(props, "spec.selector.matchLabels"))).length > 0;
        for (const [port, setting] of Object.entries(ports)) {
          const portMode = text(at(setting, "mode"));
          // A port-level exception is narrow only when it names a workload (e.g. a metrics port).
          if (weakMtlsModes.includes(portMode) && !selected)
            report(`port ${port} is ${portMode} without a workload selector`);
        }
      },
    ),
  },
  {
    name: "namespace-pod-security",
    description:
      "Namespaces enforce Pod Security restricted; privileged only with a stated reason, never for a tenant.",
    tags: ["C-TEN-1", "C-ADM-2"],
    validateResource: forTypes(oneOf("kubernetes:core/v1:Namespace"), (props, _args, report) => {
      const labels = labelsOf(props);
      const level = labels[psaEnforce];
      const reason = asRecord(at(props, "metadata.annotations"))[privilegedReason];
      if (labels[tenantLabel] && level !== "restricted")
        report(`tenant namespace enforces ${level ?? "no"} Pod Security level, not restricted`);
      else if (level === "privileged" && !reason)
        report(`privileged namespace without a ${privilegedReason} annotation`);
      else if (level !== "restricted" && level !== "privileged")
        report(`namespace enforces ${level ?? "no"} Pod Security level`);
    }),
  },
  {
    name: "tenant-namespace-in-mesh",
    description: "Tenant namespaces are in the mesh (istio-injection=enabled, or the ambient data plane).",
    tags: ["C-MESH-4"],
    validateResource: forTypes(oneOf("kubernetes:core/v1:Namespace"), (props, args, report) => {
      const labels = labelsOf(props);
      if (!labels[tenantLabel]) return args.notApplicable("not a tenant namespace");
      if (labels["istio-injection"] !== "enabled" && labels["istio.io/dataplane-mode"] !== "ambient")
        report("tenant namespace is not in the mesh (no istio-injection=enabled)");
    }),
  },
  {
    name: "gatekeeper-enforcement-action",
    description:
      "Every Gatekeeper constraint sets enforcementAction for its tier: deny in prod, warn or deny in staging, any explicit action in dev.",
    tags: ["C-ADM-6"],
    configSchema: tierConfig,
    validateResource: forTypes(isConstraint, (props, args, report) => {
      const tier = tierOf(args);
      const action = at(props, "spec.enforcementAction");
      if (!allowedEnforcementActions[tier].includes(text(action)))
        report(
          `enforcementAction is ${text(action ?? "unset")}; ${tier} needs ${allowedEnforcementActions[tier].join(" or ")}`,
        );
    }),
  },
  webhookFailClosed(
    "gatekeeper-webhook-fail-closed",
    "gatekeeper",
    "validatingWebhookFailurePolicy",
    "C-ADM-1",
  ),
  webhookFailClosed("signature-webhook-fail-closed", "policy-controller", "webhook.failurePolicy", "C-ADM-5"),
  {
    name: "workload-security-context",
    description:
      "Workloads the program registers run restricted: runAsNonRoot, no privilege escalation, drop ALL, seccomp RuntimeDefault, read-only root filesystem.",
    tags: ["C-ADM-2"],
    validateResource: forTypes(isWorkload, (props, args, report) => {
      const pod = asRecord(at(props, podSpecPaths[args.type] ?? "spec"));
      const podContext = asRecord(pod["securityContext"]);
      for (const container of containersOf(props, args.type)) {
        const name = text(container["name"] ?? "?");
        const context = asRecord(container["securityContext"]);
        const nonRoot = context["runAsNonRoot"] ?? podContext["runAsNonRoot"];
        const seccomp = at(context, "seccompProfile.type") ?? at(podContext, "seccompProfile.type");
        if (nonRoot !== true) report(`${name}: runAsNonRoot is not true`);
        if (context["allowPrivilegeEscalation"] !== false)
          report(`${name}: allowPrivilegeEscalation is not false`);
        if (context["privileged"] === true) report(`${name}: runs privileged`);
        if (!asArray(at(context, "capabilities.drop")).includes("ALL"))
          report(`${name}: does not drop ALL capabilities`);
        if (asArray(at(context, "capabilities.add")).length > 0) report(`${name}: adds capabilities`);
        if (seccomp !== "RuntimeDefault") report(`${name}: seccompProfile is not RuntimeDefault`);
        if (context["readOnlyRootFilesystem"] !== true) report(`${name}: root filesystem is writable`);
      }
    }),
  },
  {
    name: "images-pinned-by-digest",
    description:
      "Images are never :latest or untagged; in prod every image the program names is pinned by digest and admission requires digests.",
    tags: ["C-ADM-3"],
    configSchema: tierConfig,
    validateResource: [
      forTypes(isWorkload, (props, args, report) => {
        for (const container of containersOf(props, args.type)) {
          const image = text(container["image"] ?? "");
          const digest = image.includes("@sha256:");
          const tag = /:([^/:@]+)$/.exec(image)?.[1];
          if (!digest && (!tag || tag === "latest")) report(`image ${image} is untagged or :latest`);
          else if (!digest && tierOf(args) === "prod") report(`image ${image} is not pinned by digest`);
        }
      }),
      forTypes(
        oneOf("kubernetes:constraints.gatekeeper.sh/v1beta1:ZtAllowedImages"),
        (props, args, report) => {
          if (tierOf(args) === "prod" && at(props, "spec.parameters.requireDigest") !== true)
            report("prod admission does not require image digests");
        },
      ),
    ],
  },
  {
    name: "helm-chart-pinned",
    description:
      "Helm releases pin an exact chart version from an HTTPS repository, so a deploy never pulls a newer chart.",
    tags: ["C-ADM-3"],
    validateResource: forTypes(isRelease, (props, _args, report) => {
      const version = text(props["version"] ?? "");
      if (!exactVersion.test(version))
        report(`chart ${text(props["chart"])} version "${version}" is not an exact version`);
      const repo = at(props, "repositoryOpts.repo");
      if (repo !== undefined && !text(repo).startsWith("https://") && !text(repo).startsWith("oci://"))
        report(`chart repository ${text(repo)} is not HTTPS or OCI`);
    }),
  },
];
