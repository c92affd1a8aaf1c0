#!/usr/bin/env bash
# Process the objects a bucket already holds: an S3 Batch Operations job that invokes the
# pipeline's `live` alias once per object (docs/operations.md).
#
#   scripts/backfill.sh <env> <pipeline> [--prefix P] [--created-before T] [--min-size N]
#                       [--inventory MANIFEST] [--priority N] [--dry-run] [--yes]
#
# S3 generates the manifest itself from the pipeline's trigger (S3JobManifestGenerator: its
# prefix and suffix, narrowed by the filters given), or, with --inventory, the job takes the
# manifest.json of an S3 Inventory report of the source bucket (s3:// URL or ARN; it must lie
# under the reports location's inventory prefix, the one place the Batch role may read) and
# its ETag, read with HeadObject. Either way S3 writes a completion report of every task to the
# reports location. The job waits for confirmation unless --yes. --dry-run prints the CreateJob
# request and calls nothing (an inventory's ETag is then a placeholder). Every argument is
# checked before any AWS call.
set -euo pipefail
script=backfill
# shellcheck source=scripts/lib/environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/environment.sh"
# shellcheck source=scripts/lib/operations.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/operations.sh"

usage() {
  echo "usage: scripts/backfill.sh <env> <pipeline> [--prefix P] [--created-before T] [--min-size N] [--inventory MANIFEST] [--priority N] [--dry-run] [--yes]" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
env_arg="$1"
pipeline="$2"
shift 2
prefix=""
created_before=""
min_size=""
inventory=""
priority=10
dry_run=false
yes=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix | --created-before | --min-size | --inventory | --priority)
      [[ $# -ge 2 ]] || die "$1 needs a value."
      case "$1" in
        --prefix) prefix="$2" ;;
        --created-before) created_before="$2" ;;
        --min-size) min_size="$2" ;;
        --inventory) inventory="$2" ;;
        --priority) priority="$2" ;;
      esac
      shift 2
      ;;
    --dry-run) dry_run=true && shift ;;
    --yes) yes=true && shift ;;
    *) usage ;;
  esac
done

need jq "Install jq (https://jqlang.org/)."

