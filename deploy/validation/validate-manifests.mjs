// Validates rendered Kubernetes manifests (multi-document YAML files): every object against the schema of
// its apiVersion and kind (kubernetes-models; cert-manager's for Certificates), plus the rules this project
// keeps for every workload. Prints each problem and exits 1 when there is any.
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

let failed = false;
for (const file of files) {
  const objects = YAML.parseAllDocuments(readFileSync(file, "utf8")).map((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${file}: ${document.errors[0].message}`);
    }
    return document.toJS();
  }).filter((object) => object);
  const names = new Set(objects.map((object) => `${object.kind}/${object.metadata?.name}`));
  for (const object of objects) {
    const problems = [...(await schemaProblems(object)), ...policyProblems(object, names)];
    for (const problem of problems) {
      console.error(`${file}: ${object.kind}/${object.metadata?.name}: ${problem}`);
      failed = true;
    }
  }
  console.log(`${file}: ${objects.length} objects checked`);
}
process.exit(failed ? 1 : 0);
