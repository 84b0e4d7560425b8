/**
 * A structural check of a Falco rules file: each item is one list, macro or rule with its required
 * fields; priorities are Falco's; every bare name a condition uses is a list or macro defined
 * earlier in the file (Falco resolves them in order); every rule names the control it serves.
 * Conditions keep literal values quoted, so a bare word is always a reference.
 */
import { parse } from "yaml";

const priorities = new Set([
  "EMERGENCY",
  "ALERT",
  "CRITICAL",
  "ERROR",
  "WARNING",
  "NOTICE",
  "INFORMATIONAL",
  "DEBUG",
]);
const keywords = new Set([
  "and",
  "or",
  "not",
  "in",
  "intersects",
  "pmatch",
  "exists",
  "contains",
  "icontains",
  "bcontains",
  "startswith",
  "bstartswith",
  "endswith",
  "glob",
  "iglob",
  "regex",
  "true",
  "false",
]);

type Item = Record<string, unknown>;

export function checkFalcoRules(text: string): string[] {
  const items = (parse(text) ?? []) as Item[];
  const problems: string[] = [];
  const defined = new Set<string>();
  items.forEach((item, index) => {
    const kinds = ["list", "macro", "rule"].filter((k) => k in item);
    const named = item[kinds[0] ?? "rule"];
    const label = `item ${index} (${typeof named === "string" ? named : "?"})`;
    if (kinds.length !== 1) {
      problems.push(`${label}: must be exactly one of list, macro, rule`);
      return;
    }
    const kind = kinds[0] as string;
    const name = String(item[kind]);
    if (kind === "list") {
      if (!Array.isArray(item["items"])) problems.push(`${label}: list without items`);
    } else {
      const condition = item["condition"];
      if (typeof condition !== "string" || condition.trim() === "") {
        problems.push(`${label}: no condition`);
      } else {
        for (const ref of references(condition)) {
          if (!defined.has(ref))
            problems.push(`${label}: condition uses "${ref}", which is not a list or macro defined above`);
        }
      }
    }
    if (kind === "rule") {
      for (const field of ["desc", "output", "priority"]) {
        const value = item[field];
        if (typeof value !== "string" || value.trim() === "") problems.push(`${label}: no ${field}`);
      }
      if (!priorities.has(String(item["priority"]).toUpperCase()))
        problems.push(`${label}: unknown priority ${String(item["priority"])}`);
      const tags = (item["tags"] ?? []) as string[];
      if (!tags.some((t) => /^C-[A-Z]+-\d+$/.test(t))) problems.push(`${label}: no control tag`);
      if (!/Trigger:/.test(String(item["desc"])))
        problems.push(`${label}: desc does not document its trigger`);
    }
    if (kind !== "rule") defined.add(name);
  });
  return problems;
}

/** Bare words of a condition: not quoted, not a field (fields contain a dot), not an operator. */
export function references(condition: string): string[] {
  const unquoted = condition.replace(/"[^"]*"|'[^']*'/g, " ");
  const words = unquoted.match(/[A-Za-z_][A-Za-z0-9_.[\]]*/g) ?? [];
  return [...new Set(words.filter((w) => !w.includes(".") && !keywords.has(w.toLowerCase())))];
}
