/**
 * The policy vocabulary (ARCHITECTURE.md "Steps"): every measure a profile can propose and an agent can
 * take. The contract changes only by adding.
 */
export const STEPS = [
  "warn",
  "request_information",
  "notice_of_default",
  "suspend",
  "block",
  "remove_content",
  "downgrade",
  "terminate",
  "refer_to_authority",
  "provide_data",
  "no_action",
] as const;
export type Step = (typeof STEPS)[number];

/** SPEC C10: suspension, termination and data provision need a second person unless the profile waives it. */
export const SEVERE_STEPS: readonly Step[] = ["suspend", "terminate", "provide_data"];

/** How a step reads in a sentence about the past ("the first warning was sent on …"). */
export const STEP_NOUNS: Readonly<Record<Step, string>> = {
  warn: "warning",
  request_information: "request for information",
  notice_of_default: "notice of default",
  suspend: "suspension",
  block: "block",
  remove_content: "removal of content",
  downgrade: "downgrade",
  terminate: "termination",
  refer_to_authority: "referral to an authority",
  provide_data: "provision of data",
  no_action: "decision to take no action",
};

export function isStep(value: string): value is Step {
  return (STEPS as readonly string[]).includes(value);
}
