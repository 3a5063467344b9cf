/** Where the CLI writes: stdout for results (so --json pipes cleanly), stderr for everything else. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};
