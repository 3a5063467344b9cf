import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";

/** One rendered document as YAML gave it, before its schema is checked. */
export interface RenderedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  [field: string]: unknown;
}

const repoRoot = join(import.meta.dirname, "..", "..", "..");

/** `kubectl kustomize` of an overlay, parsed; throws a message saying what to install when kubectl is missing. */
export function renderOverlay(overlay: string): RenderedObject[] {
  let text: string;
  try {
    text = execFileSync("kubectl", ["kustomize", join(repoRoot, "infra", "k8s", "overlays", overlay)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("kubectl is not on PATH: install kubectl (v1.32, with its built-in kustomize) to render infra/k8s/overlays/*", { cause: err });
    }
    throw new Error(`kubectl kustomize infra/k8s/overlays/${overlay} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
      return doc.toJS() as RenderedObject | null;
    })
    .filter((o): o is RenderedObject => o !== null);
}

export type K8sModel = Namespace | ConfigMap | Secret | Service | Deployment | Job | HorizontalPodAutoscaler | PodDisruptionBudget | NetworkPolicy | ScaledObject;

/** Schemas pinned by the kubernetes-models and @kubernetes-models/keda versions in package-lock.json, by apiVersion/kind. */
const MODELS: Record<string, (data: never) => K8sModel> = {
  "v1/Namespace": (d) => new Namespace(d),
  "v1/ConfigMap": (d) => new ConfigMap(d),
  "v1/Secret": (d) => new Secret(d),
  "v1/Service": (d) => new Service(d),
  "apps/v1/Deployment": (d) => new Deployment(d),
  "batch/v1/Job": (d) => new Job(d),
  "autoscaling/v2/HorizontalPodAutoscaler": (d) => new HorizontalPodAutoscaler(d),
  "policy/v1/PodDisruptionBudget": (d) => new PodDisruptionBudget(d),
  "networking.k8s.io/v1/NetworkPolicy": (d) => new NetworkPolicy(d),
  "keda.sh/v1alpha1/ScaledObject": (d) => new ScaledObject(d),
};

/** The object as its model, after its schema accepted it; a kind without a pinned schema throws too. */
export function validatedModel(obj: RenderedObject): K8sModel {
  const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!model) throw new Error(`${obj.apiVersion}/${obj.kind} ${obj.metadata?.name}: no pinned schema for this kind (add one to test/infra/support/k8s-render.ts)`);
  const built = model(normalized(obj) as never);
  built.validate();
  return built;
}

/**
 * kustomize folds a long base64 Secret value over lines; the API server's decoder skips the newlines (Go's base64
 * does), the schema's "byte" format does not: compare what the server reads.
 */
function normalized(obj: RenderedObject): RenderedObject {
  if (obj.apiVersion !== "v1" || obj.kind !== "Secret" || typeof obj.data !== "object" || obj.data === null) return obj;
  return { ...obj, data: Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, typeof v === "string" ? v.replace(/\s+/g, "") : v])) };
}

/** True when a label selector (matchLabels and In/NotIn/Exists/DoesNotExist expressions) selects these labels. */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === "In") return has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === "NotIn") return !has || !(e.values ?? []).includes(labels[e.key]!);
    if (e.operator === "Exists") return has;
    if (e.operator === "DoesNotExist") return !has;
    throw new Error(`unknown selector operator ${e.operator}`);
  });
  return byLabel && byExpression;
}

export function nameOf(model: K8sModel): string {
  return model.metadata?.name ?? "(unnamed)";
}

/** The one model of this class and name. */
export function findModel<T extends K8sModel>(models: K8sModel[], type: abstract new (...args: never[]) => T, name: string): T {
  const found = models.find((m): m is T => m instanceof type && nameOf(m) === name);
  if (!found) throw new Error(`no ${type.name} ${name} in the rendered overlay (have: ${models.map((m) => `${m.kind}/${nameOf(m)}`).join(", ")})`);
  return found;
}
