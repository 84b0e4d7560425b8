// A node:test reporter that records, for every test whose name carries control IDs, whether it
// passed. `npm run controls` joins this with the catalog. Written as JSON to the destination
// given by --test-reporter-destination (out/test-results/controls.json).
// Only the leading IDs count ("C-TEN-5 C-ID-4: title", as proves() writes them): a test that merely
// mentions a control in its title (e.g. "refuses prod with a public endpoint (weakens C-CL-1)")
// does not prove it.
const leadingIds = /^((?:C-[A-Z]+-\d+ )*C-[A-Z]+-\d+): /;

export default async function* controlsReporter(source) {
  const results = [];
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { name, file, details } = event.data;
    if (details?.type === "suite") continue;
    const ids = leadingIds.exec(name)?.[1].split(" ") ?? [];
    if (ids.length === 0) continue;
    results.push({
      name,
      file: file ?? null,
      passed: event.type === "test:pass",
      controls: [...new Set(ids)],
    });
  }
  results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  yield `${JSON.stringify({ results }, null, 2)}\n`;
}
