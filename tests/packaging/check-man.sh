#!/bin/sh
# check-man.sh CLI PAGE...: every man page formats without a warning, and
# pepamo-cli(1) has a section for every command `pepamo-cli --help` lists.
set -u
cli=$1
shift
if ! command -v man >/dev/null 2>&1; then
  echo "man is not installed: skipped"
  exit 77
fi

status=0
for page in "$@"; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "$page: $warnings"
    status=1
  fi
  case "$page" in
    */pepamo-cli.1) cli_page=$page ;;
  esac
done

commands=$("$cli" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
if [ -z "$commands" ]; then
  echo "no commands in pepamo-cli --help"
  exit 1
fi
for command in $commands; do
  escaped=$(printf '%s' "$command" | sed 's/-/\\-/g')
  if ! grep -qF -e ".SS \"$escaped " -e ".SS \"$escaped\"" -e ".SS $escaped" "$cli_page"; then
    echo "pepamo-cli.1 has no section for the command $command"
    status=1
  fi
done
exit $status
