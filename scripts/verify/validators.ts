/**
 * The validators `npm run verify` runs on a rendered stack. Each returns how many objects it
 * checked and the failures it found, every failure naming the object. Tools run inside an empty
 * network namespace where the machine allows it, so none of them can download anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { constraintTemplate, policiesDir, templateSpecs } from "../../components/admission/templates";
import { repoRoot } from "../../tests/harness/run";
import { run, type RunResult } from "./exec";
import { cacheDir } from "./paths";
import { kubernetesSchemaRoot } from "./k8s-schemas";
import { goToolPath, venvBin } from "./tools";
import { crdSchemasDir } from "./upstream";

export interface ValidatorResult {
  readonly validator: string;
  readonly objects: number;
  readonly failures: readonly string[];
  readonly notes?: readonly string[];
}

let networkIsolation: boolean | undefined;

/** Runs a tool with no network at all when `unshare -n` is available (root on Linux). */
export function offline(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
): RunResult {
  networkIsolation ??= (() => {
    try {
      return run("unshare", ["-n", "true"]).status === 0;
    } catch {
      return false;
    }
  })();
  const options = input === undefined ? { env } : { env, input };
  return networkIsolation ? run("unshare", ["-n", command, ...args], options) : run(command, args, options);
}

export function networkIsolated(): boolean {
  offline("true", []);
  return networkIsolation === true;
}

// ---- skip list (verify/skips.yaml) -------------------------------------------------------

interface Skip {
  readonly validator: string;
  readonly check: string;
  readonly object: string;
  readonly reason: string;
}

interface Finding {
  readonly check: string;
  /** Kind/namespace/name ("-" for cluster-scoped objects). */
  readonly object: string;
  readonly message: string;
}

export function loadSkips(file = path.join(repoRoot, "verify", "skips.yaml")): Skip[] {
  const skips = (parseYaml(fs.readFileSync(file, "utf8")) ?? []) as Skip[];
  skips.forEach((skip, index) => {
    for (const key of ["validator", "check", "object", "reason"] as const) {
      if (!skip[key] || String(skip[key]).trim() === "") {
        throw new Error(
          `verify/skips.yaml entry ${index}: "${key}" is required (name the check, the object and why)`,
        );
      }
    }
  });
  return skips;
}

