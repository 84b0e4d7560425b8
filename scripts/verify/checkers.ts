/**
 * Builds and runs our Go checkers (components/versions.ts `checkers`, sources in tools/<name>).
 * Each reads one JSON document on stdin and writes one on stdout; verify runs them offline.
 * A build is keyed by a hash of the checker's folder, so an edit rebuilds and a rerun reuses.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkers, type Checker } from "../../components/versions";
import { repoRoot } from "../../tests/harness/run";
import { runOrThrow } from "./exec";
import { goModCache, toolsDir } from "./paths";
import { offline } from "./validators";

export type CheckerName = string;

function checkerOf(name: CheckerName): Checker {
  const checker = (checkers as Readonly<Record<string, Checker>>)[name];
  if (!checker) throw new Error(`no checker ${name} in components/versions.ts checkers`);
  return checker;
}

function sourceHash(checker: Checker): string {
  const dir = path.join(repoRoot, checker.dir);
  const hash = crypto.createHash("sha256");
  for (const file of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, file);
    if (!fs.statSync(full).isFile()) continue;
    hash.update(file).update("\0").update(fs.readFileSync(full)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

export function checkerPath(name: CheckerName): string {
  const checker = checkerOf(name);
  return path.join(toolsDir, `${name}-${sourceHash(checker)}`, name);
}

/**
 * Where a checker's go.mod and its `requires` in components/versions.ts disagree: a direct
 * requirement missing from either side or at another version. Read with `go mod edit -json`, Go's
 * own go.mod parser. Empty when they agree.
 */
export function requirementDrift(requires: Readonly<Record<string, string>>, dir: string): string[] {
  const mod = JSON.parse(runOrThrow("go", ["mod", "edit", "-json"], { cwd: dir })) as {
    Require: { Path: string; Version: string; Indirect?: boolean }[] | null;
  };
  const direct = new Map((mod.Require ?? []).filter((r) => !r.Indirect).map((r) => [r.Path, r.Version]));
  const drift: string[] = [];
  for (const [module, version] of Object.entries(requires)) {
    const found = direct.get(module);
    if (found === undefined)
      drift.push(`${module}: versions.ts pins ${version}, go.mod does not require it directly`);
    else if (found !== version)
      drift.push(`${module}: versions.ts pins ${version}, go.mod requires ${found}`);
  }
  for (const [module, version] of direct) {
    if (!(module in requires))
      drift.push(`${module}: go.mod requires ${version}, versions.ts does not pin it`);
  }
  return drift;
}

function assertRequirementsAgree(name: CheckerName): void {
  const checker = checkerOf(name);
  const drift = requirementDrift(checker.requires, path.join(repoRoot, checker.dir));
  if (drift.length > 0) {
    throw new Error(
      `checker ${name}: ${checker.dir}/go.mod and components/versions.ts checkers["${name}"].requires disagree:\n  ` +
        `${drift.join("\n  ")}\nEdit both to the same versions (then \`go mod tidy\` in ${checker.dir}).`,
    );
  }
}

export function missingCheckers(): string[] {
  return Object.keys(checkers).filter((name) => !fs.existsSync(checkerPath(name)));
}

export function buildCheckers(log: (line: string) => void = console.log): void {
  for (const name of Object.keys(checkers)) {
    const target = checkerPath(name);
    if (fs.existsSync(target)) continue;
    assertRequirementsAgree(name);
    const checker = checkerOf(name);
    const started = Date.now();
    log(`building checker ${name} (${checker.engine}) from ${checker.dir} ...`);
    runOrThrow("go", ["build", "-trimpath", "-mod=readonly", "-o", target, "."], {
      cwd: path.join(repoRoot, checker.dir),
      env: { CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false -modcacherw", GOMODCACHE: goModCache },
    });
    log(`built ${name} in ${Math.round((Date.now() - started) / 1000)}s`);
  }
}

/** Runs a checker offline on one JSON request and parses its JSON answer. */
export function runChecker<Answer>(name: CheckerName, request: unknown): Answer {
  const result = offline(checkerPath(name), [], {}, JSON.stringify(request));
  if (result.status !== 0) throw new Error(`checker ${name} failed: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as Answer;
}
