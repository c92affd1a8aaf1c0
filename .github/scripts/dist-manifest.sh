#!/usr/bin/env bash
# SHA-256 manifest of the build output, so that the jobs that hold AWS credentials use exactly
# the zips the credential-free build job made.
#
#   .github/scripts/dist-manifest.sh write <dir>
#       writes <dir>/SHA256SUMS (every other file under <dir>, sorted) and prints its SHA-256
#   .github/scripts/dist-manifest.sh check <dir> <manifest-sha256>
#       fails unless <dir>/SHA256SUMS has that SHA-256, every file matches it, and <dir> holds
#       no file it does not list
#
# The manifest travels in the artifact with the zips, so on its own it only catches damage; the
# hash of the manifest travels apart from the artifact (a job output, which the artifact's
# writers cannot change), and that is what makes the check catch a swapped artifact.
set -euo pipefail

manifest=SHA256SUMS

die() {
  echo "dist-manifest: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 write <dir> | $0 check <dir> <manifest-sha256>" >&2
  exit 2
}

command -v sha256sum >/dev/null 2>&1 || die "sha256sum (coreutils) is required."

# The files under the current directory other than the manifest, as ./path, sorted bytewise.
list_files() {
  find . -type f ! -path "./${manifest}" -print | LC_ALL=C sort
}

write_manifest() {
  local dir="$1" tmp file
  local -a files
  [[ -d "${dir}" ]] || die "no directory ${dir}"
  cd "${dir}"
  mapfile -t files < <(list_files)
  ((${#files[@]} > 0)) || die "${dir} holds no file to list."
  for file in "${files[@]}"; do
    # sha256sum escapes names with a backslash or newline; the build writes none.
    [[ "${file}" != *\\* && "${file}" != *$'\n'* ]] || die "unsupported file name: ${file}"
  done
  tmp="$(mktemp "./.${manifest}.XXXXXX")"
  sha256sum -- "${files[@]}" >"${tmp}"
  mv -f "${tmp}" "${manifest}"
  sha256sum "${manifest}" | cut -d ' ' -f 1
}

check_manifest() {
  local dir="$1" expected="$2"
  [[ "${expected}" =~ ^[0-9a-f]{64}$ ]] ||
    die "expected a 64-hex-digit manifest SHA-256, got '${expected}'."
  [[ -d "${dir}" ]] || die "no directory ${dir}"
  cd "${dir}"
  [[ -f "${manifest}" ]] || die "no ${dir}/${manifest}."
  echo "${expected}  ${manifest}" | sha256sum --check --strict --quiet ||
    die "${dir}/${manifest} is not the manifest the build reported."
  sha256sum --check --strict --quiet "${manifest}" ||
    die "a file under ${dir} differs from ${manifest}."
  local unlisted
  unlisted="$(LC_ALL=C comm -23 <(list_files) <(sed -E 's/^[0-9a-f]{64} [ *]//' "${manifest}" | LC_ALL=C sort))"
  [[ -z "${unlisted}" ]] || die "files under ${dir} that ${manifest} does not list: ${unlisted//$'\n'/ }"
  echo "dist-manifest: every file under ${dir} matches ${manifest} (${expected})."
}

case "${1:-}" in
  write)
    [[ $# -eq 2 ]] || usage
    write_manifest "$2"
    ;;
  check)
    [[ $# -eq 3 ]] || usage
    check_manifest "$2" "$3"
    ;;
  *) usage ;;
esac
