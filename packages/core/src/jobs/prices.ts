/** Credits per unit of work; GET /v1/credits shows this table. */
export const PRICES = {
  page: 1,
  screenshot: 1,
  extract: 1,
  task_step: 1,
  burner_agent: 1,
  persistent_session: 2,
  persistent_agent_renewal: 20,
} as const;

export const NEW_WORKSPACE_CREDITS = 100;
