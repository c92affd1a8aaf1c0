# shellcheck shell=bash
# What scripts/deploy.sh and scripts/destroy.sh share: the <env> [--yes] arguments, the checks
# before touching an environment, terraform init against its backend, and the typed confirmation.
# The caller sets `script` (its own name, for messages), then sources this file.
: "${script:?set script to the calling script name before sourcing scripts/lib/environment.sh}"

usage() {
  echo "usage: scripts/${script}.sh <env> [--yes]   (env: one of terraform/envs/*.tfvars.json)" >&2
  exit 2
}

die() {
  echo "${script}: $*" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed. $2"
}

# Sets env_name, assume_yes, tf_dir and var_file, and moves to the repository root.
parse_environment_args() {
  [[ $# -ge 1 && $# -le 2 ]] || usage
  env_name="$1"
  assume_yes=false
  if [[ $# -eq 2 ]]; then
    [[ "$2" == "--yes" ]] || usage
    assume_yes=true
  fi
  [[ "${env_name}" =~ ^[a-z0-9-]+$ ]] ||
    die "environment name must be lowercase letters, digits and hyphens: '${env_name}'"

  cd "$(dirname "${BASH_SOURCE[0]}")/../.." || die "cannot enter the repository root"
  tf_dir=terraform
  var_file="envs/${env_name}.tfvars.json"
  if [[ ! -f "${tf_dir}/${var_file}" ]]; then
    local known=() f
    for f in "${tf_dir}"/envs/*.tfvars.json; do
      known+=("$(basename "${f}" .tfvars.json)")
    done
    die "no ${tf_dir}/${var_file}; environments: ${known[*]}"
  fi
}

check_aws_identity() {
  echo "==> AWS identity"
  aws sts get-caller-identity --output text --query '[Account, Arn]' ||
    die "no usable AWS credentials (aws sts get-caller-identity failed). Set AWS_PROFILE or run 'aws sso login'."
}

# terraform init with terraform/backend.<env>.hcl, else terraform/backend.hcl.
init_backend() {
  local candidate backend_file=""
  for candidate in "backend.${env_name}.hcl" "backend.hcl"; do
    if [[ -f "${tf_dir}/${candidate}" ]]; then
      backend_file="${candidate}"
      break
    fi
  done
  [[ -n "${backend_file}" ]] ||
    die "no ${tf_dir}/backend.${env_name}.hcl or ${tf_dir}/backend.hcl: copy ${tf_dir}/backend.hcl.example and fill in the state bucket."
  echo "==> terraform init (backend config ${tf_dir}/${backend_file})"
  terraform -chdir="${tf_dir}" init -input=false -reconfigure "-backend-config=${backend_file}"
}

# Sets plan_file to a fresh temporary file, removed when the script exits.
new_plan_file() {
  plan_file="$(mktemp "${TMPDIR:-/tmp}/s3p-${env_name}-${script}.XXXXXX.tfplan")"
  trap 'rm -f "${plan_file}"' EXIT
}

# Unless --yes, asks for the environment name again; `$1` is the question, `$2` what a refusal
# leaves undone.
confirm() {
  [[ "${assume_yes}" == true ]] && return 0
  local answer=""
  read -r -p "$1 Type the environment name to confirm: " answer ||
    die "no answer on stdin; run interactively or pass --yes."
  [[ "${answer}" == "${env_name}" ]] || die "not confirmed; nothing $2."
}
