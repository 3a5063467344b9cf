// The Kubernetes manifests as kustomize renders them (infra/k8s/overlays/*): every object valid against
// the pinned Kubernetes and KEDA schemas, and the invariants production relies on. kubectl and files only.
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Secret, Service, type IContainer, type IPodSpec } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { envSchema } from "@browserfleet/config";
import { MAX_TIMEOUT_MS } from "@browserfleet/core";
import { findModel, nameOf, renderOverlay, selects, validatedModel, type K8sModel } from "./support/k8s-render.ts";

const APPS = ["api", "worker", "dispatcher"] as const;
const SECRET_KEYS = ["DATABASE_URL", "REDIS_URL", "FLEET_SECRET", "TASK_KEY_SECRET"];
const PRIVATE_V4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8"];
const PRIVATE_V6 = ["fc00::/7", "fe80::/10"];
/** The port setting each process listens on. */
const PORT_SETTING = { api: "PORT", worker: "WORKER_PORT", dispatcher: "DISPATCHER_PORT" } as const;

interface Rendered {
  models: K8sModel[];
  config: Record<string, string>;
  deployment: (app: (typeof APPS)[number]) => Deployment;
  workloads: { name: string; labels: Record<string, string>; pod: IPodSpec }[];
}

function render(overlay: string): Rendered {
  const models = renderOverlay(overlay).map(validatedModel);
  const workloads = models
    .filter((m): m is Deployment | Job => m instanceof Deployment || m instanceof Job)
    .map((m) => ({ name: nameOf(m), labels: m.spec!.template.metadata?.labels ?? {}, pod: m.spec!.template.spec! }));
  return {
    models,
    config: findModel(models, ConfigMap, "browserfleet-config").data ?? {},
    deployment: (app) => findModel(models, Deployment, `browserfleet-${app}`),
    workloads,
  };
}

const containersOf = (pod: IPodSpec): IContainer[] => [...(pod.initContainers ?? []), ...pod.containers];
const podLabels = (d: Deployment): Record<string, string> => d.spec!.template.metadata?.labels ?? {};

describe("the schemas really check", () => {
  it("rejects a Deployment whose replicas is a string and a ScaledObject without a target name", () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two", selector: {}, template: {} } };
    expect(() => validatedModel(deployment)).toThrow(/replicas must be integer/);
    const scaled = { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "x" }, spec: { scaleTargetRef: {}, triggers: [] } };
    expect(() => validatedModel(scaled)).toThrow(/scaleTargetRef must have required property 'name'|required property name/);
    expect(() => validatedModel({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "x" } })).toThrow(/no pinned schema/);
  });
});

