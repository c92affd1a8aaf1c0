# shellcheck shell=bash
# What scripts/backfill.sh and scripts/replay.sh share: the pipeline's settings from its tfvars and
# the deployment's `terraform output -json`. Source scripts/lib/environment.sh first (die, need,
# parse_environment_args, init_backend); docs/operations.md describes the outputs read here.

# The deployed outputs, as `terraform output -json` prints them. S3P_TERRAFORM_OUTPUTS names a
# saved copy instead (the deploy workflow's job summary has one), which also spares the state
# read; otherwise terraform is initialised against the environment's own backend first, so the
# outputs can never be another environment's.
terraform_outputs() {
  if [[ -n "${S3P_TERRAFORM_OUTPUTS:-}" ]]; then
    [[ -f "${S3P_TERRAFORM_OUTPUTS}" ]] || die "S3P_TERRAFORM_OUTPUTS names ${S3P_TERRAFORM_OUTPUTS}, which does not exist."
    cat "${S3P_TERRAFORM_OUTPUTS}"
    return
  fi
  need terraform "Install Terraform >= 1.11, or set S3P_TERRAFORM_OUTPUTS to a saved 'terraform output -json'."
  init_backend >&2
  terraform -chdir="${tf_dir}" output -json
}

# Sets pipeline_json (the pipeline's tfvars entry, with the catalog defaults that matter here) and
# region, or dies naming the pipelines there are.
load_pipeline() {
  local name="$1" file="${tf_dir}/${var_file}"
  jq -e --arg p "${name}" '.pipelines | has($p)' "${file}" >/dev/null ||
    die "no pipeline '${name}' in ${file}; pipelines: $(jq -r '.pipelines | keys | join(" ")' "${file}")"
  pipeline_json="$(jq -c --arg p "${name}" \
    '.pipelines[$p] | {prefix: (.prefix // ""), suffix: (.suffix // ""), delivery: (.delivery // "direct"), source_bucket}' \
    "${file}")"
  region="$(jq -r '.region' "${file}")"
}

# `output_value <outputs json> <jq path>`: the value, or dies naming the missing output. The path
# may use $p, the pipeline's name (`.functions.value[$p].target_arn`).
output_value() {
  local value
  value="$(jq -r --arg p "${pipeline}" "$2 // empty" <<<"$1")"
  [[ -n "${value}" ]] ||
    die "terraform output ${2//\$p/\"${pipeline}\"} is missing (docs/operations.md lists the outputs this script reads)."
  printf '%s\n' "${value}"
}
