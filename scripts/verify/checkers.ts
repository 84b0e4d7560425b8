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

export function missingCheckers(): string[] {
  return Object.keys(checkers).filter((name) => !fs.existsSync(checkerPath(name)));
}

export function buildCheckers(log: (line: string) => void = console.log): void {
  for (const name of Object.keys(checkers)) {
    const target = checkerPath(name);
    if (fs.existsSync(target)) continue;
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
