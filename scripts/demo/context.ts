import type { DemoOptions } from './options.js';
import type { ProposalInfo } from './proposals.js';
import type { Scratch } from './scratch.js';
import type { Tools } from './tools.js';

/** What the steps share: the options, the scratch layout, the CLIs and what earlier steps found. */
export interface DemoContext {
  opts: DemoOptions;
  repoRoot: string;
  scratch: Scratch;
  tools: Tools;
  target: string;
  vmCheck: string;
  proposals: ProposalInfo[];
  /** The value `autopoietic.identity.host` has in the target's configuration.nix, if it is a literal. */
  genomeHost: string | undefined;
  state: {
    verified?: ProposalInfo;
    promotionId?: string;
    changedOrgans?: string[];
    planFile?: string;
    seedFiles?: number;
    applied?: boolean;
    /** Each evidence bundle whose record is a command's output, and the file that output was kept in. */
    keptOutputs?: Record<string, string>;
  };
  /** Evidence files written so far (bundles, plan, self-state), in step order. */
  evidence: string[];
}
