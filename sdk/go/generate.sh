#!/usr/bin/env bash
# The Go client (package acusight) from the public OpenAPI document, sdk/openapi.json: openapi-generator's
# Go generator (Java 17+; the jar ships in PyPI's openapi-generator-cli, no download at run time), on the
# document as normalize.py leaves it. Standard library only: it builds with Go 1.19 and GOPROXY=off.
#
#   python3 -m venv /tmp/openapi-generator && /tmp/openapi-generator/bin/pip install openapi-generator-cli==7.26.0
#   OPENAPI_GENERATOR=/tmp/openapi-generator/bin/openapi-generator-cli sdk/go/generate.sh
#
# Only what the generator wrote last time (.openapi-generator/FILES) is replaced; smoke_test.go,
# README.md and these scripts are kept.
set -euo pipefail
cd "$(dirname "$0")"
GENERATOR=${OPENAPI_GENERATOR:-openapi-generator-cli}
VERSION=7.26.0
have=$("$GENERATOR" version 2>/dev/null || true)
[ "$have" = "$VERSION" ] || { echo "generate.sh: needs openapi-generator-cli $VERSION (found: ${have:-none})" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 normalize.py ../openapi.json "$work/openapi.json"
"$GENERATOR" generate -i "$work/openapi.json" -g go -o "$work/out" --package-name acusight \
  --git-user-id acusight --git-repo-id sdk-go \
  --additional-properties=withGoMod=true,enumClassPrefix=true \
  --global-property=apiTests=false,modelTests=false,apiDocs=false,modelDocs=false >"$work/log" 2>&1 \
  || { cat "$work/log" >&2; exit 1; }
cd "$work/out"
# Not the client: the generator's push script, CI file, README (its links point at docs not generated)
# and its copy of the document; no module is required, so no go.sum; the Go it compiles with is 1.19.
rm -f git_push.sh .travis.yml .gitignore README.md go.sum api/openapi.yaml
rmdir api 2>/dev/null || true
sed -i 's/^go 1\.[0-9.]*$/go 1.19/' go.mod
gofmt -w .
find . -type f ! -path './.openapi-generator/FILES' | sed 's#^\./##' | sort >.openapi-generator/FILES
cd - >/dev/null

if [ -f .openapi-generator/FILES ]; then
  while read -r stale; do rm -f "$stale"; done <.openapi-generator/FILES
fi
cp -r "$work/out/." .
GOFLAGS=-mod=mod GOPROXY=off go build ./...
echo "sdk/go: generated with openapi-generator $VERSION"
