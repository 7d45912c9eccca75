/**
 * How long a revealed payment secret or customer record stays on screen before it hides itself:
 * long enough to copy or read it, short enough that an unattended screen does not keep showing it.
 */
export const REVEAL_SECONDS = 30;
