/**
 * Every pinned version in the blueprint lives here, so an upgrade is one reviewed diff.
 * Helm charts, images (by digest where upstream publishes one) and tools are added by the
 * issue that introduces them; nothing else in the code base may hard-code a version.
 */

/**
 * Kubernetes minor versions this release is tested against. A stack must pin one of these
 * (C-CL-7); the oldest is dropped when the clouds end its standard support.
 */
export const supportedKubernetesVersions = ["1.34", "1.35", "1.36"] as const;
export type KubernetesVersion = (typeof supportedKubernetesVersions)[number];

/**
 * Pod Security Admission policy version pinned on tenant namespaces. Pinning (rather than
 * `latest`) means a cluster upgrade cannot silently change what "restricted" allows.
 */
export const podSecurityStandardVersion = "v1.34";

/**
 * Validators that `npm run verify` runs, built from the Go module proxy with `go install` and
 * cached under .cache/tools/ (scripts/verify/tools.ts). `gator` is built from the same Gatekeeper
 * module version as the chart it tests policies for.
 */
export interface GoTool {
  readonly module: string;
  /** Package path inside the module ("" for the module root). */
  readonly pkg: string;
  readonly version: string;
}

export const goTools = {
  kubeconform: { module: "github.com/yannh/kubeconform", pkg: "cmd/kubeconform", version: "v0.7.0" },
  "kube-score": { module: "github.com/zegl/kube-score", pkg: "cmd/kube-score", version: "v1.20.0" },
  opa: { module: "github.com/open-policy-agent/opa", pkg: "", version: "v1.22.2" },
  helm: { module: "helm.sh/helm/v3", pkg: "cmd/helm", version: "v3.19.0" },
  gator: { module: "github.com/open-policy-agent/gatekeeper/v3", pkg: "cmd/gator", version: "v3.23.1" },
  // Istio tags releases without a "v", so the module proxy serves istio.io/istio only at
  // master-branch pseudo-versions: this is the newest it serves (2026-08-27). Used for
  // `istioctl analyze` of our Istio objects; the analyzers change little between releases.
  istioctl: {
    module: "istio.io/istio",
    pkg: "istioctl/cmd/istioctl",
    version: "v0.0.0-20260827124520-eed52ebb66ad",
  },
} as const satisfies Record<string, GoTool>;

/**
 * Small Go checkers of our own (tools/<name>: a main package, go.mod, go.sum) that put an upstream
 * engine behind a JSON interface for verify's behaviour stage. `requires` are the upstream modules
 * each one wraps, at the versions its go.mod must require directly (tests/checkers.test.ts; a build
 * refuses a checker whose go.mod disagrees). `npm run tools`
 * builds each into the cache, keyed by a hash of its folder.
 */
export interface Checker {
  readonly dir: string;
  readonly requires: Readonly<Record<string, string>>;
  readonly engine: string;
}

export const checkers = {
  "image-policy-check": {
    dir: "tools/image-policy-check",
    requires: { "github.com/sigstore/policy-controller": "v0.13.1" },
    engine: "policy-controller v0.13.1 pkg/apis/glob (ClusterImagePolicy image matching)",
  },
} as const satisfies Record<string, Checker>;

/** Validators from PyPI, installed into a project-local virtualenv (.cache/venv). */
export const pythonTools = {
  checkov: "3.3.30",
  /** Ships the Kubernetes JSON schemas kubeconform validates against (v1.34.0 … v1.37.0). */
  "kubernetes-validate": "1.37.0",
} as const;

/**
 * Upstream projects the platform deploys: the Helm chart version the blueprint pins, and the Go
 * module version whose source tree carries exactly that chart and its CRDs. `go mod download`
 * fetches them for offline validation; scripts/verify/upstream.ts refuses a module whose
 * Chart.yaml does not say `chartVersion`.
 */
export interface UpstreamRelease {
  readonly chart: string;
  readonly chartVersion: string;
  /** The Go module that carries the chart and/or CRDs; absent when no such module exists. */
  readonly module?: string;
  readonly moduleVersion?: string;
  /** The chart's folder inside the module, or undefined with the reason it cannot be had offline. */
  readonly chartDir: string | { readonly unavailable: string };
  /** CRD files or folders inside the module. */
  readonly crds: readonly string[];
  /**
   * Only where `chartDir` is unavailable: a different source snapshot whose chart verify templates
   * in place of the pinned one. verify names the substitution on every run, and it proves less:
   * see NearestChart.
   */
  readonly nearestChart?: NearestChart;
}

