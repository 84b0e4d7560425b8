// Pulumi entry point. Pulumi calls an exported function and uses its result as the stack outputs.
import { runProgram } from "./program";

export = runProgram;
