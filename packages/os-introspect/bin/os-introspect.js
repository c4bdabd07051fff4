#!/usr/bin/env node
// Thin launcher: the compiled entry point lives in dist/ (built by `pnpm build`).
import '../dist/bin.js';