// "*" matches any characters within one segment, e.g. istio-*gateway; segments never span "/".
function matches(pattern: string, object: string): boolean {
  const want = pattern.split("/");
  const have = object.split("/");
  const glob = (segment: string) =>
    new RegExp(
      `^${segment
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
  return want.length === have.length && want.every((segment, i) => glob(segment).test(have[i] ?? ""));
}

function unskipped(validator: string, findings: readonly Finding[], skips: readonly Skip[]): string[] {
  return findings
    .filter(
      (f) =>
        !skips.some((s) => s.validator === validator && s.check === f.check && matches(s.object, f.object)),
    )
    .map((f) => `${f.object}: ${f.check}: ${f.message}`);
}

// ---- kubeconform -------------------------------------------------------------------------

interface AllowedKind {
  readonly kind: string;
  readonly reason: string;
}

function allowedKinds(): AllowedKind[] {
  const file = path.join(repoRoot, "verify", "kubeconform-allowlist.yaml");
  return ((parseYaml(fs.readFileSync(file, "utf8")) ?? []) as AllowedKind[]).filter(
    (k) => k.kind && k.reason,
  );
}

export function kubeconform(
  label: string,
  files: readonly string[],
  kubernetesVersion: string,
): ValidatorResult {
  if (files.length === 0) return { validator: label, objects: 0, failures: [] };
  const skip = allowedKinds().map((k) => k.kind);
  const args = [
    "-strict",
    "-verbose",
    "-output",
    "json",
    "-kubernetes-version",
    `${kubernetesVersion}.0`,
    "-schema-location",
    `${kubernetesSchemaRoot}/{{ .NormalizedKubernetesVersion }}-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    "-schema-location",
    `${crdSchemasDir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
    ...(skip.length > 0 ? ["-skip", skip.join(",")] : []),
    ...files,
  ];
  const result = offline(goToolPath("kubeconform"), args);
  const report = parseJson<{
    resources?: { filename: string; kind: string; name: string; status: string; msg: string }[];
  }>(result, "kubeconform");
  const resources = report.resources ?? [];
  const failures = resources
    .filter((r) => r.status === "statusInvalid" || r.status === "statusError")
    .map((r) => `${r.kind}/${r.name} (${path.basename(r.filename)}): ${r.msg}`);
  return { validator: label, objects: resources.length, failures };
}

// ---- kube-score --------------------------------------------------------------------------

interface KubeScoreObject {
  type_meta: { kind: string };
  object_meta: { name: string; namespace?: string };
  checks: {
    check: { id: string };
    grade: number;
    skipped: boolean;
    comments?: { summary: string }[] | null;
  }[];
}

export function kubeScore(
  label: string,
  files: readonly string[],
  kubernetesVersion: string,
  skips: readonly Skip[],
): ValidatorResult {
  if (files.length === 0) return { validator: label, objects: 0, failures: [] };
  const result = offline(goToolPath("kube-score"), [
    "score",
    "--output-format",
    "json",
    "--kubernetes-version",
    `v${kubernetesVersion}`,
    ...files,
  ]);
  if (!result.stdout.trim().startsWith("[") && result.stdout.trim() !== "null") {
    // kube-score refuses objects it cannot decode (e.g. a string where an int belongs): a failure.
    return {
      validator: label,
      objects: 0,
      failures: [`kube-score could not read the input: ${result.stderr.trim()}`],
    };
  }
  const objects = parseJson<KubeScoreObject[] | null>(result, "kube-score") ?? [];
  const findings = objects.flatMap((o) =>
    o.checks
      .filter((c) => !c.skipped && c.grade < 10)
      .map((c) => ({
        check: c.check.id,
        object: `${o.type_meta.kind}/${o.object_meta.namespace ?? "-"}/${o.object_meta.name}`,
        message: (c.comments ?? []).map((comment) => comment.summary).join("; ") || `grade ${c.grade}`,
      })),
  );
  return { validator: label, objects: objects.length, failures: unskipped("kube-score", findings, skips) };
}

// ---- istioctl analyze -------------------------------------------------------------------

interface IstioMessage {
  code: string;
  level: string;
  message: string;
  origin: string;
}

/** `istioctl analyze` over our files, offline (no cluster), in every namespace. Errors fail; warnings are notes. */
export function istioctlAnalyze(label: string, files: readonly string[]): ValidatorResult {
  const istioObjects = files.reduce(
    (sum, file) =>
      sum + (fs.readFileSync(file, "utf8").match(/^apiVersion: [a-z.]*istio\.io\//gm) ?? []).length,
    0,
  );
  if (istioObjects === 0) return { validator: label, objects: 0, failures: [] };
  const result = offline(goToolPath("istioctl"), [
    "analyze",
    "--use-kube=false",
    "--all-namespaces",
    "--output",
    "json",
    ...files,
  ]);
  // A file istioctl cannot parse (e.g. an enum value Istio does not know) is reported on stderr,
  // with exit code 0: it is a failure all the same.
  const unparsable = /could not be parsed|Error\(s\) adding files/.test(result.stderr + result.stdout)
    ? [
        `istioctl could not parse the input: ${(result.stderr || result.stdout).trim().split("\n").slice(0, 4).join(" ")}`,
      ]
    : [];
  const messages = unparsable.length > 0 ? [] : parseJson<IstioMessage[]>(result, "istioctl analyze");
  const describe = (m: IstioMessage) => `${m.origin}: ${m.code}: ${m.message}`;
  return {
    validator: label,
    objects: istioObjects,
    failures: [...unparsable, ...messages.filter((m) => m.level === "Error").map(describe)],
    notes: messages.filter((m) => m.level !== "Error").map(describe),
  };
}

// ---- checkov -----------------------------------------------------------------------------

export function checkov(label: string, dir: string, skips: readonly Skip[]): ValidatorResult {
  const result = offline(
    venvBin("checkov"),
    [
      "--directory",
      dir,
      "--framework",
      "kubernetes",
      "--output",
      "json",
      "--quiet",
      "--skip-download",
      "--compact",
    ],
    // No update check, no platform mapping download, and parse errors are failures.
    {
      CKV_SKIP_PACKAGE_UPDATE_CHECK: "true",
      BC_SKIP_MAPPING: "TRUE",
      CKV_PARSE_ERROR_FAIL: "true",
      CKV_CACHE_DIR: path.join(cacheDir, "checkov"),
    },
  );
  const parsed = parseJson<CheckovReport | CheckovReport[] | Record<string, never>>(result, "checkov");
  const reports = Array.isArray(parsed) ? parsed : "results" in parsed ? [parsed as CheckovReport] : [];
  const findings = reports.flatMap((report) =>
    report.results.failed_checks.map((f) => ({
      check: f.check_id,
      object: checkovObject(f.resource),
      message: f.check_name,
    })),
  );
  const parseErrors = reports
    .flatMap((r) => r.results.parsing_errors ?? [])
    .map((file) => `${file}: parse error`);
  const objects = reports.reduce((sum, r) => sum + (r.summary.resource_count ?? 0), 0);
  return { validator: label, objects, failures: [...parseErrors, ...unskipped("checkov", findings, skips)] };
}

interface CheckovReport {
  summary: { resource_count?: number };
  results: {
    failed_checks: { check_id: string; check_name: string; resource: string }[];
    parsing_errors?: string[];
  };
}

/** checkov names objects "Kind.namespace.name"; names may contain dots, namespaces cannot. */
function checkovObject(resource: string): string {
  const [kind, namespace, ...name] = resource.split(".");
  return name.length === 0 ? `${kind}/-/${namespace}` : `${kind}/${namespace}/${name.join(".")}`;
}

// ---- gator and opa -----------------------------------------------------------------------

const ignoredDirs = new Set(["node_modules", ".cache", "out", ".git"]);

export function findFiles(root: string, test: (name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !ignoredDirs.has(entry.name)) walk(path.join(dir, entry.name));
      else if (entry.isFile() && test(entry.name)) found.push(path.join(dir, entry.name));
    }
  };
  walk(root);
  return found.sort();
}

/**
 * `gator verify` on every Gatekeeper suite (suite.yaml) in the repository. A suite beside a
 * `template.rego` is staged with the ConstraintTemplate built by the admission component's own
 * code, so the suite tests the template that ships, not a copy.
 */
export function gatorVerify(root = repoRoot): ValidatorResult {
  const suites = findFiles(root, (name) => name === "suite.yaml");
  const failures = suites.flatMap((suite) => {
    const dir = stageSuite(path.dirname(suite));
    const result = offline(goToolPath("gator"), ["verify", dir]);
    return result.status === 0
      ? []
      : [`${path.relative(root, suite)}: ${(result.stdout + result.stderr).trim()}`];
  });
  const withoutSuite = templateSpecs
    .filter((spec) => !fs.existsSync(path.join(policiesDir, spec.folder, "suite.yaml")))
    .map((spec) => `components/admission/policies/${spec.folder}: template without a gator suite`);
  return {
    validator: "gator verify (Gatekeeper suites)",
    objects: suites.length,
    failures: [...withoutSuite, ...failures],
  };
}

function stageSuite(dir: string): string {
  const spec = templateSpecs.find((s) => path.join(policiesDir, s.folder) === dir);
  if (!spec) return dir;
  const staged = fs.mkdtempSync(path.join(os.tmpdir(), `zt-gator-${spec.folder}-`));
  fs.cpSync(dir, staged, { recursive: true });
  fs.writeFileSync(path.join(staged, "template.yaml"), stringifyYaml(constraintTemplate(spec)));
  return staged;
}

/** `opa test` on every folder holding Rego unit tests (*_test.rego). */
export function opaTest(root = repoRoot): ValidatorResult {
  const dirs = [
    ...new Set(findFiles(root, (name) => name.endsWith("_test.rego")).map((f) => path.dirname(f))),
  ];
  const failures = dirs.flatMap((dir) => {
    const result = offline(goToolPath("opa"), ["test", dir]);
    return result.status === 0
      ? []
      : [`${path.relative(root, dir)}: ${(result.stdout + result.stderr).trim()}`];
  });
  return { validator: "opa test (Rego helpers)", objects: dirs.length, failures };
}

function parseJson<T>(result: RunResult, tool: string): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `${tool} did not print JSON (exit ${result.status}): ${(result.stderr || result.stdout).slice(0, 2000)}`,
    );
  }
}
