#!/usr/bin/env bash
# Destroy one environment's resources.
#
#   scripts/destroy.sh <env> [--yes]
#
# <env> names terraform/envs/<env>.tfvars.json; the backend is found as in
# scripts/deploy.sh. Buckets without force_destroy must be emptied first.
# Without --yes you must type the environment name again to confirm.
set -euo pipefail
script=destroy
# shellcheck source=scripts/lib/environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/environment.sh"

parse_environment_args "$@"
need terraform "Install Terraform >= 1.11: https://developer.hashicorp.com/terraform/install"
need aws "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and configure credentials."
check_aws_identity

# The configuration hashes the zips even to destroy. Without a build, point it
# at the test fixtures: nothing is uploaded during a destroy.
extra_vars=()
if [[ ! -d dist/functions || ! -d dist/layers ]]; then
  echo "==> No dist/ build: using terraform/tests/fixtures/artifacts for the (unused) zip hashes"
  extra_vars+=("-var=artifacts_dir=tests/fixtures/artifacts")
fi

init_backend
new_plan_file
echo "==> terraform plan -destroy (${var_file})"
terraform -chdir="${tf_dir}" plan -destroy -input=false "-var-file=${var_file}" ${extra_vars[@]+"${extra_vars[@]}"} "-out=${plan_file}"

confirm "DESTROY everything above in '${env_name}'?" destroyed
echo "==> terraform apply (destroy plan)"
terraform -chdir="${tf_dir}" apply -input=false "${plan_file}"
