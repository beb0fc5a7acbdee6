#!/bin/sh
# run-tool.sh TOOL ARGS...: runs a validator, or skips (77) when this machine
# lacks it, so a missing tool never looks like a pass.
tool=$1
shift
if ! command -v "$tool" >/dev/null 2>&1; then
  echo "$tool is not installed: skipped"
  exit 77
fi
exec "$tool" "$@"
