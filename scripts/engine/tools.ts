/**
 * Builds the real-engine tools (components/versions.ts engineTools) from the wrapper modules in
 * engine/modules/<name>, each into its own folder under $ZT_CACHE_DIR/engine keyed by a hash of
 * the wrapper's files, the pin and the Go version: an unchanged tool is reused at once, a changed
 * pin or go.mod builds afresh. Go's own build cache makes a rebuild after a small change cheap.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineTools, type EngineTool } from "../../components/versions";
import { runOrThrow } from "../verify/exec";
import { cacheDir } from "../verify/paths";

export type EngineToolName = keyof typeof engineTools;
export const engineModulesDir = path.resolve(__dirname, "..", "..", "engine", "modules");
const engineDir = path.join(cacheDir, "engine");

function goVersion(): string {
  return execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
}

/** The wrapper's go.mod, go.sum and Go files, the pin and the Go version, hashed. */
function toolHash(name: EngineToolName, go: string): string {
  const hash = createHash("sha256").update(JSON.stringify(engineTools[name])).update(go);
  const dir = path.join(engineModulesDir, name);
  for (const file of fs.readdirSync(dir).sort())
    hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  return hash.digest("hex").slice(0, 16);
}

export function engineToolDir(name: EngineToolName, go = goVersion()): string {
  return path.join(engineDir, `${name}-${engineTools[name].version}-${toolHash(name, go)}`);
}

/** Every engine command's path, by command name. */
export function engineCommands(go = goVersion()): Record<string, string> {
  const commands: Record<string, string> = {};
  for (const name of Object.keys(engineTools) as EngineToolName[]) {
    const tool: EngineTool = engineTools[name];
    for (const command of Object.keys(tool.commands)) {
      commands[command] = path.join(engineToolDir(name, go), "bin", command);
    }
  }
  return commands;
}

function moduleDir(module: string, version: string, cwd: string): string {
  const out = execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], {
    cwd,
    encoding: "utf8",
  });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

/**
 * The provider's main package embeds files that upstream's go:generate writes (schema with the
 * version stamped in, and the compacted Terraform mapping). Files under the module cache cannot
 * be added to, so the module is copied into the build folder, the two files are written there the
 * way cmd/pulumi-resource-kubernetes/generate.go writes them, and the wrapper is pointed at the copy.
 */
function prepareProviderSource(buildDir: string, wrapperDir: string): void {
  const tool = engineTools["kubernetes-provider"];
  const source = path.join(buildDir, "provider-src");
  fs.rmSync(source, { recursive: true, force: true });
  fs.cpSync(moduleDir(tool.module, tool.version, wrapperDir), source, { recursive: true });
  execFileSync("chmod", ["-R", "u+w", source]);
  const cmd = path.join(source, "cmd", "pulumi-resource-kubernetes");
  const schema = JSON.parse(fs.readFileSync(path.join(cmd, "schema.json"), "utf8")) as Record<
    string,
    unknown
  >;
  schema["version"] = tool.version.replace(/^v/, "");
  fs.writeFileSync(path.join(cmd, "schema-embed.json"), JSON.stringify(schema));
  const mapping = JSON.parse(fs.readFileSync(path.join(cmd, "terraform-mapping.json"), "utf8")) as unknown;
  fs.writeFileSync(path.join(cmd, "terraform-mapping-embed.json"), JSON.stringify(mapping));
  runOrThrow("go", ["mod", "edit", `-replace=${tool.module}=../provider-src`], { cwd: wrapperDir });
}

/**
 * The Node.js host runs two helper scripts Pulumi ships beside it (dynamic providers and policy
 * packs); they are in the same sdk module's nodejs/dist.
 */
function copyNodejsHelpers(wrapperDir: string, binDir: string): void {
  const tool = engineTools["language-nodejs"];
  const dist = path.join(moduleDir(tool.module, tool.version, wrapperDir), "nodejs", "dist");
  for (const script of ["pulumi-resource-pulumi-nodejs", "pulumi-analyzer-policy"]) {
    fs.copyFileSync(path.join(dist, script), path.join(binDir, script));
    fs.chmodSync(path.join(binDir, script), 0o755);
  }
}

export function buildEngineTools(log: (line: string) => void = console.log): void {
  const go = goVersion();
  for (const name of Object.keys(engineTools) as EngineToolName[]) {
    const target = engineToolDir(name, go);
    const stamp = path.join(target, "built.json");
    if (fs.existsSync(stamp)) continue;
    const tool: EngineTool = engineTools[name];
    const started = Date.now();
    log(`building ${name} ${tool.version} (${Object.keys(tool.commands).join(", ")}) ...`);
    const buildDir = `${target}.build`;
    fs.rmSync(buildDir, { recursive: true, force: true });
    const wrapperDir = path.join(buildDir, "wrapper");
    fs.cpSync(path.join(engineModulesDir, name), wrapperDir, { recursive: true });
    if (name === "kubernetes-provider") prepareProviderSource(buildDir, wrapperDir);
    const binDir = path.join(buildDir, "bin");
    fs.mkdirSync(binDir, { recursive: true });
    for (const [command, pkg] of Object.entries(tool.commands)) {
      runOrThrow(
        "go",
        [
          "build",
          "-trimpath",
          "-ldflags",
          `-s -w ${tool.ldflags ?? ""}`.trim(),
          "-o",
          path.join(binDir, command),
          pkg,
        ],
        { cwd: wrapperDir, env: { CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false -mod=readonly" } },
      );
    }
    if (name === "language-nodejs") copyNodejsHelpers(wrapperDir, binDir);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    fs.renameSync(binDir, path.join(target, "bin"));
    fs.rmSync(buildDir, { recursive: true, force: true });
    const seconds = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(stamp, JSON.stringify({ tool: name, version: tool.version, go, seconds }, null, 2));
    log(`built ${name} in ${seconds}s`);
  }
}