/**
 * A stand-in for a release chart no Go module carries: the nearest snapshot of the same project
 * that does carry the chart. Templating it proves that our values are accepted by the chart's
 * schema and templates as they stood on that snapshot, and that the objects it renders pass the
 * validators; it does not prove the same of the pinned release, whose templates may differ.
 */
export interface NearestChart {
  readonly module: string;
  /** The module version (a pseudo-version: its timestamp dates the snapshot). */
  readonly version: string;
  /** The branch the snapshot was taken from, e.g. "master". */
  readonly branch: string;
  readonly chartDir: string;
  /** What the snapshot's Chart.yaml says; verify refuses the snapshot if it says anything else. */
  readonly chartVersion: string;
  /** Why the pinned chart cannot be had, and why this snapshot is the nearest that can. */
  readonly reason: string;
}

/**
 * Istio's master branch as of 2026-08-27: the newest istio.io/istio the module proxy serves, and
 * the one istioctl is built from. 1.31.1 was tagged on the release-1.31 branch (istio.io/api
 * v1.31.1: 2026-09-15), so master may already carry 1.32 changes. Its charts are unreleased and
 * say 1.0.0 (Istio's release builder stamps the version).
 */
const istioMasterSnapshot = {
  module: goTools.istioctl.module,
  version: goTools.istioctl.version,
  branch: "master",
  chartVersion: "1.0.0",
  reason:
    "Istio tags releases without a 'v', so the Go module proxy serves istio.io/istio only at " +
    "master-branch pseudo-versions; this is the newest, nearest to 1.31.1, and its charts say 1.0.0",
} as const;

const istioChartsUnavailable = {
  unavailable:
    "no Go module carries Istio's release charts; the master snapshot's chart stands in (nearestChart)",
} as const;

export const upstream = {
  gatekeeper: {
    chart: "gatekeeper",
    chartVersion: "3.23.1",
    module: "github.com/open-policy-agent/gatekeeper/v3",
    moduleVersion: "v3.23.1",
    chartDir: "charts/gatekeeper",
    crds: ["charts/gatekeeper/crds"],
  },
  externalSecrets: {
    chart: "external-secrets",
    // The v1.3.2 source tag carries chart 1.3.1 (ESO bumps the chart after tagging); the pin
    // follows what the module really contains so the validated chart is the deployed one.
    chartVersion: "1.3.1",
    module: "github.com/external-secrets/external-secrets",
    moduleVersion: "v1.3.2",
    chartDir: "deploy/charts/external-secrets",
    crds: ["deploy/crds/bundle.yaml"],
  },
  trivyOperator: {
    chart: "trivy-operator",
    chartVersion: "0.31.0",
    module: "github.com/aquasecurity/trivy-operator",
    moduleVersion: "v0.29.0",
    chartDir: "deploy/helm",
    crds: ["deploy/helm/crds"],
  },
  policyController: {
    chart: "policy-controller",
    chartVersion: "0.10.6",
    // The CRDs ship in the controller's Go module at the app version the chart deploys (0.13.1).
    module: "github.com/sigstore/policy-controller",
    moduleVersion: "v0.13.1",
    chartDir: {
      unavailable:
        "the chart is published from sigstore/helm-charts, which is not a Go module and has no " +
        "package on the registries this project builds from; the CRDs come from the controller's module",
    },
    crds: ["config/300-clusterimagepolicy.yaml", "config/300-trustroot.yaml"],
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    // Chart 67.8.0 deploys prometheus-operator v0.79.2, whose module carries the CRDs.
    chartVersion: "67.8.0",
    module: "github.com/prometheus-operator/prometheus-operator",
    moduleVersion: "v0.79.2",
    chartDir: {
      unavailable:
        "the chart is published from prometheus-community/helm-charts, which is not a Go module; the CRDs come from the operator's module",
    },
    crds: ["example/prometheus-operator-crd"],
  },
  neuvector: {
    chart: "core",
    chartVersion: "2.8.5",
    chartDir: {
      unavailable: "NeuVector's chart is published from neuvector/neuvector-helm, which is not a Go module",
    },
    crds: [],
  },
  falco: {
    chart: "falco",
    chartVersion: "9.1.0",
    chartDir: {
      unavailable:
        "Falco's chart is published from falcosecurity/charts, which is not a Go module; Falco itself is C++ and has no Go module with CRDs or charts",
    },
    crds: [],
  },
  istioBase: {
    chart: "base",
    chartVersion: "1.31.1",
    chartDir: istioChartsUnavailable,
    nearestChart: { ...istioMasterSnapshot, chartDir: "manifests/charts/base" },
    crds: [],
  },
  istioCni: {
    chart: "cni",
    chartVersion: "1.31.1",
    chartDir: istioChartsUnavailable,
    nearestChart: { ...istioMasterSnapshot, chartDir: "manifests/charts/istio-cni" },
    crds: [],
  },
  istioGateway: {
    chart: "gateway",
    chartVersion: "1.31.1",
    chartDir: istioChartsUnavailable,
    nearestChart: { ...istioMasterSnapshot, chartDir: "manifests/charts/gateway" },
    crds: [],
  },
  istio: {
    chart: "istiod",
    chartVersion: "1.31.1",
    // Istio's CRDs are generated into istio.io/api, which is tagged per Istio release.
    module: "istio.io/api",
    moduleVersion: "v1.31.1",
    chartDir: istioChartsUnavailable,
    nearestChart: { ...istioMasterSnapshot, chartDir: "manifests/charts/istio-control/istio-discovery" },
    crds: ["kubernetes/customresourcedefinitions.gen.yaml"],
  },
} as const satisfies Record<string, UpstreamRelease>;

