# Sourced by start.sh and test.sh: checks Node and installs the npm packages when they are missing or stale.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "[zxcv] error: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none)); install it, then run this again" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[zxcv] installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
