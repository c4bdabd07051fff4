/** The schema version written into every record this project produces (no zod: cheap to import). */
export const SCHEMA_VERSION = '0.1.0';