/** EKS managed add-ons (C-CL-8: the VPC CNI enforces NetworkPolicy), pinned per Kubernetes minor. */
export type EksAddonName = "vpc-cni" | "coredns" | "kube-proxy" | "aws-ebs-csi-driver";

export const eksAddonVersions: Readonly<Record<KubernetesVersion, Readonly<Record<EksAddonName, string>>>> = {
  "1.34": {
    "vpc-cni": "v1.20.4-eksbuild.1",
    coredns: "v1.12.3-eksbuild.1",
    "kube-proxy": "v1.34.1-eksbuild.2",
    "aws-ebs-csi-driver": "v1.50.1-eksbuild.1",
  },
  "1.35": {
    "vpc-cni": "v1.20.4-eksbuild.1",
    coredns: "v1.12.4-eksbuild.1",
    "kube-proxy": "v1.35.0-eksbuild.2",
    "aws-ebs-csi-driver": "v1.50.1-eksbuild.1",
  },
  "1.36": {
    "vpc-cni": "v1.21.0-eksbuild.1",
    coredns: "v1.13.1-eksbuild.1",
    "kube-proxy": "v1.36.0-eksbuild.1",
    "aws-ebs-csi-driver": "v1.52.0-eksbuild.1",
  },
};

/** Node OS for EKS managed node groups: Bottlerocket (minimal, immutable, no SSH by default). */
export const eksNodeAmiType = "BOTTLEROCKET_x86_64";

/** Where the pinned upstream charts are published (used by `pulumi up`; verify uses the Go modules). */
export const chartRepositories = {
  gatekeeper: "https://open-policy-agent.github.io/gatekeeper/charts",
  istio: "https://istio-release.storage.googleapis.com/charts",
  trivyOperator: "https://aquasecurity.github.io/helm-charts",
  falco: "https://falcosecurity.github.io/charts",
  kubePrometheusStack: "https://prometheus-community.github.io/helm-charts",
  neuvector: "https://neuvector.github.io/neuvector-helm/",
  policyController: "https://sigstore.github.io/helm-charts",
  externalSecrets: "https://charts.external-secrets.io",
} as const;

