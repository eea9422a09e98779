#!/usr/bin/env bash
# A fleetcap sweep as a Slurm job array, then the merge (data/scenarios/README.md, Shards).
#   sbatch examples/batch/slurm-sweep.sh
# Each task reads its shard from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (--shard auto);
# {shard} in --out names its file. The merge job waits for the whole array (afterok).
#SBATCH --job-name=fleetcap-sweep
#SBATCH --array=0-63
#SBATCH --cpus-per-task=8
#SBATCH --output=fleetcap-sweep-%A-%a.log
set -euo pipefail
scenario=${SCENARIO:-layout-22b-64}
mkdir -p parts
fleetcap sweep "$scenario" --shard auto --out "parts/$scenario-{shard}.json"
# The last task to start submits the merge once every task has ended well.
if [ "${SLURM_ARRAY_TASK_ID}" = "${SLURM_ARRAY_TASK_MAX}" ]; then
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=fleetcap-merge \
    --wrap "fleetcap merge parts/$scenario-*.json --out $scenario.json"
fi
