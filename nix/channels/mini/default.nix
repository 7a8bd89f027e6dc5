# The fixed expression of the `mini` channel. User input never becomes Nix source: the selection is a JSON file read
# with builtins.fromJSON, and every name in it is checked against catalog.json before any derivation is touched.
#   nix-build nix/channels/mini/default.nix --argstr selectionFile /abs/selection.json
{ selectionFile, system ? "x86_64-linux" }:
let
  catalog = builtins.fromJSON (builtins.readFile ./catalog.json);
  components = builtins.fromJSON (builtins.readFile ./components.json);
  lock = builtins.fromJSON (builtins.readFile ./debs.lock.json);
  selection = import ./check.nix { inherit catalog; } (builtins.fromJSON (builtins.readFile selectionFile));
  mini = import ./packages.nix { inherit lock components system; };
in
mini.iso selection