describe.each(["dev", "prod"])("infra/k8s/overlays/%s", (overlay) => {
  const r = render(overlay);

  it("renders every object valid against its pinned schema, the three apps and the migration Job among them", () => {
    console.log(`${overlay}: ${r.models.length} objects: ${r.models.map((m) => `${m.kind}/${nameOf(m)}`).join(", ")}`);
    for (const app of APPS) expect(r.deployment(app).spec?.template.spec?.containers).toHaveLength(1);
    findModel(r.models, Job, "browserfleet-migrate");
  });

  it("runs every process from one image, each app's compiled entry and the CLI's migrate, under the image's tini", () => {
    const images = new Set(r.workloads.flatMap((w) => containersOf(w.pod).map((c) => c.image)));
    expect([...images]).toHaveLength(1);
    const [image] = [...images] as [string];
    if (overlay === "dev") expect(image).toMatch(/:dev$/);
    else expect(image).toMatch(/(:\d+\.\d+\.\d+|@sha256:[0-9a-f]{64})$/);
    // args replace the image's CMD; a command would replace its ENTRYPOINT (tini, PID 1) too.
    for (const w of r.workloads) for (const c of containersOf(w.pod)) expect(c.command, `${w.name}/${c.name}`).toBeUndefined();
    for (const app of APPS) expect(r.deployment(app).spec!.template.spec!.containers[0]!.args).toEqual(["node", "--enable-source-maps", `apps/${app}/dist/main.js`]);
    expect(findModel(r.models, Job, "browserfleet-migrate").spec!.template.spec!.containers[0]!.args).toEqual(["node", "--enable-source-maps", "packages/cli/dist/browserfleet.js", "migrate"]);
  });

  it("probes /readyz and /healthz on each process's own port, and gives every container requests and limits", () => {
    for (const app of APPS) {
      const pod = r.deployment(app).spec!.template.spec!;
      const container = pod.containers[0]!;
      const port = Number(r.config[PORT_SETTING[app]]);
      const named = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      expect(named.size, `${app} names its port`).toBeGreaterThan(0);
      const portOf = (p: string | number | undefined): number | undefined => (typeof p === "number" ? p : named.get(p));
      expect(container.readinessProbe?.httpGet?.path, app).toBe("/readyz");
      expect(container.livenessProbe?.httpGet?.path, app).toBe("/healthz");
      expect(portOf(container.readinessProbe?.httpGet?.port), app).toBe(port);
      expect(portOf(container.livenessProbe?.httpGet?.port), app).toBe(port);
    }
    for (const w of r.workloads) {
      for (const c of containersOf(w.pod)) {
        for (const field of ["requests", "limits"] as const) {
          expect(c.resources?.[field]?.cpu, `${w.name}/${c.name} ${field}.cpu`).toBeDefined();
          expect(c.resources?.[field]?.memory, `${w.name}/${c.name} ${field}.memory`).toBeDefined();
        }
      }
    }
  });

  it("runs every pod non-root with a read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp and writable /tmp", () => {
    for (const w of r.workloads) {
      expect(w.pod.securityContext?.runAsNonRoot, w.name).toBe(true);
      expect(w.pod.securityContext?.runAsUser, w.name).toBe(10001);
      expect(w.pod.securityContext?.seccompProfile?.type, w.name).toBe("RuntimeDefault");
      for (const c of containersOf(w.pod)) {
        const s = c.securityContext;
        expect(s?.readOnlyRootFilesystem, `${w.name}/${c.name}`).toBe(true);
        expect(s?.allowPrivilegeEscalation, `${w.name}/${c.name}`).toBe(false);
        expect(s?.capabilities?.drop, `${w.name}/${c.name}`).toContain("ALL");
        expect(s?.capabilities?.add ?? [], `${w.name}/${c.name}`).toEqual([]);
        expect(c.volumeMounts?.map((m) => m.mountPath), `${w.name}/${c.name}`).toContain("/tmp");
      }
      expect(w.pod.volumes?.every((v) => v.emptyDir?.sizeLimit !== undefined), `${w.name}: every volume is a sized emptyDir`).toBe(true);
    }
    const worker = r.deployment("worker").spec!.template.spec!;
    const shm = worker.volumes?.find((v) => worker.containers[0]!.volumeMounts?.some((m) => m.mountPath === "/dev/shm" && m.name === v.name));
    expect(shm?.emptyDir?.medium).toBe("Memory");
    expect(shm?.emptyDir?.sizeLimit).toBeDefined();
  });

  it("gives a worker's drain the page timeout plus SHUTDOWN_TIMEOUT_MS before the kubelet's SIGKILL", () => {
    const shutdownMs = Number(r.config.SHUTDOWN_TIMEOUT_MS);
    expect(shutdownMs).toBeGreaterThanOrEqual(MAX_TIMEOUT_MS);
    const grace = r.deployment("worker").spec!.template.spec!.terminationGracePeriodSeconds!;
    console.log(`${overlay}: worker grace ${grace} s; page timeout max ${MAX_TIMEOUT_MS} ms + SHUTDOWN_TIMEOUT_MS ${shutdownMs} ms`);
    expect(grace).toBeGreaterThanOrEqual((MAX_TIMEOUT_MS + shutdownMs) / 1000);
    for (const app of ["api", "dispatcher"] as const) expect(r.deployment(app).spec!.template.spec!.terminationGracePeriodSeconds).toBeGreaterThan(shutdownMs / 1000);
  });

  it("announces each worker by its pod IP and names them in a headless Service", () => {
    const env = r.deployment("worker").spec!.template.spec!.containers[0]!.env ?? [];
    expect(env.find((e) => e.name === "WORKER_ADVERTISE_HOST")?.valueFrom?.fieldRef?.fieldPath).toBe("status.podIP");
    const service = findModel(r.models, Service, "browserfleet-worker");
    expect(service.spec?.clusterIP).toBe("None");
    expect(selects({ matchLabels: service.spec?.selector }, podLabels(r.deployment("worker")))).toBe(true);
    expect(r.config.HOST).toBe("0.0.0.0");
  });

  it("keeps workers off cluster-internal ranges and the metadata address: every 0.0.0.0/0 and ::/0 rule has the exceptions", () => {
    const policies = r.models.filter((m): m is NetworkPolicy => m instanceof NetworkPolicy);
    const workerPolicies = policies.filter((p) => selects(p.spec?.podSelector, podLabels(r.deployment("worker"))));
    expect(workerPolicies.some((p) => p.spec?.policyTypes?.includes("Egress"))).toBe(true);
    const blocks = (ps: NetworkPolicy[]) => ps.flatMap((p) => (p.spec?.egress ?? []).flatMap((rule) => (rule.to ?? []).flatMap((peer) => (peer.ipBlock ? [peer.ipBlock] : []))));
    // Every pod of ours starts from deny-all in both directions, the migration Job's too.
    for (const w of r.workloads) {
      const types = policies.filter((p) => selects(p.spec?.podSelector, w.labels)).flatMap((p) => p.spec?.policyTypes ?? []);
      expect(new Set(types), w.name).toEqual(new Set(["Ingress", "Egress"]));
    }
    const workerAny = blocks(workerPolicies).filter((b) => b.cidr === "0.0.0.0/0");
    expect(workerAny.length).toBeGreaterThan(0);
    for (const block of blocks(policies)) {
      if (block.cidr === "0.0.0.0/0") expect(block.except).toEqual(expect.arrayContaining(PRIVATE_V4));
      if (block.cidr === "::/0") expect(block.except).toEqual(expect.arrayContaining(PRIVATE_V6));
    }
    // In: only the API pods (CDP relay) and Prometheus.
    const sources = workerPolicies.flatMap((p) => (p.spec?.ingress ?? []).flatMap((rule) => rule.from ?? [{}]));
    for (const from of sources) expect(from.podSelector?.matchLabels, JSON.stringify(from)).toBeDefined();
    expect(sources.some((from) => selects(from.podSelector, podLabels(r.deployment("api"))))).toBe(true);
  });

  it("has a PodDisruptionBudget for each Deployment and CPU autoscalers for the api and the dispatcher", () => {
    const pdbs = r.models.filter((m): m is PodDisruptionBudget => m instanceof PodDisruptionBudget);
    for (const app of APPS) expect(pdbs.filter((p) => selects(p.spec?.selector, podLabels(r.deployment(app)))), app).toHaveLength(1);
    for (const app of ["api", "dispatcher"] as const) {
      const hpa = r.models.find((m): m is HorizontalPodAutoscaler => m instanceof HorizontalPodAutoscaler && m.spec?.scaleTargetRef.name === `browserfleet-${app}`);
      expect(hpa?.spec?.scaleTargetRef.kind, app).toBe("Deployment");
      expect(hpa?.spec?.metrics?.some((metric) => metric.resource?.name === "cpu"), app).toBe(true);
      expect(hpa!.spec!.minReplicas!).toBeLessThanOrEqual(hpa!.spec!.maxReplicas);
      expect(r.deployment(app).spec?.replicas, `${app}: the HPA owns the count`).toBeUndefined();
    }
  });

  it("scales workers with KEDA on work waiting and running, per worker's slots, and scales down slowly", () => {
    const scaled = r.models.filter((m): m is ScaledObject => m instanceof ScaledObject);
    expect(scaled).toHaveLength(1);
    const spec = scaled[0]!.spec!;
    expect(spec.scaleTargetRef.name).toBe("browserfleet-worker");
    expect(spec.minReplicaCount!).toBeGreaterThanOrEqual(1);
    expect(spec.minReplicaCount!).toBeLessThanOrEqual(spec.maxReplicaCount!);
    expect(spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown?.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    const trigger = spec.triggers.find((t) => t.type === "prometheus");
    const query = trigger?.metadata.query ?? "";
    console.log(`${overlay}: workers ${spec.minReplicaCount}..${spec.maxReplicaCount} on ${query.replace(/\s+/g, " ")}`);
    for (const metric of ["browserfleet_admission_pending_pages", "browserfleet_agents_waiting"]) expect(query).toMatch(new RegExp(`\\(max\\(${metric}\\) or vector\\(0\\)\\)`));
    // The divisors are one worker's page slots and agent slots, as the ConfigMap sets them.
    const divisors = [...query.matchAll(/\)\s*\/\s*(\d+)/g)].map((m) => m[1]);
    expect(divisors).toEqual([r.config.WORKER_CONCURRENCY, r.config.WORKER_AGENT_SLOTS]);
    expect(r.deployment("worker").spec?.replicas, "KEDA owns the count").toBeUndefined();
  });

  it("scrapes every process: Prometheus annotations name the process's port and /metrics", () => {
    for (const app of APPS) {
      const annotations = r.deployment(app).spec!.template.metadata?.annotations ?? {};
      expect(annotations["prometheus.io/scrape"], app).toBe("true");
      expect(annotations["prometheus.io/port"], app).toBe(r.config[PORT_SETTING[app]]);
      expect(annotations["prometheus.io/path"], app).toBe("/metrics");
    }
  });

  it("sets only settings the config schema knows, and the ConfigMap's values pass it", () => {
    const known = new Set(Object.keys(envSchema.shape));
    const names = [...Object.keys(r.config), ...r.workloads.flatMap((w) => containersOf(w.pod).flatMap((c) => (c.env ?? []).map((e) => e.name)))];
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    const parsed = envSchema.safeParse({ ...r.config, ...Object.fromEntries(SECRET_KEYS.map((k) => [k, undefined])) });
    expect(parsed.error?.issues ?? []).toEqual([]);
    for (const key of SECRET_KEYS) expect(r.config, `${key} is a secret`).not.toHaveProperty(key);
  });

  it("takes every secret from the Secret by reference, never as a literal value", () => {
    const secrets = r.models.filter((m): m is Secret => m instanceof Secret);
    // dev: kustomize's generated Secret (name + content hash); prod: the one the operator creates.
    const secretName = overlay === "prod" ? "browserfleet-secrets" : nameOf(secrets[0]!);
    for (const w of r.workloads) {
      for (const c of containersOf(w.pod)) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef.name, `${w.name} ${e.name}`).toBe(secretName);
          if (SECRET_KEYS.includes(e.name) || e.name.startsWith("S3_")) expect(e.value, `${w.name} ${e.name}`).toBeUndefined();
        }
      }
    }
    const worker = r.deployment("worker").spec!.template.spec!.containers[0]!;
    for (const key of SECRET_KEYS) expect(worker.env?.find((e) => e.name === key)?.valueFrom?.secretKeyRef?.key).toBe(key);
    if (overlay === "prod") {
      expect(secrets, "prod references the operator's Secret and renders none").toEqual([]);
      expect(JSON.stringify(r.models)).not.toMatch(/postgres(ql)?:\/\/|rediss?:\/\/|FLEET_SECRET=|TASK_KEY_SECRET=/);
    } else {
      // The generated placeholder passes the schema, so a dev cluster starts with it.
      expect(secrets).toHaveLength(1);
      const values = Object.fromEntries(Object.entries(secrets[0]!.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
      expect(Object.keys(values).sort()).toEqual([...SECRET_KEYS].sort());
      expect(envSchema.safeParse({ ...r.config, ...values }).error?.issues ?? []).toEqual([]);
    }
  });
});
