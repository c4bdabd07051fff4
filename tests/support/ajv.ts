import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseRfc3339 } from '@autopoietic/core/canonical';

/** ajv's 2020-12 validator, strict, with date-time checked as RFC 3339 (what zod's z.iso.datetime accepts). */
export function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => parseRfc3339(s) !== undefined });
  return ajv;
}
