# A deliberately small stand-in for nixpkgs' `lib.evalModules`, written with builtins only, so
# that this example genome has no flake inputs and evaluates and builds offline, on Nix 2.8 as on
# current Nix. It keeps the shape a NixOS genome has (modules with `imports`, `options` and
# `config`; hosts that import modules and set options), and the same failure modes: an unknown
# option, a value of the wrong type and conflicting definitions are evaluation errors.
let
  inherit (builtins)
    all
    attrNames
    concatMap
    concatStringsSep
    elem
    filter
    foldl'
    head
    isAttrs
    isFunction
    isList
    isPath
    tail
    toJSON
    ;

  isOption = v: isAttrs v && (v._type or null) == "option";
  showPath = path: concatStringsSep "." path;
  getPath = path: set: foldl' (s: name: s.${name}) set path;
  hasPath =
    path: set:
    path == [ ] || (isAttrs set && set ? ${head path} && hasPath (tail path) set.${head path});
  setPath = path: value: if path == [ ] then value else { ${head path} = setPath (tail path) value; };

  types = {
    str = {
      name = "string";
      check = builtins.isString;
    };
    bool = {
      name = "boolean";
      check = builtins.isBool;
    };
    enum = values: {
      name = "one of ${toJSON values}";
      check = v: elem v values;
    };
    listOf = t: {
      name = "list of ${t.name}";
      check = v: isList v && all t.check v;
      merge = defs: concatMap (d: d) defs;
    };
    attrsOf = t: {
      name = "attribute set of ${t.name}";
      check = v: isAttrs v && all (n: t.check v.${n}) (attrNames v);
      merge = defs: foldl' (a: b: a // b) { } defs;
    };
    package = {
      name = "derivation";
      check = v: isAttrs v && (v.type or null) == "derivation";
    };
  };

  mkOption =
    {
      type,
      default ? null,
      description,
    }:
    {
      _type = "option";
      inherit type default description;
    };

  # Every module reachable from `modules` through `imports`, each called with the final `config`.
  collect =
    args: m:
    let
      value = if isPath m then import m else m;
      result = if isFunction value then value args else value;
    in
    [ result ] ++ concatMap (collect args) (result.imports or [ ]);

  # A module sets options under `config`, or, when it declares none, at its top level (the
  # NixOS shorthand that host configurations use).
  definitions =
    m: if m ? options || m ? config then m.config or { } else removeAttrs m [ "imports" ];

  # The option leaves of a declaration tree, as attribute paths.
  optionPaths =
    prefix: tree:
    concatMap (
      name:
      if isOption tree.${name} then [ (prefix ++ [ name ]) ] else optionPaths (prefix ++ [ name ]) tree.${name}
    ) (attrNames tree);

  # Fails on a definition that no module declared: the example's equivalent of NixOS's
  # "The option `...' does not exist".
  checkDefined =
    options: prefix: defs:
    all (
      name:
      let
        path = prefix ++ [ name ];
      in
      if !(hasPath path options) then
        throw "The option `${showPath path}' does not exist."
      else
        isOption (getPath path options) || checkDefined options path defs.${name}
    ) (attrNames defs);

  mergeOption =
    path: opt: defs:
    let
      values = map (getPath path) (filter (hasPath path) defs);
      merged =
        if values == [ ] then
          opt.default
        else if opt.type ? merge then
          opt.type.merge values
        else if all (v: v == head values) values then
          head values
        else
          throw "The option `${showPath path}' has conflicting definitions.";
    in
    if opt.type.check merged then
      merged
    else
      throw "The option `${showPath path}' has a value of the wrong type: expected ${opt.type.name}.";

  recursiveMerge =
    a: b:
    a
    // builtins.mapAttrs (
      n: v: if a ? ${n} && isAttrs v && isAttrs a.${n} && !(isOption v) then recursiveMerge a.${n} v else v
    ) b;

  evalConfig =
    { modules }:
    let
      modulesAll = concatMap (collect { inherit config lib; }) modules;
      options = foldl' recursiveMerge { } (map (m: m.options or { }) modulesAll);
      defs = map definitions modulesAll;
      values = map (p: setPath p (mergeOption p (getPath p options) defs)) (optionPaths [ ] options);
      config = builtins.seq (all (checkDefined options [ ]) defs) (foldl' recursiveMerge { } values);
    in
    {
      inherit config options;
    };

  lib = {
    inherit types mkOption evalConfig;
  };
in
lib
