export const USAGE = `browserfleet — administer a browserfleet database

usage:
  browserfleet workspace create --name <name> [--json]
  browserfleet workspace set <workspace-id> [--max-concurrency <1-8>] [--max-agents <1-20>]
                              [--requests-per-minute <n>] [--submissions-per-second <n>]
  browserfleet key create --workspace <workspace-id> [--name <name>] [--json]
  browserfleet credits grant --workspace <workspace-id> --amount <n> [--reason <text>] [--json]
  browserfleet migrate

Reads DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/browserfleet); creates and
migrates that database first if needed, so no separate setup step is required.`;