/** Images pinned by digest where the chart's default would take a tag (digests from the upstream charts). */
export const images = {
  // Istio's own registry and the release tag. The release charts default to these, but naming
  // them keeps the images pinned even where a chart's default is a moving tag (the master
  // snapshot verify templates says registry.istio.io/testing:latest).
  istio: { hub: "docker.io/istio", tag: upstream.istio.chartVersion },
  policyController: {
    repository: "ghcr.io/sigstore/policy-controller/policy-controller",
    // v0.13.1, as published in the policy-controller chart 0.10.6.
    digest: "sha256:0bcd60beb93f4427c29cf3a669743caf58490e98ded4380c33c09f092734a6ab",
  },
  /**
   * Keycloak's official image (C-ID-1). Quay publishes a digest per tag, but none can be read from
   * the registries this project builds against; pin the digest when mirroring into your registry
   * (`identityProvider.image` takes a `repo@sha256:...` reference and prod admission requires one
   * for tenant images).
   */
  keycloak: { repository: "quay.io/keycloak/keycloak", tag: "26.7.3" },
  /** The in-cluster database of local/dev stacks only; staging and prod use a managed database. */
  // Debian-based: its entrypoint runs as an arbitrary UID (nss_wrapper), which we use (10001).
  postgres: { repository: "docker.io/library/postgres", tag: "17.6-bookworm" },
} as const;

/** Managed PostgreSQL (Keycloak's database in staging/prod): RDS and Azure flexible server. */
export const managedPostgres = {
  // RDS: the major version only. With automatic minor upgrades on, RDS moves the minor itself and
  // the provider accepts a version prefix, so an exact minor here would drift (and a later `up`
  // would try to downgrade). Source: @pulumi/aws 7.48.0 rds/instance.d.ts, engineVersion.
  version: "17",
  awsParameterFamily: "postgres17",
  azureVersion: "17",
} as const;

/**
 * The real-engine e2e's tools (`npm run engine:tools`, scripts/engine/tools.ts): the Pulumi CLI,
 * its Node.js language host and the Kubernetes provider plugin, and a Kubernetes control plane
 * (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl) with kwok for simulated
 * nodes. Each is built from a wrapper module in engine/modules/<name> (our own go.mod; no upstream
 * code), whose go.mod must require `module` at `version` (tests/engine-tools.test.ts). `release`
 * says whether the build is the named upstream release or a nearest build, and why.
 */
export interface EngineTool {
  readonly module: string;
  readonly version: string;
  /** Command name → the package (import path) it is built from. */
  readonly commands: Readonly<Record<string, string>>;
  readonly ldflags?: string;
  readonly release: true | { readonly nearest: string };
}

const kubernetesVersionFlags = (version: string) => {
  const [major, minor] = version.replace(/^v/, "").split(".");
  return ["gitVersion=" + version, "gitMajor=" + major, "gitMinor=" + minor]
    .map((flag) => `-X k8s.io/component-base/version.${flag}`)
    .join(" ");
};

export const engineTools = {
  pulumi: {
    module: "github.com/pulumi/pulumi/pkg/v3",
    version: "v3.274.1",
    commands: { pulumi: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
    ldflags: "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.274.1",
    release: true,
  },
  "language-nodejs": {
    module: "github.com/pulumi/pulumi/sdk/v3",
    version: "v3.68.0",
    commands: {
      "pulumi-language-nodejs": "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
    },
    ldflags: "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.68.0",
    release: {
      nearest:
        "the host's own module (sdk/nodejs) is not served here; sdk/v3 v3.68.0 is the newest release that still carries nodejs/cmd/pulumi-language-nodejs",
    },
  },
  "kubernetes-provider": {
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    version: "v4.0.0-20260115033456-f47bc2d6f199",
    commands: {
      "pulumi-resource-kubernetes":
        "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes",
    },
    ldflags:
      "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=4.0.0-20260115033456-f47bc2d6f199",
    release: {
      nearest:
        "the module proxy serves provider/v4 only at this master-branch pseudo-version (2026-01-15), not at the 4.34.2 release @pulumi/kubernetes names",
    },
  },
  etcd: {
    module: "go.etcd.io/etcd/server/v3",
    version: "v3.6.16",
    commands: { etcd: "go.etcd.io/etcd/server/v3" },
    ldflags: "",
    release: true,
  },
  kubernetes: {
    module: "k8s.io/kubernetes",
    version: "v1.35.4",
    commands: {
      "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
      "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
      "kube-scheduler": "k8s.io/kubernetes/cmd/kube-scheduler",
      kubectl: "k8s.io/kubernetes/cmd/kubectl",
    },
    ldflags: kubernetesVersionFlags("v1.35.4"),
    release: true,
  },
  kwok: {
    module: "sigs.k8s.io/kwok",
    version: "v0.8.0",
    commands: { kwok: "sigs.k8s.io/kwok/cmd/kwok" },
    ldflags: "",
    release: true,
  },
} as const satisfies Record<string, EngineTool>;
