/** The autonomy ladder, lowest first: what a host lets the tools do (docs/evidence.md, "Autonomy mode"). */
export const AUTONOMY_MODES = ['observe-only', 'mutate-draft', 'mutate-vm', 'mutate-live', 'autopoiesis'] as const;
