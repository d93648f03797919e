#!/bin/bash
# batch.sh LISTFILE : each line "case exp KEY=VAL ..."; runs sequentially, skips cases already done.
cd "$(dirname "$0")"
while read -r name exp args; do
  [ -z "$name" ] && continue; case "$name" in \#*) continue;; esac
  [ -s corpus/$name/summary.json ] && continue
  mkdir -p corpus/$name
  echo "=== $(date +%T) $name $exp $args" >> corpus/batch.log
  t0=$(date +%s)
  OUTROOT=$PWD/corpus/$name/runs ./run.sh $exp $args > corpus/$name/summary.tmp 2>> corpus/$name/stderr.log && mv corpus/$name/summary.tmp corpus/$name/summary.json
  echo "$exp $args" > corpus/$name/args.txt
  echo "=== $(date +%T) done $name in $(( $(date +%s) - t0 ))s" >> corpus/batch.log
done < "$1"
