/**
 * Installs the pinned validators (components/versions.ts) into .cache/: Go tools with
 * `go install`, one folder per tool and version; Python tools into one virtualenv. Idempotent:
 * a second run finds everything in place and returns at once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { goTools, pythonTools, type GoTool } from "../../components/versions";
import { runOrThrow } from "./exec";
import { toolsDir, venvDir } from "./paths";

export type GoToolName = keyof typeof goTools;

export function goToolPath(name: GoToolName): string {
  const tool: GoTool = goTools[name];
  return path.join(toolsDir, `${name}-${tool.version}`, name);
}

export function venvBin(command: string): string {
  return path.join(venvDir, "bin", command);
}

const venvStamp = () => path.join(venvDir, "zt-pinned.json");
const pinnedPython = () => JSON.stringify(pythonTools);

export function missingTools(): string[] {
  const missing = (Object.keys(goTools) as GoToolName[]).filter((name) => !fs.existsSync(goToolPath(name)));
  const venvCurrent = fs.existsSync(venvStamp()) && fs.readFileSync(venvStamp(), "utf8") === pinnedPython();
  return venvCurrent ? missing : [...missing, ...Object.keys(pythonTools)];
}

export function installTools(log: (line: string) => void = console.log): void {
  for (const name of Object.keys(goTools) as GoToolName[]) {
    const target = goToolPath(name);
    if (fs.existsSync(target)) continue;
    const tool: GoTool = goTools[name];
    const started = Date.now();
    const pkg = tool.pkg ? `${tool.module}/${tool.pkg}` : tool.module;
    log(`building ${name} ${tool.version} (go install ${pkg}@${tool.version}) ...`);
    const binDir = path.dirname(target);
    runOrThrow("go", ["install", "-trimpath", `${pkg}@${tool.version}`], {
      env: { GOBIN: binDir, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false -modcacherw" },
    });
    if (!fs.existsSync(target)) throw new Error(`go install did not produce ${target}`);
    log(`built ${name} in ${Math.round((Date.now() - started) / 1000)}s`);
  }

  if (missingTools().length === 0) return;
  const started = Date.now();
  log(
    `installing ${Object.entries(pythonTools)
      .map(([p, v]) => `${p}==${v}`)
      .join(" ")} into ${venvDir} ...`,
  );
  fs.rmSync(venvDir, { recursive: true, force: true });
  runOrThrow("python3", ["-m", "venv", venvDir]);
  runOrThrow(venvBin("pip"), [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    ...Object.entries(pythonTools).map(([pkg, version]) => `${pkg}==${version}`),
  ]);
  fs.writeFileSync(venvStamp(), pinnedPython());
  log(`installed Python tools in ${Math.round((Date.now() - started) / 1000)}s`);
}

/** The Kubernetes JSON schemas shipped by kubernetes-validate (kubeconform's -schema-location). */
export function kubernetesSchemasDir(): string {
  const libDir = path.join(venvDir, "lib");
  const python = fs.readdirSync(libDir).find((d) => d.startsWith("python"));
  if (!python) throw new Error(`no python lib folder in ${libDir}; run npm run tools`);
  return path.join(libDir, python, "site-packages", "kubernetes_validate", "kubernetes-json-schema");
}
