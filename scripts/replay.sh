#!/usr/bin/env bash
# Send a pipeline's dead letters back through it, once the cause of the failures is fixed
# (docs/operations.md).
#
#   scripts/replay.sh <env> <pipeline>
#
# Queue mode: an SQS message move task from the pipeline's DLQ back to its queue; SQS moves the
# messages and the function receives them as usual. Direct mode: each record of the function's
# on-failure destination (its async DLQ) is re-invoked synchronously with the event it holds,
# and deleted only when that invocation succeeds; a failure stays in the DLQ for the next try.
set -euo pipefail
script=replay
# shellcheck source=scripts/lib/environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/environment.sh"
# shellcheck source=scripts/lib/operations.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/operations.sh"

# A received record stays invisible this long, so one run never re-invokes it twice.
VISIBILITY_TIMEOUT_S=900
# An upper bound on receive calls, so a DLQ that keeps filling cannot keep us here forever.
MAX_RECEIVES=1000

usage() {
  echo "usage: scripts/replay.sh <env> <pipeline>" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
pipeline="$2"
need jq "Install jq (https://jqlang.org/)."
parse_environment_args "$1"
load_pipeline "${pipeline}"
delivery="$(jq -r .delivery <<<"${pipeline_json}")"
outputs="$(terraform_outputs)"
need aws "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and configure credentials."

queue_arn() {
  aws sqs get-queue-attributes --region "${region}" --queue-url "$1" --attribute-names QueueArn \
    --query Attributes.QueueArn --output text
}

if [[ "${delivery}" == queue ]]; then
  # shellcheck disable=SC2016 # $p is jq's variable (the pipeline), not the shell's.
  queue_url="$(output_value "${outputs}" '.queues.value[$p].url')"
  # shellcheck disable=SC2016
  dlq_url="$(output_value "${outputs}" '.queues.value[$p].dlq_url')"
  source_arn="$(queue_arn "${dlq_url}")"
  destination_arn="$(queue_arn "${queue_url}")"
  echo "==> aws sqs start-message-move-task (${source_arn} -> ${destination_arn})"
  handle="$(aws sqs start-message-move-task --region "${region}" --source-arn "${source_arn}" \
    --destination-arn "${destination_arn}" --query TaskHandle --output text)"
  echo "move task ${handle} started"
  echo "watch it: aws sqs list-message-move-tasks --region ${region} --source-arn ${source_arn}"
  exit 0
fi

# shellcheck disable=SC2016
function_arn="$(output_value "${outputs}" '.functions.value[$p].target_arn')"
# shellcheck disable=SC2016
dlq_url="$(output_value "${outputs}" '.functions.value[$p].dlq_url')"
work="$(mktemp -d "${TMPDIR:-/tmp}/s3p-replay.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

replayed=0
failed=0
echo "==> re-invoking ${function_arn} for each record of ${dlq_url}"
for ((receive = 0; receive < MAX_RECEIVES; receive++)); do
  batch="$(aws sqs receive-message --region "${region}" --queue-url "${dlq_url}" \
    --max-number-of-messages 10 --visibility-timeout "${VISIBILITY_TIMEOUT_S}" \
    --wait-time-seconds 1 --output json)"
  # An empty queue answers no Messages, which the CLI prints as nothing at all.
  [[ -n "${batch}" ]] || break
  count="$(jq '.Messages // [] | length' <<<"${batch}")"
  ((count > 0)) || break
  for ((i = 0; i < count; i++)); do
    message="$(jq -c ".Messages[${i}]" <<<"${batch}")"
    receipt="$(jq -r .ReceiptHandle <<<"${message}")"
    # The destination's record holds the original event as requestPayload.
    jq -c '.Body | fromjson | .requestPayload' <<<"${message}" >"${work}/event.json"
    answer="$(aws lambda invoke --region "${region}" --function-name "${function_arn}" \
      --invocation-type RequestResponse --payload "fileb://${work}/event.json" \
      --output json "${work}/response.json")"
    if [[ "$(jq -r '.FunctionError // empty' <<<"${answer}")" == "" ]]; then
      aws sqs delete-message --region "${region}" --queue-url "${dlq_url}" --receipt-handle "${receipt}"
      replayed=$((replayed + 1))
      echo "replayed  $(jq -r .MessageId <<<"${message}")"
    else
      failed=$((failed + 1))
      echo "failed    $(jq -r .MessageId <<<"${message}"): $(head -c 300 "${work}/response.json")"
    fi
  done
done
echo "${replayed} replayed and deleted, ${failed} still failing (back in the DLQ after ${VISIBILITY_TIMEOUT_S} s)"
((failed == 0))
