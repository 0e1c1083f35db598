#!/usr/bin/env bash
# Creates (or replaces) the Secrets the manifests mount, from the files deploy/generate-secrets.sh wrote:
#   deploy/k8s/create-secrets.sh NAMESPACE [MONGO_HOSTS]
# MONGO_HOSTS: the replica set members the services connect to; default "mongo-0.mongo:27017" (the dev
# overlay's in-cluster MongoDB). Each "<service>-secrets" Secret holds that service's settings, one key per
# setting (Section__Key); the pods mount it as their Secrets__Directory. Mounted Secrets are refreshed in
# place, but the services read them at start: restart the Deployments to pick a change up (README).
# Needs kubectl with access to the cluster; nothing is written to disk.
set -euo pipefail
namespace="${1:?usage: $0 NAMESPACE [MONGO_HOSTS]}"
mongo_hosts="${2:-mongo-0.mongo:27017}"
secrets="$(cd "$(dirname "$0")/.." && pwd)/secrets"
[ -d "$secrets" ] || { echo "No $secrets: run deploy/generate-secrets.sh first." >&2; exit 1; }

value() { tr -d '\n' < "$secrets/$1"; }

# apply NAME ARGS...: kubectl create secret generic, as an idempotent apply.
apply() {
  local name="$1"; shift
  kubectl create secret generic "$name" --namespace "$namespace" "$@" --dry-run=client -o yaml | kubectl apply -f -
}

mongo_url() {
  printf 'mongodb://%s:%s@%s/servicedesk-%s?replicaSet=rs0&authSource=admin' "$1" "$(value "mongo-password-$1")" "$mongo_hosts" "$1"
}

# Every service lists every service's public event key (not secret, kept beside the private ones for one source).
publisher_keys=()
for publisher in identity directory ticketing notification; do
  publisher_keys+=(--from-file=Messaging__PublisherKeys__$publisher="$secrets/messaging-public-key-$publisher")
done

apply identity-secrets \
  --from-literal=Storage__MongoUrl="$(mongo_url identity)" \
  --from-file=Redis__Password="$secrets/redis-password-identity" \
  --from-file=KeyProtection__Key="$secrets/key-protection-key" \
  --from-file=Messaging__SigningKey="$secrets/messaging-signing-key-identity" \
  "${publisher_keys[@]}" \
  --from-file=Identity__Throttling__KeySecret="$secrets/identity-throttling-key" \
  --from-file=Erasure__TombstonePepper="$secrets/tombstone-pepper" \
  --from-file=Identity__ServiceCredentials__directory="$secrets/identity-service-credentials-directory" \
  --from-file=Identity__ServiceCredentials__ticketing="$secrets/identity-service-credentials-ticketing" \
  --from-file=Identity__ServiceCredentials__notification="$secrets/identity-service-credentials-notification" \
  --from-file=Identity__ServiceCredentials__gateway="$secrets/identity-service-credentials-gateway"

apply directory-secrets \
  --from-literal=Storage__MongoUrl="$(mongo_url directory)" \
  --from-file=Redis__Password="$secrets/redis-password-directory" \
  --from-file=KeyProtection__Key="$secrets/key-protection-key" \
  --from-file=Messaging__SigningKey="$secrets/messaging-signing-key-directory" \
  "${publisher_keys[@]}" \
  --from-file=Erasure__TombstonePepper="$secrets/tombstone-pepper" \
  --from-file=Auth__ServiceSecret="$secrets/directory-service-secret"

# Ticketing and Notification derive their page-token keys (and Ticketing its Message-ID hash keys) from the KEK.
for service in ticketing notification; do
  apply "$service-secrets" \
    --from-literal=Storage__MongoUrl="$(mongo_url "$service")" \
    --from-file=Redis__Password="$secrets/redis-password-$service" \
    --from-file=KeyProtection__Key="$secrets/key-protection-key" \
    --from-file=Messaging__SigningKey="$secrets/messaging-signing-key-$service" \
    "${publisher_keys[@]}" \
    --from-file=Erasure__TombstonePepper="$secrets/tombstone-pepper" \
    --from-file=Auth__ServiceSecret="$secrets/$service-service-secret"
done

apply gateway-secrets --from-file=Auth__ServiceSecret="$secrets/gateway-service-secret"

# The dev overlay's in-cluster stores.
apply mongo-secrets \
  --from-file=mongo-keyfile="$secrets/mongo-keyfile" \
  --from-file=mongo-root-password="$secrets/mongo-root-password" \
  --from-file=mongo-password-identity="$secrets/mongo-password-identity" \
  --from-file=mongo-password-directory="$secrets/mongo-password-directory" \
  --from-file=mongo-password-ticketing="$secrets/mongo-password-ticketing" \
  --from-file=mongo-password-notification="$secrets/mongo-password-notification"
apply redis-secrets --from-file=redis-users.acl="$secrets/redis-users.acl"
