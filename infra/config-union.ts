/**
 * Keys that take one of several forms. zod's plain union reports only "Invalid input"; this one
 * names every form and what the value lacks for each, so the fix is in the message.
 */
import { z } from "zod";

export interface Form<T extends z.ZodType = z.ZodType> {
  /** How the form is named in the error, e.g. "a cosign key {name, publicKey}". */
  readonly label: string;
  readonly schema: T;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length > 0 ? `${issue.path.map(String).join(".")} ` : "";
  if (issue.code === "unrecognized_keys") return `does not take ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return `${at}is missing`;
  return `${at}${issue.message.replace(/^Invalid input: /, "")}`.trim();
}

/** The union's message: each form, then what this value lacks for it. */
export function formsMessage(
  forms: readonly Form[],
  errors: readonly (readonly z.core.$ZodIssue[])[],
): string {
  const parts = forms.map((form, i) => `${form.label}: ${(errors[i] ?? []).map(describeIssue).join(", ")}`);
  return `matches none of its ${forms.length} forms; ${parts.join("; or ")}`;
}

export function oneOfForms<A extends z.ZodType, B extends z.ZodType>(forms: readonly [Form<A>, Form<B>]) {
  return z.union([forms[0].schema, forms[1].schema], {
    error: (issue) => (issue.code === "invalid_union" ? formsMessage(forms, issue.errors) : undefined),
  });
}
