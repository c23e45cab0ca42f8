#!/usr/bin/env bash
# Print DIR, or, when its path has a space or a colon (which Kbuild cannot
# build in), a link to it in the kernel cache whose path has none.
#
#   scripts/nospace.sh DIR
set -euo pipefail

case $1 in
*[[:space:]:]*)
	links=${XDG_CACHE_HOME:-$HOME/.cache}/sis/trees
	mkdir -p "$links"
	link=$links/$(printf '%s' "$1" | sha256sum | cut -c1-12)
	ln -sfn "$1" "$link"
	echo "$link"
	;;
*) echo "$1" ;;
esac
