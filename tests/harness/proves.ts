/**
 * `proves(["C-TEN-1"], "tenant namespaces enforce PSA restricted", fn)` declares a test that proves
 * zero-trust controls. The IDs lead the test name, so the controls reporter and `npm run controls`
 * can join test results with the catalog (controls/catalog.ts). Unknown IDs are refused.
 */
import { test, type TestContext } from "node:test";
import { isControlId } from "../../controls/catalog";

export function proves(
  controlIds: readonly string[],
  title: string,
  fn: (t: TestContext) => Promise<void> | void,
): void {
  const unknown = controlIds.filter((id) => !isControlId(id));
  if (unknown.length > 0 || controlIds.length === 0) {
    throw new Error(`proves(): unknown or missing control IDs [${unknown.join(", ")}] for "${title}"`);
  }
  void test(`${controlIds.join(" ")}: ${title}`, fn);
}
