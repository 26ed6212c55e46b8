#!/usr/bin/env bash
# Records new and removed public API of the packed libraries in their PublicAPI.Unshipped.txt.
#
# Every library with a PublicAPI.Unshipped.txt beside its csproj is tracked by Microsoft.CodeAnalysis.PublicApiAnalyzers:
# RS0016 (public API not listed) and RS0017 (listed API no longer there) fail the build. After adding, changing or removing
# public API (or merging branches that did), run this script, review the diff of src/*/PublicAPI.Unshipped.txt, commit it.
#   eng/update-public-api.sh                 every tracked library
#   eng/update-public-api.sh Ppml.Kms ...    only these
#
# How: it builds the libraries with warnings not treated as errors and takes the analyzer's own entry text from each
# RS0016/RS0017 diagnostic (this covers source-generated API, e.g. a JsonSerializerContext, that `dotnet format` skips):
# RS0016 adds the entry; RS0017 removes an unshipped entry, or marks a shipped one *REMOVED* (a breaking change to review).
# See docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

projects=()
if [ $# -gt 0 ]; then
  for name in "$@"; do projects+=("$PWD/src/${name}/${name}.csproj"); done
else
  for unshipped in src/*/PublicAPI.Unshipped.txt; do
    dir=$(dirname "$unshipped")
    projects+=("$PWD/${dir}/$(basename "$dir").csproj")
  done
fi

log=$(mktemp)
traversal=$(mktemp --suffix=.proj)
trap 'rm -f "$log" "$traversal"' EXIT
# One MSBuild run over every library (each alone would pay for evaluation and the up-to-date checks again).
{
  echo '<Project><ItemGroup>'
  for project in "${projects[@]}"; do echo "<Library Include=\"$project\" />"; done
  echo '</ItemGroup>'
  echo '<Target Name="RestoreLibraries"><MSBuild Projects="@(Library)" Targets="Restore" Properties="Configuration=Release" /></Target>'
  echo '<Target Name="Build"><MSBuild Projects="@(Library)" Targets="Build" BuildInParallel="true" Properties="Configuration=Release;TreatWarningsAsErrors=false;WarningsAsErrors=" /></Target>'
  echo '</Project>'
} > "$traversal"
# Restore in its own run: a build must evaluate the projects after their restore, not before.
dotnet msbuild "$traversal" -t:RestoreLibraries -nologo -v:quiet
for pass in 1 2; do
  for project in "${projects[@]}"; do
    [ -f "$project" ] || { echo "update-public-api: no project $project" >&2; exit 2; }
    # The API files are compiler inputs: touching them makes each library compile again and report every diagnostic.
    touch "$(dirname "$project")"/PublicAPI.*.txt
  done
  echo "update-public-api: pass $pass: building ${#projects[@]} libraries" >&2
  dotnet msbuild "$traversal" -t:Build -nologo -v:quiet -clp:NoSummary > "$log" 2>&1 || true

  changed=0
  # "path(l,c): warning RS0016: Symbol 'ENTRY' is not part of the declared public API (...) [/abs/Project.csproj]"
  while IFS=$'\t' read -r id entry project; do
    unshipped="$(dirname "$project")/PublicAPI.Unshipped.txt"
    [ -f "$unshipped" ] || continue
    if [ "$id" = RS0016 ]; then
      grep -qxF -- "$entry" "$unshipped" || { printf '%s\n' "$entry" >> "$unshipped"; changed=1; }
    elif grep -qxF -- "$entry" "$unshipped"; then
      grep -vxF -- "$entry" "$unshipped" > "$unshipped.tmp" || true
      mv "$unshipped.tmp" "$unshipped"; changed=1
    else
      grep -qxF -- "*REMOVED*$entry" "$unshipped" || { printf '*REMOVED*%s\n' "$entry" >> "$unshipped"; changed=1; }
    fi
  done < <(sed -nE "s/.*(RS0016|RS0017): Symbol '(.*)' is (not )?part of the declared.*\[([^]]*\.csproj)\].*/\1\t\2\t\4/p" "$log" | sort -u)

  # Keep each file as the analyzer's code fix would: the #nullable header, then the entries sorted.
  for project in "${projects[@]}"; do
    unshipped="$(dirname "$project")/PublicAPI.Unshipped.txt"
    { echo '#nullable enable'; grep -vx '#nullable enable' "$unshipped" | grep -v '^$' | LC_ALL=C sort -u || true; } > "$unshipped.tmp"
    mv "$unshipped.tmp" "$unshipped"
  done

  if [ "$changed" -eq 0 ]; then break; fi
done

if grep -E "error |RS001[67]" "$log" >&2; then
  echo "update-public-api: the build still reports the errors above" >&2
  exit 1
fi
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt' || true
