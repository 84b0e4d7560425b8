/** Secret hygiene (C-SEC-4): no credential typed into a resource's plain inputs. */
import { UnknownValueError, type ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Where a secret value belongs. CrossGuard sees secret inputs unwrapped, so it cannot tell a
 * Pulumi secret from plain text; the rule is therefore that credentials live only in these stores,
 * and everything else references them (existingSecret, secretKeyRef, an ExternalSecret).
 */
const secretStores = [
  "kubernetes:core/v1:Secret",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "azure:keyvault/secret:Secret",
];

/**
 * Provider inputs that must receive a credential and have no write-only form in the pinned SDK; the
 * provider schema marks each secret, so Pulumi state holds it encrypted. Write-only inputs
 * (`passwordWo`, `secretStringWo`, `valueWo`) are the preferred form: they never reach state.
 */
const providerSecretInputs: Readonly<Record<string, readonly string[]>> = {
  "azure:postgresql/flexibleServer:FlexibleServer": ["administratorPassword"],
};

/** Key names (lower case, without - _ .) that hold a credential. "secret" and "token" only as the whole name. */
const exactNames = ["secret", "token", "pwd"];
const nameEndings = [
  "password",
  "passwd",
  "clientsecret",
  // Not "secretkey": ExternalSecret's data[].secretKey names a key of the target Secret.
  "secretaccesskey",
  "privatekey",
  "apikey",
  "apitoken",
  "authtoken",
  "accesstoken",
  "bearertoken",
];

export function isCredentialName(key: string): boolean {
  const name = key.toLowerCase().replace(/[-_.]/g, "");
  return exactNames.includes(name) || nameEndings.some((ending) => name.endsWith(ending));
}

const credentialPatterns: [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, "a PEM private key"],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key ID"],
];

/** Paths (never values) of credential-looking strings in a resource's inputs. */
export function plaintextCredentials(value: unknown, path = ""): string[] {
  if (typeof value === "string") {
    return credentialPatterns
      .filter(([pattern]) => pattern.test(value))
      .map(([, what]) => `${path || "."} holds ${what}`);
  }
  if (value === null || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const found: string[] = [];
  // Environment-style entries: { name: "DB_PASSWORD", value: "..." }.
  const entryName = readKnown(record, "name");
  const entryValue = readKnown(record, "value");
  if (
    typeof entryName === "string" &&
    isCredentialName(entryName) &&
    typeof entryValue === "string" &&
    entryValue !== ""
  )
    found.push(`${path}.value (${entryName}) is a credential in plain text`);
  for (const key of Object.keys(record)) {
    const child = readKnown(record, key);
    const childPath = path ? `${path}.${key}` : key;
    if (typeof child === "string" && child !== "" && isCredentialName(key))
      found.push(`${childPath} is a credential in plain text`);
    found.push(...plaintextCredentials(child, childPath));
  }
  return found;
}

/** A value computed at deploy time is not typed in by anyone: skip it rather than fail the preview. */
function readKnown(record: Record<string, unknown>, key: string): unknown {
  try {
    return record[key];
  } catch (err) {
    if (err instanceof UnknownValueError) return undefined;
    throw err;
  }
}

export const secretPolicies: ResourceValidationPolicy[] = [
  {
    name: "no-plaintext-credentials",
    description:
      "No resource input outside a secret store holds a credential: keys like password/token/secret/clientSecret with a value, PEM private keys, AWS access keys.",
    tags: ["C-SEC-4", "C-SEC-1"],
    validateResource: (args, report) => {
      if (secretStores.includes(args.type))
        return args.notApplicable("a secret store holds secrets by design");
      const allowed = providerSecretInputs[args.type] ?? [];
      for (const problem of plaintextCredentials(args.props)) {
        if (!allowed.some((key) => problem.startsWith(`${key} `))) report(problem);
      }
    },
  },
];
