/**
 * npm run docs:config            regenerate docs/configuration.md from the config schema
 * npm run docs:config -- --check fail (exit 1) when the checked-in file is not what the schema gives
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { configDocPath, renderConfigDocs } from "./lib/config-docs";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const generated = await renderConfigDocs();
  const file = path.relative(process.cwd(), configDocPath);
  if (!values.check) {
    fs.writeFileSync(configDocPath, generated);
    console.log(`wrote ${file}`);
    return 0;
  }
  const current = fs.existsSync(configDocPath) ? fs.readFileSync(configDocPath, "utf8") : "";
  if (current === generated) {
    console.log(`${file} is current`);
    return 0;
  }
  console.error(
    `${file} is stale: it no longer matches infra/config-schema.ts, the loader's defaults or ` +
      `docs/templates/configuration-header.md. Run \`npm run docs:config\` and commit the result.`,
  );
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
