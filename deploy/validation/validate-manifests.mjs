// Validates rendered Kubernetes manifests (multi-document YAML files): every object against the schema of
// its apiVersion and kind (kubernetes-models; cert-manager's for Certificates), plus the rules this project
// keeps for every workload, and that the NetworkPolicies allow every call the services make (CALLS); of a
// docker-compose file, its Redis settings only. Prints each problem and exits 1 when there is any.
//   node validate-manifests.mjs TOOLS_DIR FILE...
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [tools, ...files] = process.argv.slice(2);
const modules = resolve(tools, "node_modules");
const YAML = createRequire(join(modules, "/"))("yaml");

// apiVersion -> the module that holds its kinds.
function modelModule(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group.endsWith("cert-manager.io")) {
    return join(modules, "@kubernetes-models/cert-manager", group, version, "index.js");
  }
  return join(modules, "kubernetes-models", group, version, "index.js");
}

async function schemaProblems(object) {
  let kinds;
  try {
    kinds = await import(pathToFileURL(modelModule(object.apiVersion)).href);
  } catch {
    return [`no schema for apiVersion ${object.apiVersion}`];
  }
  const Model = kinds[object.kind];
  if (!Model) {
    return [`no schema for kind ${object.kind} in ${object.apiVersion}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

// Every workload: non-root, read-only root file system, no capabilities, seccomp, resources; the
// services' Deployments also start-up, readiness and liveness probes.
function policyProblems(object, names) {
  const pod = object.spec?.template?.spec;
  if (!pod) {
    return [];
  }
  const problems = [];
  if (pod.securityContext?.runAsNonRoot !== true) problems.push("pod securityContext.runAsNonRoot is not true");
  if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") problems.push("pod seccompProfile is not RuntimeDefault");
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const where = `container ${container.name}`;
    const security = container.securityContext ?? {};
    if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: capabilities do not drop ALL`);
    if (!container.resources?.requests || !container.resources?.limits) problems.push(`${where}: no resource requests and limits`);
    if (object.kind === "Deployment") {
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        if (!container[probe]) problems.push(`${where}: no ${probe}`);
      }
    }
    problems.push(...redisProblems(where, [...(container.command ?? []), ...(container.args ?? [])], container.resources?.limits?.memory));
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      if (name && !names.has(`ConfigMap/${name}`)) problems.push(`${where}: ConfigMap ${name} is not in the manifests`);
    }
  }
  for (const volume of pod.volumes ?? []) {
    const name = volume.configMap?.name;
    if (name && !names.has(`ConfigMap/${name}`)) problems.push(`volume ${volume.name}: ConfigMap ${name} is not in the manifests`);
  }
  return problems;
}

// Redis holds the event streams, the removal's ledger: it must refuse writes when full (the outbox and the
// consumers retry them), never evict a stream, and refuse them before the container's memory limit kills it.
const UNITS = { "": 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 };

function bytes(size) {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(String(size ?? "").trim());
  return match && UNITS[match[2].toLowerCase()] !== undefined ? Number(match[1]) * UNITS[match[2].toLowerCase()] : undefined;
}

function redisProblems(where, command, memoryLimit) {
  if (!command.includes("redis-server")) {
    return [];
  }
  const option = (name) => (command.includes(name) ? command[command.indexOf(name) + 1] : undefined);
  const problems = [];
  if (option("--maxmemory-policy") !== "noeviction") problems.push(`${where}: redis-server without --maxmemory-policy noeviction`);
  const cap = bytes(option("--maxmemory"));
  if (!(cap > 0)) problems.push(`${where}: redis-server without a --maxmemory`);
  else if (bytes(memoryLimit) !== undefined && cap >= bytes(memoryLimit)) problems.push(`${where}: --maxmemory is not below the memory limit ${memoryLimit}`);
  return problems;
}

// A docker-compose file: its Redis services.
function composeProblems(compose) {
  return Object.entries(compose.services ?? {}).flatMap(([name, service]) =>
    redisProblems(`service ${name}`, [service.command ?? []].flat(), service.deploy?.resources?.limits?.memory ?? service.mem_limit));
}

