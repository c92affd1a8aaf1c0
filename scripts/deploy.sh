#!/usr/bin/env bash
# Build the Lambda zips and layers, then plan and apply one environment.
#
#   scripts/deploy.sh <env> [--yes]
#
# <env> names terraform/envs/<env>.tfvars.json. The backend comes from
# terraform/backend.<env>.hcl, else terraform/backend.hcl (see
# terraform/backend.hcl.example). --yes applies without asking.
set -euo pipefail
script=deploy
# shellcheck source=scripts/lib/environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/environment.sh"

parse_environment_args "$@"
need terraform "Install Terraform >= 1.11: https://developer.hashicorp.com/terraform/install"
need node "Install Node.js 22: https://nodejs.org/"
need npm "npm comes with Node.js 22."
need aws "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and configure credentials."
check_aws_identity

echo "==> Build (npm run build)"
npm run build
[[ -d dist/functions && -d dist/layers ]] || die "the build did not produce dist/functions and dist/layers."

init_backend
new_plan_file
echo "==> terraform plan (${var_file})"
terraform -chdir="${tf_dir}" plan -input=false "-var-file=${var_file}" "-out=${plan_file}"

confirm "Apply this plan to '${env_name}'?" applied
echo "==> terraform apply"
terraform -chdir="${tf_dir}" apply -input=false "${plan_file}"
terraform -chdir="${tf_dir}" output
