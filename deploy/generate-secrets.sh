#!/usr/bin/env bash
# Generates every secret the containers need into deploy/secrets/ (git-ignored), one file per secret.
# Existing files are kept, so running it again changes nothing; delete a file (or pass --force to
# regenerate all) to make a new one, then see deploy/README.md "Rotating secrets" before restarting.
# The same files feed docker compose (secrets:) and Kubernetes (kustomize secretGenerator, or
# `kubectl create secret generic --from-file`). Needs coreutils and openssl.
set -euo pipefail
cd "$(dirname "$0")"
dir="secrets"
force=0
[ "${1:-}" = "--force" ] && force=1

services=(identity directory ticketing notification)
callers=(directory ticketing notification gateway)

umask 077
mkdir -p "$dir"
chmod 700 "$dir"

random_base64() { head -c "$1" /dev/urandom | base64 -w0; }
# Hex: safe inside URLs (MongoDB connection strings) and ACL files without quoting.
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 -v | tr -d ' \n'; }

# write NAME VALUE: keeps an existing file unless --force.
write() {
  local file="$dir/$1"
  if [ -s "$file" ] && [ "$force" -eq 0 ]; then return; fi
  printf '%s\n' "$2" > "$file"
  echo "generated $file"
}
value() { tr -d '\n' < "$dir/$1"; }

write key-protection-key "$(random_base64 32)"
for service in "${services[@]}"; do
  # Each service signs the events it publishes with a key of its own (ECDSA P-256, PKCS#8); every service lists the
  # public halves, so none can pass an event off as another's.
  write "messaging-signing-key-$service" "$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 | openssl pkcs8 -topk8 -nocrypt -outform DER | base64 -w0)"
  printf '%s\n' "$(value "messaging-signing-key-$service" | base64 -d | openssl pkey -inform DER -pubout -outform DER | base64 -w0)" > "$dir/messaging-public-key-$service"
done
write tombstone-pepper "$(random_base64 32)"
write identity-throttling-key "$(random_base64 32)"
for service in "${callers[@]}"; do
  write "$service-service-secret" "$(random_base64 32)"
done
for service in "${callers[@]}"; do
  # Identity keeps only the SHA-256 of each caller's secret; rewritten whenever the secret changes.
  printf '%s\n' "$(printf %s "$(value "$service-service-secret")" | sha256sum | cut -d' ' -f1)" > "$dir/identity-service-credentials-$service"
done

for service in "${services[@]}"; do
  write "redis-password-$service" "$(random_hex 24)"
done
{
  echo "user default off"
  # The compose health check may only PING.
  echo "user healthcheck on nopass -@all +ping"
  for service in "${services[@]}"; do
    # The shared event keys and channels (sd:*) and its own keys (<service>:*); no administrative or dangerous commands.
    echo "user $service on >$(value "redis-password-$service") ~sd:* ~$service:* &sd:* +@all -@dangerous +info +client|setname"
  done
} > "$dir/redis-users.acl"

write mongo-root-password "$(random_hex 24)"
write mongo-keyfile "$(random_base64 756)"
for service in "${services[@]}"; do
  write "mongo-password-$service" "$(random_hex 24)"
  printf '%s\n' "mongodb://$service:$(value "mongo-password-$service")@mongo:27017/servicedesk-$service?replicaSet=rs0&authSource=admin" > "$dir/mongo-url-$service"
done

# Containers run as other users than the one who ran this: files readable, the folder private.
chmod 644 "$dir"/*
echo "secrets in deploy/$dir"
