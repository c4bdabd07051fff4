# What os-introspect observes by default: /etc/autopoietic/observation.json.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.autopoietic;
  inherit (lib) mkOption types;
  json = pkgs.formats.json { };
  file = json.generate "autopoietic-observation.json" {
    project_roots = cfg.observation.projectRoots;
    include_shell_history_by_default = cfg.observation.includeShellHistoryByDefault;
  };
in
{
  options.autopoietic.observation = {
    projectRoots = mkOption {
      type = types.listOf (types.strMatching "/.*");
      default = [ ];
      example = [ "/home/user/projects" ];
      description = ''
        Absolute directories os-introspect summarises as projects when no --project-root is
        given. A root that does not exist is reported as missing, not treated as an error.
      '';
    };

    includeShellHistoryByDefault = mkOption {
      type = types.bool;
      default = false;
      description = "Whether os-introspect reads shell history without --include-shell-history.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."autopoietic/observation.json".source = file;
  };

  meta.maintainers = [ ];
}
