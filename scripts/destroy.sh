#!/usr/bin/env bash
# Destroy one environment's resources.
#
#   scripts/destroy.sh <env> [--yes]
#
# <env> names terraform/envs/<env>.tfvars.json; the backend is found as in
# scripts/deploy.sh. Buckets without force_destroy must be emptied first.
# Without --yes you must type the environment name again to confirm.
set -euo pipefail

usage() {
  echo "usage: scripts/destroy.sh <env> [--yes]   (env: one of terraform/envs/*.tfvars.json)" >&2
  exit 2
}

die() {
  echo "destroy: $*" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed. $2"
}

[[ $# -ge 1 && $# -le 2 ]] || usage
env_name="$1"
assume_yes=false
if [[ $# -eq 2 ]]; then
  [[ "$2" == "--yes" ]] || usage
  assume_yes=true
fi
[[ "${env_name}" =~ ^[a-z0-9-]+$ ]] || die "environment name must be lowercase letters, digits and hyphens: '${env_name}'"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
tf_dir=terraform
var_file="envs/${env_name}.tfvars.json"
[[ -f "${tf_dir}/${var_file}" ]] || die "no ${tf_dir}/${var_file}"

need terraform "Install Terraform >= 1.11: https://developer.hashicorp.com/terraform/install"
need aws "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and configure credentials."

echo "==> AWS identity"
aws sts get-caller-identity --output text --query '[Account, Arn]' ||
  die "no usable AWS credentials (aws sts get-caller-identity failed). Set AWS_PROFILE or run 'aws sso login'."

backend_file=""
for candidate in "backend.${env_name}.hcl" "backend.hcl"; do
  if [[ -f "${tf_dir}/${candidate}" ]]; then
    backend_file="${candidate}"
    break
  fi
done
[[ -n "${backend_file}" ]] || die "no ${tf_dir}/backend.${env_name}.hcl or ${tf_dir}/backend.hcl: the state to destroy is unknown."

# The configuration hashes the zips even to destroy. Without a build, point it
# at the test fixtures: nothing is uploaded during a destroy.
extra_vars=()
if [[ ! -d dist/functions || ! -d dist/layers ]]; then
  echo "==> No dist/ build: using terraform/tests/fixtures/artifacts for the (unused) zip hashes"
  extra_vars+=("-var=artifacts_dir=tests/fixtures/artifacts")
fi

echo "==> terraform init (backend config ${tf_dir}/${backend_file})"
terraform -chdir="${tf_dir}" init -input=false -reconfigure "-backend-config=${backend_file}"

plan_file="$(mktemp "${TMPDIR:-/tmp}/s3p-${env_name}-destroy.XXXXXX.tfplan")"
trap 'rm -f "${plan_file}"' EXIT

echo "==> terraform plan -destroy (${var_file})"
terraform -chdir="${tf_dir}" plan -destroy -input=false "-var-file=${var_file}" ${extra_vars[@]+"${extra_vars[@]}"} "-out=${plan_file}"

if [[ "${assume_yes}" != true ]]; then
  answer=""
  read -r -p "DESTROY everything above in '${env_name}'? Type the environment name to confirm: " answer || die "no answer on stdin; run interactively or pass --yes."
  [[ "${answer}" == "${env_name}" ]] || die "not confirmed; nothing destroyed."
fi

echo "==> terraform apply (destroy plan)"
terraform -chdir="${tf_dir}" apply -input=false "${plan_file}"
