import { describe, expect, it } from 'vitest';
import { interpret } from './confirm.js';

describe('interpret (nix-instantiate --parse stderr)', () => {
  it('confirms a syntax error at its position', () => {
    expect(interpret("error: syntax error, unexpected ';'\n\n       at «stdin»:3:7:\n", '2.8.0')).toEqual({
      status: 'confirmed',
      detail: "nix-instantiate --parse: syntax error, unexpected ';'",
      nix: { line: 3, col: 7, message: "syntax error, unexpected ';'" },
      nix_version: '2.8.0',
    });
  });

  it('takes a failure without an error: line for no verdict (it confirmed the error with the message "rejected")', () => {
    expect(interpret('', '2.8.0')).toEqual({ status: 'unavailable', detail: 'nix-instantiate --parse failed without an error message', nix_version: '2.8.0' });
    expect(interpret('Segmentation fault\n', '2.8.0')).toMatchObject({ status: 'unavailable', detail: 'nix-instantiate --parse failed without an error message (it said: Segmentation fault)' });
  });
});
