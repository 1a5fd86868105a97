# Shared set-up for the maintainer scripts (sourced, not run).
# Installs what the project needs into .venv/ and node_modules/, idempotently.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NO_MKDOCS_2_WARNING=1
export PYTHONDONTWRITEBYTECODE=1
PY="${PYTHON:-python3}"

stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    echo "telecode: creating .venv/ with $($PY --version)" >&2
    "$PY" -m venv .venv
  fi
  local want; want="$(stamp_of pyproject.toml requirements.lock)"
  if [ "$(cat .venv/.telecode-stamp 2>/dev/null)" != "$want" ]; then
    echo "telecode: installing Python packages into .venv/ (requirements.lock)" >&2
    # every package, pip itself first, at the locked version and hash (scripts/lock-python);
    # then the project itself, editable, with nothing more
    local pins; pins="$(mktemp)"
    grep -E '^pip==' requirements.lock > "$pins"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
      --no-deps -r "$pins"
    rm -f "$pins"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
      --no-deps -r requirements.lock
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
      --no-build-isolation -e .
    .venv/bin/python -m pip check >/dev/null || {
      .venv/bin/python -m pip check >&2
      echo "telecode: requirements.lock does not match pyproject.toml: run scripts/lock-python" >&2
      return 1
    }
    echo "$want" > .venv/.telecode-stamp
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}

ensure_node() {
  [ -f package.json ] || return 0
  local want; want="$(stamp_of package.json package-lock.json)"
  if [ ! -d node_modules ] || [ "$(cat node_modules/.telecode-stamp 2>/dev/null)" != "$want" ]; then
    echo "telecode: installing npm packages into node_modules/" >&2
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
    echo "$want" > node_modules/.telecode-stamp
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "telecode: installing Debian's chromium (browser tests)" >&2
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi
}

ensure_java() {
  # pyspark (the telecode[spark] extra, tested by tests/claims) needs Java 17+
  if ! command -v java >/dev/null 2>&1; then
    echo "telecode: installing Debian's openjdk-17-jre-headless (Spark tests)" >&2
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  fi
}

compile_codebook() {
  telecode compile -o engine/data/codebook.json
}
