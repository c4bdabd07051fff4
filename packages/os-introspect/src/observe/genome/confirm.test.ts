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

  it('takes an error that names no place in the file for no verdict (a CI user who may not reach the Nix daemon)', () => {
    const daemon = 'error: getting status of /nix/var/nix/daemon-socket/socket: Permission denied\n';
    expect(interpret(daemon, '2.8.0')).toEqual({
      status: 'unavailable',
      detail: 'nix-instantiate --parse failed without placing an error in the file, so it gave no verdict on it (it said: getting status of /nix/var/nix/daemon-socket/socket: Permission denied)',
      nix_version: '2.8.0',
    });
    // A position in some other file is not one in the content given on stdin.
    expect(interpret("error: opening file '/etc/nix/x.nix'\n\n       at /etc/nix/x.nix:1:1:\n", '2.8.0')).toMatchObject({ status: 'unavailable' });
  });

  it("places an error at its own stdin line, not at another place its message names (Nix 2.26's duplicate attribute)", () => {
    const stderr = "error: attribute 'a' already defined at «stdin»:1:3\n       at «stdin»:1:10:\n            1| { a = 1; a = 2; }\n";
    expect(interpret(stderr, '2.26.3')).toMatchObject({ status: 'confirmed', nix: { line: 1, col: 10 } });
    expect(interpret("error: syntax error, unexpected ';', at (string):2:5\n", '2.3.16')).toMatchObject({ status: 'confirmed', nix: { line: 2, col: 5 } });
  });

  // It was "not-confirmed" (the file "parses"), so a file Nix will not load read as ok.
  it('confirms an undefined variable: Nix rejects the file, at the name', () => {
    const stderr = "error: undefined variable 'concatAttrs'\n\n       at «stdin»:32:5:\n\n           31|   in\n           32|     concatAttrs ([shouldNotRecurse] ++ recursedAttrs);\n";
    expect(interpret(stderr, '2.8.0')).toEqual({
      status: 'confirmed',
      detail: "nix-instantiate --parse: undefined variable 'concatAttrs'",
      nix: { line: 32, col: 5, message: "undefined variable 'concatAttrs'" },
      nix_version: '2.8.0',
    });
  });
});
