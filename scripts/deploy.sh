#!/usr/bin/env bash
# Build the Lambda zips and layers, then plan and apply one environment.
#
#   scripts/deploy.sh <env> [--yes]
#
# <env> names terraform/envs/<env>.tfvars.json. The backend comes from
# terraform/backend.<env>.hcl, else terraform/backend.hcl (see
# terraform/backend.hcl.example). --yes applies without asking.
set -euo pipefail

usage() {
  echo "usage: scripts/deploy.sh <env> [--yes]   (env: one of terraform/envs/*.tfvars.json)" >&2
  exit 2
}

die() {
  echo "deploy: $*" >&2
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
if [[ ! -f "${tf_dir}/${var_file}" ]]; then
  known=()
  for f in "${tf_dir}"/envs/*.tfvars.json; do
    known+=("$(basename "${f}" .tfvars.json)")
  done
  die "no ${tf_dir}/${var_file}; environments: ${known[*]}"
fi

need terraform "Install Terraform >= 1.11: https://developer.hashicorp.com/terraform/install"
need node "Install Node.js 22: https://nodejs.org/"
need npm "npm comes with Node.js 22."
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
[[ -n "${backend_file}" ]] || die "no ${tf_dir}/backend.${env_name}.hcl or ${tf_dir}/backend.hcl: copy ${tf_dir}/backend.hcl.example and fill in your state bucket."

echo "==> Build (npm run build)"
npm run build
[[ -d dist/functions && -d dist/layers ]] || die "the build did not produce dist/functions and dist/layers."

echo "==> terraform init (backend config ${tf_dir}/${backend_file})"
terraform -chdir="${tf_dir}" init -input=false -reconfigure "-backend-config=${backend_file}"

plan_file="$(mktemp "${TMPDIR:-/tmp}/s3p-${env_name}.XXXXXX.tfplan")"
trap 'rm -f "${plan_file}"' EXIT

echo "==> terraform plan (${var_file})"
terraform -chdir="${tf_dir}" plan -input=false "-var-file=${var_file}" "-out=${plan_file}"

if [[ "${assume_yes}" != true ]]; then
  answer=""
  read -r -p "Apply this plan to '${env_name}'? Type the environment name to confirm: " answer || die "no answer on stdin; run interactively or pass --yes."
  [[ "${answer}" == "${env_name}" ]] || die "not confirmed; nothing applied."
fi

echo "==> terraform apply"
terraform -chdir="${tf_dir}" apply -input=false "${plan_file}"
terraform -chdir="${tf_dir}" output