if [[ -n "${inventory}" ]]; then
  # An inventory lists what it lists: Batch applies no filter to a manifest it is given.
  filters=()
  [[ -z "${prefix}" ]] || filters+=(--prefix)
  [[ -z "${created_before}" ]] || filters+=(--created-before)
  [[ -z "${min_size}" ]] || filters+=(--min-size)
  if ((${#filters[@]} > 0)); then
    named="$(printf '%s, ' "${filters[@]}")"
    die "--inventory cannot be combined with ${named%, }: S3 Batch Operations takes an inventory's objects as listed, unfiltered; narrow the inventory configuration (its prefix filter) instead, or drop --inventory."
  fi
  # s3://<bucket>/<key> or arn:<partition>:s3:::<bucket>/<key>, the key ending in manifest.json.
  if [[ "${inventory}" =~ ^s3://([^/]+)/(.+)$ || "${inventory}" =~ ^arn:aws[a-z-]*:s3:::([^/]+)/(.+)$ ]]; then
    inventory_bucket="${BASH_REMATCH[1]}"
    inventory_key="${BASH_REMATCH[2]}"
  else
    die "--inventory '${inventory}' is not an S3 object: expected s3://BUCKET/KEY/manifest.json or arn:aws:s3:::BUCKET/KEY/manifest.json."
  fi
  if [[ "${inventory_key##*/}" != manifest.json ]]; then
    die "--inventory '${inventory}' is not an inventory manifest: expected the manifest.json of a CSV S3 Inventory report (.../<YYYY-MM-DDTHH-MMZ>/manifest.json)."
  fi
fi
parse_environment_args "${env_arg}"
load_pipeline "${pipeline}"
trigger_prefix="$(jq -r .prefix <<<"${pipeline_json}")"
trigger_suffix="$(jq -r .suffix <<<"${pipeline_json}")"

# A prefix outside the trigger would list only objects the function skips as outside-trigger.
if [[ -n "${prefix}" && "${prefix}" != "${trigger_prefix}"* ]]; then
  die "--prefix '${prefix}' is outside the trigger of pipeline '${pipeline}': it must start with '${trigger_prefix}'."
fi
[[ -n "${prefix}" ]] || prefix="${trigger_prefix}"

if [[ -n "${created_before}" ]]; then
  # ISO 8601 as the API takes it, and a real date (date(1) refuses 2024-02-30).
  iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$'
  if ! [[ "${created_before}" =~ ${iso} ]] || ! date -u -d "${created_before}" +%s >/dev/null 2>&1; then
    die "--created-before '${created_before}' is not a date: expected ISO 8601 such as 2024-06-01 or 2024-06-01T00:00:00Z."
  fi
  created_before="$(date -u -d "${created_before}" +%Y-%m-%dT%H:%M:%SZ)"
fi
if [[ -n "${min_size}" ]] && ! [[ "${min_size}" =~ ^[0-9]+$ ]]; then
  die "--min-size '${min_size}' is not a size: expected a whole number of bytes."
fi
if ! [[ "${priority}" =~ ^[0-9]+$ ]] || ((priority > 2147483647)); then
  die "--priority '${priority}' is not a priority: expected a whole number from 0 to 2147483647."
fi

outputs="$(terraform_outputs)"
# shellcheck disable=SC2016 # $p is jq's variable (the pipeline), not the shell's.
function_arn="$(output_value "${outputs}" '.functions.value[$p].target_arn')"
# shellcheck disable=SC2016
role_arn="$(output_value "${outputs}" '.batch_roles.value[$p]')"
reports_bucket_arn="$(output_value "${outputs}" '.reports_location.value.bucket_arn')"
reports_prefix="$(jq -r '.reports_location.value.prefix // "batch-reports/"' <<<"${outputs}")"
source_logical="$(jq -r .source_bucket <<<"${pipeline_json}")"
source_bucket="$(jq -r --arg b "${source_logical}" '.bucket_names.value[$b] // empty' <<<"${outputs}")"
[[ -n "${source_bucket}" ]] || die "terraform output bucket_names has no bucket '${source_logical}'."
# arn:<partition>:lambda:<region>:<account>:function:<name>[:<alias>]
IFS=: read -r _ partition _ _ account_id _ <<<"${function_arn}"
[[ "${account_id}" =~ ^[0-9]{12}$ ]] || die "functions.${pipeline}.target_arn '${function_arn}' is not a Lambda function ARN."

manifest_arn=""
manifest_etag=""
if [[ -n "${inventory}" ]]; then
  # The Batch role reads inventories only here (terraform/batch.tf, ReadOwnInventory), where an
  # inventory configuration with this destination prefix delivers the source bucket's reports.
  inventory_prefix="$(output_value "${outputs}" '.reports_location.value.inventory_prefix')"
  inventory_location="s3://${reports_bucket_arn#arn:*:s3:::}/${inventory_prefix%/}/${source_bucket}/"
  if [[ "s3://${inventory_bucket}/${inventory_key}" != "${inventory_location}"* ]]; then
    die "--inventory '${inventory}' is outside the inventory location of pipeline '${pipeline}': expected ${inventory_location}<configuration id>/<YYYY-MM-DDTHH-MMZ>/manifest.json (the Batch role may read inventories only there)."
  fi
  manifest_arn="arn:${partition}:s3:::${inventory_bucket}/${inventory_key}"
  if [[ "${dry_run}" == true ]]; then
    manifest_etag="<ETag of manifest.json, read at create time>"
  else
    need aws "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and configure credentials."
    # CreateJob wants the manifest's ETag without the quotes S3 returns it in.
    manifest_etag="$(aws s3api head-object --region "${region}" --bucket "${inventory_bucket}" \
      --key "${inventory_key}" --query ETag --output text)" ||
      die "head-object on ${inventory} failed (above); nothing was started."
    manifest_etag="${manifest_etag//\"/}"
  fi
fi

request="$(jq -n \
  --arg account "${account_id}" \
  --arg function "${function_arn}" \
  --arg role "${role_arn}" \
  --arg reports "${reports_bucket_arn}" \
  --arg reports_prefix "${reports_prefix%/}/${pipeline}" \
  --arg source "arn:${partition}:s3:::${source_bucket}" \
  --arg prefix "${prefix}" \
  --arg suffix "${trigger_suffix}" \
  --arg created_before "${created_before}" \
  --arg min_size "${min_size}" \
  --arg pipeline "${pipeline}" \
  --arg env "${env_name}" \
  --arg manifest_arn "${manifest_arn}" \
  --arg manifest_etag "${manifest_etag}" \
  --argjson priority "${priority}" \
  --argjson confirm "$([[ "${yes}" == true ]] && echo false || echo true)" \
  '({
    AccountId: $account,
    ConfirmationRequired: $confirm,
    Description: "backfill \($pipeline) (\($env))",
    Priority: $priority,
    RoleArn: $role,
    Operation: {
      LambdaInvoke: {
        FunctionArn: $function,
        InvocationSchemaVersion: "2.0",
        UserArguments: { pipeline: $pipeline }
      }
    },
    Report: {
      Bucket: $reports,
      Prefix: $reports_prefix,
      Format: "Report_CSV_20180820",
      Enabled: true,
      ReportScope: "AllTasks"
    }
  } + if $manifest_arn != "" then {
    Manifest: {
      Spec: { Format: "S3InventoryReport_CSV_20161130" },
      Location: { ObjectArn: $manifest_arn, ETag: $manifest_etag }
    }
  } else {
    ManifestGenerator: {
      S3JobManifestGenerator: ({
        SourceBucket: $source,
        EnableManifestOutput: false
      } + (
        ({}
          + (if $prefix != "" or $suffix != "" then {
               KeyNameConstraint: ({}
                 + (if $prefix != "" then { MatchAnyPrefix: [$prefix] } else {} end)
                 + (if $suffix != "" then { MatchAnySuffix: [$suffix] } else {} end))
             } else {} end)
          + (if $created_before != "" then { CreatedBefore: $created_before } else {} end)
          + (if $min_size != "" and ($min_size | tonumber) > 0
             then { ObjectSizeGreaterThanBytes: (($min_size | tonumber) - 1) } else {} end)
        ) as $filter
        | if $filter == {} then {} else { Filter: $filter } end))
    }
  } end)')"

if [[ "${dry_run}" == true ]]; then
  printf '%s\n' "${request}"
  exit 0
fi

need aws "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and configure credentials."
request_file="$(mktemp "${TMPDIR:-/tmp}/s3p-backfill.XXXXXX.json")"
trap 'rm -f "${request_file}"' EXIT
printf '%s\n' "${request}" >"${request_file}"

echo "==> aws s3control create-job (${pipeline} in ${env_name}, ${region})"
job_id="$(aws s3control create-job --region "${region}" --cli-input-json "file://${request_file}" \
  --query JobId --output text)" || die "create-job failed (above); nothing was started."
echo "job ${job_id} created"
# S3 counts the tasks once it has generated the manifest; right after creation it may not have.
tasks="$(aws s3control describe-job --region "${region}" --account-id "${account_id}" --job-id "${job_id}" \
  --query 'Job.ProgressSummary.TotalNumberOfTasks' --output text 2>/dev/null || true)"
if [[ -n "${tasks}" && "${tasks}" != "None" ]]; then
  echo "objects in the manifest: ${tasks}"
else
  echo "objects in the manifest: not counted yet (S3 is still generating it)"
fi
watch="aws s3control describe-job --region ${region} --account-id ${account_id} --job-id ${job_id}"
echo "watch it:    ${watch} --query 'Job.[Status,ProgressSummary]'"
if [[ "${yes}" != true ]]; then
  echo "run it:      aws s3control update-job-status --region ${region} --account-id ${account_id} --job-id ${job_id} --requested-job-status Ready"
fi
echo "report:      ${reports_bucket_arn#arn:*:s3:::}/${reports_prefix%/}/${pipeline}/job-${job_id}/"
