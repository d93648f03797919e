#!/usr/bin/env bash
# A sharded numa-lab sweep as a Slurm job array (docs/sharding.md).
#
#   bash docs/batch/slurm-sweep.sh SCENARIO.numa SHARDS [PARTS_DIR]
#
# run on a login node submits SHARDS array tasks (0 to SHARDS-1), each running
# `numa-lab run SCENARIO --shard auto/SHARDS` (K comes from SLURM_ARRAY_TASK_ID), and a merge job
# that starts once every task succeeded and writes PARTS_DIR/result.json, the bytes one
# `numa-lab run SCENARIO --format json` would give. PARTS_DIR (default numa-lab-parts) must be on
# a file system every node sees. NUMA_LAB is the command that runs the CLI: by default the
# project's container through Apptainer (build numa-lab.sif from docs/batch/Dockerfile:
# `apptainer build numa-lab.sif docker-daemon://numa-lab:0.1.0`); `NUMA_LAB=numa-lab` uses an
# installed one.
#
#SBATCH --job-name=numa-lab-sweep
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=numa-lab-%A_%a.log
set -euo pipefail

usage="usage: $0 SCENARIO.numa SHARDS [PARTS_DIR]"
scenario=${1:?$usage}
shards=${2:?$usage}
parts=${3:-numa-lab-parts}
# Split into words on purpose: "apptainer run --bind /data numa-lab.sif" is one command.
read -r -a numa_lab <<< "${NUMA_LAB:-apptainer run numa-lab.sif}"

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # One array task: one shard. Its part is named after K so a re-run replaces it.
  mkdir -p "$parts"
  exec "${numa_lab[@]}" run "$scenario" --shard "auto/$shards" --out "$parts/part-$SLURM_ARRAY_TASK_ID.json"
fi

if [ "${NUMA_LAB_MERGE:-}" = 1 ]; then
  # The merge job: refuses a missing, duplicated or foreign part, naming it.
  exec "${numa_lab[@]}" merge "$parts"/part-*.json --out "$parts/result.json"
fi

case $shards in
  ''|*[!0-9]*|0) echo "$0: SHARDS is a number of shards from 1, not '$shards'" >&2; exit 2 ;;
esac
# Submitting: the array, then the merge after every task of it succeeded (afterok).
array=$(sbatch --parsable --array="0-$((shards - 1))" "$0" "$scenario" "$shards" "$parts")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --job-name=numa-lab-merge --export=ALL,NUMA_LAB_MERGE=1 "$0" "$scenario" "$shards" "$parts")
echo "submitted shards as job $array (tasks 0-$((shards - 1))) and the merge as job ${merge%%;*}: $parts/result.json"
