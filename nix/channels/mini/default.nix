# The fixed expression of the `mini` channel. User input never becomes Nix source: the selection is a JSON file read
# with builtins.fromJSON, and every name in it is checked against catalog.json (roles) and archive.json (packages, generated
# by npm run pin:mini) before any derivation is touched.
#   nix-build nix/channels/mini/default.nix --argstr selectionFile /abs/selection.json
{ selectionFile, system ? "x86_64-linux" }:
let
  catalog = builtins.fromJSON (builtins.readFile ./catalog.json);
  components = builtins.fromJSON (builtins.readFile ./components.json);
  lock = builtins.fromJSON (builtins.readFile ./debs.lock.json);
  archive = (builtins.fromJSON (builtins.readFile ./archive.json)).packages;
  selection = import ./check.nix { inherit catalog archive; } (builtins.fromJSON (builtins.readFile selectionFile));
  mini = import ./packages.nix { inherit lock components archive system; };
in
mini.iso selection
