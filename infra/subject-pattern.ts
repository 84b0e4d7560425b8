/**
 * Keyless signature subjects given as a regular expression. policy-controller v0.13.1 hands
 * subjectRegExp to cosign v2.5.0, which compiles it with Go's regexp (RE2) and accepts a
 * certificate when `regex.MatchString(san)` is true for one of its SANs
 * (sigstore/cosign@v2.5.0:pkg/cosign/verify.go CheckCertificatePolicy; policy-controller@v0.13.1:
 * pkg/webhook/validator.go checkOptsFromAuthority, pkg/apis/policy/v1beta1/clusterimagepolicy_validation.go
 * ValidateRegex). MatchString finds a match anywhere: an unanchored pattern trusts every subject
 * that merely contains it. Checked conservatively here: RE2 syntax JavaScript would read
 * differently (lookaround, backreferences, possessive or atomic groups, inline flags) is refused,
 * the rest must compile as a JavaScript RegExp.
 */

/** Literal characters a prod subject pattern must fix outside groups and classes. */
export const minimumLiteralCharacters = 12;

interface Scan {
  readonly unsupported?: string;
  readonly anchored: boolean;
  readonly literals: number;
}

const quantifierStart = new Set(["*", "+", "?", "{"]);
const meta = new Set([".", "^", "$", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "\\"]);

/** One pass over the pattern: constructs RE2 lacks, top-level anchoring and fixed literals. */
function scan(pattern: string): Scan {
  let depth = 0;
  let literals = 0;
  let topLevelAlternation = false;
  let unsupported: string | undefined;
  const note = (what: string) => (unsupported ??= what);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const next = pattern[i + 1];
    if (c === "\\") {
      if (next !== undefined && /[1-9]/.test(next)) note("a backreference (\\1…)");
      if (next === "k" && pattern[i + 2] === "<") note("a named backreference (\\k<…>)");
      // An escaped metacharacter is a literal; \d, \w, \s and friends are not.
      const literal = (next !== undefined && meta.has(next)) || next === "/" || next === "-";
      if (depth === 0 && literal && !optional(pattern, i + 2)) literals++;
      i++;
      continue;
    }
    if (c === "[") {
      i = classEnd(pattern, i);
      continue;
    }
    if (c === "(") {
      const head = pattern.slice(i + 1, i + 4);
      if (/^\?(=|!|<=|<!)/.test(head)) note("a lookaround ((?=…), (?!…), (?<=…), (?<!…))");
      else if (head.startsWith("?>")) note("an atomic group ((?>…))");
      else if (/^\?[a-zA-Z-]+[:)]/.test(head)) note("inline flags ((?i), (?m:…))");
      depth++;
      continue;
    }
    if (c === ")") {
      depth--;
      continue;
    }
    if (quantifierStart.has(c)) {
      const end = c === "{" ? pattern.indexOf("}", i) : i;
      if (end > 0 && pattern[end + 1] === "+") note("a possessive quantifier (*+, ++, ?+, {n}+)");
      if (c === "{" && end > 0) i = end;
      continue;
    }
    if (c === "|" && depth === 0) topLevelAlternation = true;
    if (depth === 0 && !meta.has(c) && !optional(pattern, i + 1)) literals++;
  }
  const endsWithDollar = pattern.endsWith("$") && trailingBackslashes(pattern.slice(0, -1)) % 2 === 0;
  return {
    ...(unsupported ? { unsupported } : {}),
    anchored: pattern.startsWith("^") && endsWithDollar && !topLevelAlternation,
    literals,
  };
}

/** A character followed by ?, * or {0,…} may be absent from a match, so it fixes nothing. */
function optional(pattern: string, at: number): boolean {
  const q = pattern[at];
  return q === "?" || q === "*" || (q === "{" && pattern[at + 1] === "0");
}

function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  return pattern.length;
}

function trailingBackslashes(text: string): number {
  let n = 0;
  while (text.endsWith("\\".repeat(n + 1))) n++;
  return n;
}

/** Why a subjectRegExp is refused (undefined when accepted); `strict` adds prod's specificity. */
export function subjectPatternProblem(pattern: string, strict: boolean): string | undefined {
  const result = scan(pattern);
  if (result.unsupported) {
    return `uses ${result.unsupported}, which Go's RE2 (policy-controller's regexp engine) does not support or this check cannot verify; rewrite it without`;
  }
  try {
    // RE2 spells named groups (?P<name>…) as well; JavaScript knows only (?<name>…).
    new RegExp(pattern.replace(/\(\?P</g, "(?<"));
  } catch (err) {
    return `does not compile: ${(err as Error).message}; fix the expression`;
  }
  if (!result.anchored) {
    return "is not anchored: policy-controller matches it anywhere in the certificate subject, so write ^…$ around the whole pattern (no top-level |), e.g. ^https://github\\.com/org/repo/\\.github/workflows/release\\.yml@refs/tags/v.+$";
  }
  if (strict && result.literals < minimumLiteralCharacters) {
    return `fixes only ${result.literals} literal characters outside groups and classes; prod needs at least ${minimumLiteralCharacters} (e.g. the repository URL of the signing workflow) so it names one signer, not a family of them`;
  }
  return undefined;
}
