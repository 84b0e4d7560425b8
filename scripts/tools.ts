/** npm run tools: install the pinned validators and upstream data into .cache/ (idempotent). */
import { buildCheckers } from "./verify/checkers";
import { installTools } from "./verify/tools";
import { writeConstraintSchemas } from "./verify/constraint-schemas";
import { prepareKubernetesSchemas } from "./verify/k8s-schemas";
import { prepareUpstream } from "./verify/upstream";

const started = Date.now();
try {
  installTools();
  buildCheckers();
  prepareKubernetesSchemas();
  prepareUpstream();
  writeConstraintSchemas();
  console.log(`tools ready in ${Math.round((Date.now() - started) / 1000)}s`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
