/**
 * Which tests claim to prove which controls, read from the test sources themselves
 * (`proves([...ids], "title", ...)` in tests/**\/*.test.ts). Deterministic: it depends only on
 * the repository, so a render's summary.md is the same from run to run.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface ControlClaim {
  readonly controlId: string;
  /** The full test name as node:test reports it: "<IDs>: <title>". */
  readonly testName: string;
  readonly file: string;
}

const provesCall = /proves\(\s*\[([^\]]*)\]\s*,\s*(["'`])((?:\\.|(?!\2)[^\\])*)\2/g;

export function testFiles(testsDir: string): string[] {
  if (!fs.existsSync(testsDir)) return [];
  return fs
    .readdirSync(testsDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".test.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export function readClaims(repoRoot: string): ControlClaim[] {
  return testFiles(path.join(repoRoot, "tests")).flatMap((file) => {
    const source = fs.readFileSync(file, "utf8");
    return [...source.matchAll(provesCall)].flatMap((match) => {
      const ids = [...(match[1] ?? "").matchAll(/["'`](C-[A-Z]+-\d+)["'`]/g)].map((m) => m[1] ?? "");
      const testName = `${ids.join(" ")}: ${match[3] ?? ""}`;
      return ids.map((controlId) => ({ controlId, testName, file: path.relative(repoRoot, file) }));
    });
  });
}
