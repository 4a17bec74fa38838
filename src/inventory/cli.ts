import type { Command } from "commander";
import type { CliContext } from "../command.ts";

/** Placeholder: the commands of this part are being written. */
export function inventoryCommands(_program: Command, _cli: CliContext): void {}
