/** The tool version (package.json), shown by --version and part of every cache key. */
export const TOOL_VERSION = '0.1.0';
