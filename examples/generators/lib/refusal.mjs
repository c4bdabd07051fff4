/**
 * A generator's deliberate "no proposal", with the exit code it means (README.md): 2 bad input
 * (flags, stdin), 3 nothing to propose for this goal. Anything else thrown is exit 1.
 */
export class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
