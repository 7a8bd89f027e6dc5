# Refuses a selection whose names are not all in the catalog, naming the culprit. The TypeScript side validates
# first; this keeps the expression safe on its own.
# `archive`: the mini channel's generated packages (an attribute set by name); other channels list theirs in the catalog.
{ catalog, archive ? builtins.listToAttrs (map (p: { name = p.id; value = p; }) catalog.packages) }:
selection:
let
  inherit (builtins) all any attrNames elem filter length map throw;
  roleIds = map (r: r.id) catalog.roles;
  roleById = id: builtins.head (filter (r: r.id == id) catalog.roles);
  checkRole = id:
    if !(elem id roleIds) then throw "zxcv: unknown role \"${id}\""
    else let alt = selection.roles.${id}; in
      if !(builtins.isString alt) || !(any (a: a.id == alt) (roleById id).alternatives)
      then throw "zxcv: role ${id} has no alternative \"${toString alt}\""
      else true;
  checkPackage = p:
    if builtins.isString p && archive ? ${p} then true else throw "zxcv: unknown package \"${toString p}\"";
  missing = filter (id: !(selection.roles ? ${id})) roleIds;
in
if selection.channel or null != catalog.channel then throw "zxcv: the selection is not for the ${catalog.channel} channel"
else if missing != [ ] then throw "zxcv: no alternative chosen for role ${builtins.head missing}"
else if all checkRole (attrNames selection.roles) && all checkPackage selection.packages then selection
else throw "zxcv: invalid selection"
