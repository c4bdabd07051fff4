/** What the demo reports: one result per pipeline step, printed as text and available as JSON. */

export interface CommandRecord {
  /** The command line as a user would type it (CLI name, then its arguments). */
  argv: string[];
  exit: number;
  ms: number;
}

/** One sub-result of a step, e.g. one proposal in the verify step. */
export interface ItemResult {
  label: string;
  ok: boolean;
  status: string;
  expected?: string;
  reason: string;
  evidence: string[];
}

export interface StepResult {
  n: number;
  phase: string;
  title: string;
  /** ok: did what it should; failed: did not; skipped: could not run (a prerequisite failed). */
  outcome: 'ok' | 'failed' | 'skipped';
  /** The gate's own status (verified, promoted, all-matched, ...) or a short word. */
  status: string;
  reason: string;
  evidence: string[];
  items: ItemResult[];
  commands: CommandRecord[];
  ms: number;
}

export interface DemoSummary {
  ok: boolean;
  genome: string;
  scratch_dir: string;
  kept: boolean;
  genome_copy: string;
  memory_dir: string;
  target_root: string;
  evidence: string[];
  ledgers: string[];
  steps: StepResult[];
  ms: number;
}

/** A step that cannot do what it should: becomes a failed step with this reason and hint. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** A step whose prerequisite is missing (an earlier step failed). */
export class StepSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepSkipped';
  }
}
