/** Where verify keeps what it downloads and builds: .cache/ (git-ignored), keyed by version. */
import * as path from "node:path";
import { repoRoot } from "../../tests/harness/run";

export const cacheDir = process.env["ZT_CACHE_DIR"] ?? path.join(repoRoot, ".cache");
export const toolsDir = path.join(cacheDir, "tools");
export const venvDir = path.join(cacheDir, "venv");
/** A Go module cache of our own, so upstream data lives under .cache/ and can be wiped with it. */
export const goModCache = path.join(cacheDir, "gomod");
export const schemasDir = path.join(cacheDir, "schemas");
export const chartsDir = path.join(cacheDir, "charts");
