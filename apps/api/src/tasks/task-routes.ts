import { Router, type Request } from "express";
import { ApiError, autoBody, createTaskBody, respondBody, routeTask, taskStepsQuery } from "@browserfleet/core";
import { findJob, listTaskSteps, respondToTask } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";
import { uuidParam, validate } from "../http/validate.ts";
import { jobEnvelope } from "../jobs/job-envelope.ts";
import { autoScrape } from "./auto-scrape.ts";
import { submitTask } from "./submit-task.ts";
import { taskStepView } from "./task-step-view.ts";

/** /v1/tasks, /v1/auto, and a task's steps and answers under /v1/jobs/{id}. */
export function taskRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const mustFindTask = async (req: Request) => {
    const id = uuidParam(req.params.id as string | undefined, "job id");
    const job = await findJob(deps.prisma, req.auth!.workspaceId, id);
    if (!job) throw new ApiError("NOT_FOUND", `job ${id} not found`);
    return job;
  };

  router.post("/tasks", async (req, res) => {
    const body = validate(createTaskBody, req.body);
    res.status(202).json(await submitTask(deps, req, body));
  });

  router.post("/auto", async (req, res) => {
    const body = validate(autoBody, req.body);
    const route = routeTask(body.task);
    req.log.info({ routed_via: route.route, routing_reason: route.reason }, "auto request routed");
    if (route.route === "scrape") {
      res.status(200).json(await autoScrape(deps, req, { url: route.url, reason: route.reason }));
      return;
    }
    if (body.llm_api_key === undefined) {
      throw new ApiError("BAD_REQUEST", `this task needs the browser agent (${route.reason}), so llm_api_key is required`, {
        details: [{ path: "llm_api_key", message: "required when the task is routed to an AI task" }],
      });
    }
    const envelope = await submitTask(deps, req, { ...body, llm_api_key: body.llm_api_key });
    res.status(202).json({ ...envelope, routed_via: "task", routing_reason: route.reason });
  });

  router.get("/jobs/:id/steps", async (req, res) => {
    const query = validate(taskStepsQuery, req.query, "query");
    const job = await mustFindTask(req);
    if (job.kind !== "task") {
      res.json({ items: [], next_cursor: null });
      return;
    }
    const page = await listTaskSteps(deps.prisma, { jobId: job.id, afterN: query.cursor === undefined ? 0 : Number(query.cursor), limit: query.limit });
    res.json({ items: page.steps.map(taskStepView), next_cursor: page.next === null ? null : String(page.next) });
  });

  router.post("/jobs/:id/respond", async (req, res) => {
    const id = uuidParam(req.params.id as string | undefined, "job id");
    const body = validate(respondBody, req.body);
    const job = await respondToTask(deps.prisma, { workspaceId: req.auth!.workspaceId, jobId: id, answer: body.input });
    if (!job) throw new ApiError("NOT_FOUND", `job ${id} not found`);
    req.log.info({ job_id: id, step: job.stepCount }, "task answered");
    res.json(jobEnvelope(job, null));
  });

  return router;
}
