/** A migration history the runner refuses to touch: edited, failed, or unreadable migrations. */
export class MigrationError extends Error {
  readonly migrationName: string | undefined;

  constructor(message: string, options: { migrationName?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "MigrationError";
    this.migrationName = options.migrationName;
  }
}
