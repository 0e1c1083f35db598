// Runs once, when the MongoDB data volume is first initialised (docker-entrypoint-initdb.d; Kubernetes dev
// overlay: the init Job): one user per service, allowed to read and write its own database only.
const fs = require("fs");
const secrets = process.env.SECRETS_DIR || "/run/secrets";
for (const service of ["identity", "directory", "ticketing", "notification"]) {
  const password = fs.readFileSync(`${secrets}/mongo-password-${service}`, "utf8").trim();
  const admin = db.getSiblingDB("admin");
  if (admin.getUser(service) === null) {
    admin.createUser({ user: service, pwd: password, roles: [{ role: "readWrite", db: `servicedesk-${service}` }] });
  } else {
    admin.updateUser(service, { pwd: password, roles: [{ role: "readWrite", db: `servicedesk-${service}` }] });
  }
}