// The calls the services make, by the app.kubernetes.io/name of caller and callee and the port: gRPC clients
// (AddServiceClient: Services:<name>), the key set over HTTP (Auth:Authority), Redis and MongoDB. When the
// manifests hold NetworkPolicies and both workloads, each call must be allowed out of the caller and into the
// callee. Keep it in step with the code: grep -rn "AddServiceClient" services.
const CALLS = [
  ...["directory", "ticketing", "notification", "gateway"].flatMap((caller) => [
    [caller, "identity", 5000, "service tokens, sign-in"],
    [caller, "identity", 8080, "the key set (Auth:Authority)"],
  ]),
  ["gateway", "directory", 5000, "the API"],
  ["gateway", "ticketing", 5000, "the API"],
  ["gateway", "notification", 5000, "the API"],
  ["ticketing", "directory", 5000, "customers and their keys"],
  ["notification", "directory", 5000, "customer keys"],
  ["notification", "ticketing", 5000, "GetTicket for each ticket event"],
  ["directory", "identity", 5000, "PreviewRemoval's dry run"],
  ["directory", "ticketing", 5000, "PreviewRemoval's dry run"],
  ["directory", "notification", 5000, "PreviewRemoval's dry run"],
  ...["identity", "directory", "ticketing", "notification"].flatMap((caller) => [
    [caller, "redis", 6379, "events"],
    [caller, "mongo", 27017, "the store"],
  ]),
];

function selects(selector, labels) {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === "In" && !(has && values.includes(labels[key]))) return false;
    if (operator === "NotIn" && has && values.includes(labels[key])) return false;
    if (operator === "Exists" && !has) return false;
    if (operator === "DoesNotExist" && has) return false;
  }
  return true;
}

// A peer of a rule matches a pod of the same namespace: a podSelector alone, or with a namespaceSelector that
// names this namespace. ipBlocks and other namespaces are not pods of these manifests.
function peerMatches(peer, labels, namespace) {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector && !selects(peer.namespaceSelector, { "kubernetes.io/metadata.name": namespace ?? "default" })) return false;
  return peer.podSelector ? selects(peer.podSelector, labels) : Boolean(peer.namespaceSelector);
}

function portMatches(ports, port) {
  return !ports || ports.length === 0 || ports.some((p) => p.port === undefined || (p.port === port && (p.protocol ?? "TCP") === "TCP"));
}

function policyTypes(policy) {
  return policy.spec.policyTypes ?? ["Ingress", ...(policy.spec.egress ? ["Egress"] : [])];
}

// Whether the policies let a pod with labels `from` reach a pod with labels `to` on `port` (one namespace).
function allowed(policies, from, to, port, namespace) {
  const direction = (type, subject, rulesOf, peersOf, other) => {
    const applying = policies.filter((policy) => policyTypes(policy).includes(type) && selects(policy.spec.podSelector ?? {}, subject));
    return applying.length === 0 || applying.some((policy) => (rulesOf(policy) ?? []).some((rule) =>
      portMatches(rule.ports, port) && (!peersOf(rule) || peersOf(rule).length === 0 || peersOf(rule).some((peer) => peerMatches(peer, other, namespace)))));
  };
  return direction("Egress", from, (p) => p.spec.egress, (r) => r.to, to)
    && direction("Ingress", to, (p) => p.spec.ingress, (r) => r.from, from);
}

function reachabilityProblems(objects) {
  const policies = objects.filter((object) => object.kind === "NetworkPolicy");
  if (policies.length === 0) return [];
  const workloads = new Map();
  for (const object of objects) {
    const labels = object.spec?.template?.metadata?.labels;
    if (labels?.["app.kubernetes.io/name"]) workloads.set(labels["app.kubernetes.io/name"], { labels, namespace: object.metadata?.namespace });
  }
  const problems = [];
  for (const [caller, callee, port, why] of CALLS) {
    const from = workloads.get(caller);
    const to = workloads.get(callee);
    if (from && to && !allowed(policies, from.labels, to.labels, port, from.namespace)) {
      problems.push(`NetworkPolicies block ${caller} -> ${callee}:${port} (${why})`);
    }
  }
  return problems;
}

let failed = false;
for (const file of files) {
  const objects = YAML.parseAllDocuments(readFileSync(file, "utf8")).map((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${file}: ${document.errors[0].message}`);
    }
    return document.toJS();
  }).filter((object) => object);
  if (objects.length === 1 && objects[0].services && !objects[0].kind) {
    for (const problem of composeProblems(objects[0])) {
      console.error(`${file}: ${problem}`);
      failed = true;
    }
    console.log(`${file}: compose file checked`);
    continue;
  }
  const names = new Set(objects.map((object) => `${object.kind}/${object.metadata?.name}`));
  for (const object of objects) {
    const problems = [...(await schemaProblems(object)), ...policyProblems(object, names)];
    for (const problem of problems) {
      console.error(`${file}: ${object.kind}/${object.metadata?.name}: ${problem}`);
      failed = true;
    }
  }
  for (const problem of reachabilityProblems(objects)) {
    console.error(`${file}: ${problem}`);
    failed = true;
  }
  console.log(`${file}: ${objects.length} objects checked`);
}
process.exit(failed ? 1 : 0);
