# A stand-in for the few nixpkgs lib functions the modules under modules/core call, so that the
# *-without-nixpkgs.nix files can evaluate a module's assertions and service settings with plain
# Nix (this machine has no nixpkgs). Options are returned as written (their defaults are filled
# in by each of those files); mkIf keeps its condition beside its content; types are names.
{
  inherit (builtins) concatStringsSep;
  mkOption = option: option;
  mkEnableOption = description: {
    default = false;
    inherit description;
  };
  literalExpression = text: {
    _type = "literalExpression";
    inherit text;
  };
  mkIf = condition: content: { inherit condition content; };
  inherit (builtins) mapAttrs;
  filterAttrs =
    pred: set:
    let
      refused = builtins.filter (name: !pred name set.${name}) (builtins.attrNames set);
    in
    builtins.removeAttrs set refused;
  mkMerge = contents: contents;
  mkDefault = value: value;
  genAttrs =
    names: f:
    builtins.listToAttrs (
      map (name: {
        inherit name;
        value = f name;
      }) names
    );
  types = {
    bool = "bool";
    ints.positive = "ints.positive";
    listOf = _: "listOf";
    nonEmptyStr = "nonEmptyStr";
    str = "str";
    strMatching = _: "strMatching";
  };
}
