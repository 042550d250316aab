import { randomUUID } from 'node:crypto';

/** What a login flow does to the outside world besides HTTP and files; tests replace it. */
export interface LoginIo {
  /** One line for the user (URLs, codes, results). */
  out(line: string): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  newUuid(): string;
}

export function defaultLoginIo(): LoginIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    newUuid: randomUUID,
  };
}

/** What every flow reports once the creds file is written and the pools file updated. */
export interface LoginResult {
  credsFile: string;
  poolsFile: string;
  poolKey: string;
  uuid: string;
  /** False when an instance already pointed at the same creds file (it was left as it was). */
  added: boolean;
}
