/**
 * The Pulumi engine's own rule for project-level config (Pulumi.yaml `config:`): a declared key
 * with no `default` must be set by every stack, or every command on that stack fails with "Stack
 * '<name>' is missing configuration value '<key>'" before the program runs. Source:
 * pulumi/pulumi sdk/go/common/workspace (ValidateStackConfigAndApplyProjectConfig, and its test
 * TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault). Modelled: keys in the
 * project's own namespace only, as Pulumi.yaml here declares no others.
 */
export interface ProjectConfigDeclaration {
  readonly type?: string;
  readonly default?: unknown;
}

/** The engine's error for every stack that misses a required project key. */
export function missingProjectConfig(
  project: string,
  declared: Readonly<Record<string, ProjectConfigDeclaration | string | number | boolean>>,
  stacks: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): string[] {
  const errors: string[] = [];
  for (const [key, declaration] of Object.entries(declared)) {
    // A bare value (`key: value`) is a default; only a declaration object without one is required.
    if (typeof declaration !== "object" || declaration === null || "default" in declaration) continue;
    for (const [stack, config] of Object.entries(stacks)) {
      if (!(`${project}:${key}` in config) && !(key in config)) {
        errors.push(`Stack '${stack}' is missing configuration value '${key}'`);
      }
    }
  }
  return errors.sort();
}
