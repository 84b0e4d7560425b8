/** npm run engine:tools: build (or reuse) the real-engine tools into $ZT_CACHE_DIR/engine. */
import { buildEngineTools } from "./engine/tools";

const started = Date.now();
try {
  buildEngineTools();
  console.log(`engine tools ready in ${Math.round((Date.now() - started) / 1000)}s`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
