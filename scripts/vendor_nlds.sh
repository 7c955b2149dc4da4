#!/usr/bin/env bash
# Refresh the vendored NL Design System CSS from the npm registry (`make nlds-css`).
# The built files are committed, so `make run` needs no npm; this script is only for a version bump:
# change a version below, run it, look at the pages (tests/browser) and commit the result.
set -euo pipefail

COMPONENTS_VERSION="${COMPONENTS_VERSION:-9.0.4}"   # @utrecht/component-library-css (EUPL-1.2)
TOKENS_VERSION="${TOKENS_VERSION:-7.4.1}"           # @nl-design-system-unstable/voorbeeld-design-tokens (EUPL-1.2)

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/safetyteams/static/vendor/nl-design-system"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "@utrecht/component-library-css@$COMPONENTS_VERSION" >/dev/null
npm pack --silent "@nl-design-system-unstable/voorbeeld-design-tokens@$TOKENS_VERSION" >/dev/null
mkdir components tokens
tar -xzf utrecht-component-library-css-"$COMPONENTS_VERSION".tgz -C components
tar -xzf nl-design-system-unstable-voorbeeld-design-tokens-"$TOKENS_VERSION".tgz -C tokens

rm -rf "$DEST"
mkdir -p "$DEST/component-library-css" "$DEST/voorbeeld-design-tokens"
# The components: one bundle of every Utrecht component's CSS (class names utrecht-*).
cp components/package/dist/index.css components/package/LICENSE.md components/package/package.json \
  "$DEST/component-library-css/"
# The tokens: the NL Design System's open example theme (class voorbeeld-theme); our own brand sits on
# top in safetyteams/static/css/theme.css. (@utrecht/design-tokens is Gemeente Utrecht's house style and
# not open for reuse, so it is not used.)
cp tokens/package/dist/theme.css tokens/package/LICENSE.md tokens/package/package.json \
  "$DEST/voorbeeld-design-tokens/"
cat > "$DEST/VERSIONS" <<VERSIONS
@utrecht/component-library-css $COMPONENTS_VERSION EUPL-1.2
@nl-design-system-unstable/voorbeeld-design-tokens $TOKENS_VERSION EUPL-1.2
VERSIONS
echo "NL Design System CSS refreshed in ${DEST#"$ROOT"/}:"
cat "$DEST/VERSIONS"
